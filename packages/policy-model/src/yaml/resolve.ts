import { TAG } from './tags.js';

/*
 * PyYAML 6.0 `Resolver` implicit resolvers (YAML 1.1), transcribed from resolver.py.
 * Python's `re.match(r'^(?:...)$')` also matches before one trailing "\n"; that only matters
 * for `!`-tagged quoted/block scalars, but `\n?` keeps it exact.
 */
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)\n?$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\n?$/;
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)\n?$/;
const MERGE = /^(?:<<)\n?$/;
const NULL = /^(?:~|null|Null|NULL|)\n?$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)\n?$/;
const VALUE = /^(?:=)\n?$/;

type Resolvers = ReadonlyArray<readonly [string, RegExp]>;

// PyYAML picks candidate resolvers by the first character, in registration order
// (bool, float, int, merge, null, timestamp, value).
const BY_FIRST_CHAR = new Map<string, Resolvers>();
function register(tag: string, regexp: RegExp, first: string[]): void {
  for (const ch of first) BY_FIRST_CHAR.set(ch, [...(BY_FIRST_CHAR.get(ch) ?? []), [tag, regexp]]);
}
register(TAG.bool, BOOL, [...'yYnNtTfFoO']);
register(TAG.float, FLOAT, [...'-+0123456789.']);
register(TAG.int, INT, [...'-+0123456789']);
register(TAG.merge, MERGE, ['<']);
register(TAG.null, NULL, ['~', 'n', 'N', '']);
register(TAG.timestamp, TIMESTAMP, [...'0123456789']);
register(TAG.value, VALUE, ['=']);

/**
 * The tag PyYAML gives a scalar. `implicit` is true for a plain untagged scalar and for the
 * non-specific tag `!` (PyYAML resolves both by value); quoted and block scalars are `str`.
 */
export function resolveScalarTag(value: string, implicit: boolean): string {
  if (implicit) {
    const first = value === '' ? '' : (value[0] as string);
    for (const [tag, regexp] of BY_FIRST_CHAR.get(first) ?? []) if (regexp.test(value)) return tag;
  }
  return TAG.str;
}
