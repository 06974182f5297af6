/**
 * A small JSON Schema (draft 2020-12) interpreter over Python values, reproducing jsonschema
 * 4.26's `Draft202012Validator.iter_errors`: the same errors, the same messages (Python `repr`
 * of the values) and the same order.
 *
 * Why not an npm validator (ajv & co.): they validate JS data and cannot see the distinctions
 * the messages depend on (`1` vs `1.0` vs `True`, dates, dict keys that are not strings, `Map`
 * order), their `pattern` is ECMAScript (`$` differs), their uniqueness is JS equality, and their
 * error order and wording are their own. Only the keywords the policy schema uses (plus a few
 * trivial siblings) are implemented; any other validation keyword fails loudly.
 */
import { fromPlainJson } from '../python/json-parse.js';
import { pyRepr, pyStr } from '../python/repr.js';
import { type PyValue } from '../python/value.js';
import { compareCodePoints } from '../text/code-point-order.js';
import { pythonSearch } from './python-pattern.js';
import { jsonSchemaEqual, jsonSchemaUniq } from './uniq.js';

export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** One error as jsonschema yields it: `path` is `error.path` (list indices as Python ints). */
export interface RawSchemaError {
  readonly path: readonly PyValue[];
  readonly message: string;
}

// Keywords with no validation effect (annotations, containers of definitions).
const NO_OP = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'format',
  'contentMediaType',
  'contentEncoding',
]);

type Keyword = (
  ctx: Context,
  value: unknown,
  instance: PyValue,
  schema: Readonly<Record<string, unknown>>,
) => Iterable<RawSchemaError>;

interface Context {
  readonly root: JsonSchema;
  descend(instance: PyValue, schema: JsonSchema, path?: PyValue): Iterable<RawSchemaError>;
}

const error = (message: string): RawSchemaError => ({ path: [], message });
const repr = (value: unknown): string => pyRepr(fromPlainJson(value));
const isSchemaObject = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const lengthInCodePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** jsonschema's draft 2020-12 type checker over the Python model (bool is not a number). */
export function isJsonSchemaType(instance: PyValue, type: string): boolean {
  switch (type) {
    case 'object':
      return instance instanceof Map;
    case 'array':
      return Array.isArray(instance);
    case 'string':
      return typeof instance === 'string';
    case 'boolean':
      return typeof instance === 'boolean';
    case 'null':
      return instance === null;
    case 'number':
      return typeof instance === 'bigint' || typeof instance === 'number';
    case 'integer':
      return typeof instance === 'bigint' || (typeof instance === 'number' && Number.isInteger(instance));
    default:
      throw new Error(`unknown JSON Schema type ${JSON.stringify(type)}`);
  }
}

const KEYWORDS: Record<string, Keyword> = {
  *type(_ctx, types, instance) {
    const list = typeof types === 'string' ? [types] : (types as string[]);
    if (!list.some((t) => isJsonSchemaType(instance, t))) {
      yield error(`${pyRepr(instance)} is not of type ${list.map((t) => repr(t)).join(', ')}`);
    }
  },

  *required(_ctx, required, instance) {
    if (!(instance instanceof Map)) return;
    for (const property of required as string[]) {
      if (!instance.has(property)) yield error(`${repr(property)} is a required property`);
    }
  },

  *properties(ctx, properties, instance) {
    if (!(instance instanceof Map)) return;
    for (const [property, subschema] of Object.entries(properties as Record<string, JsonSchema>)) {
      if (instance.has(property)) yield* ctx.descend(instance.get(property) as PyValue, subschema, property);
    }
  },

  *additionalProperties(ctx, aP, instance, schema) {
    if (!(instance instanceof Map)) return;
    if ('patternProperties' in schema) throw new Error('patternProperties is not supported');
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    // Only string keys can match a schema property name; any other key is additional.
    const extras = [...instance.keys()].filter((k) => typeof k !== 'string' || !Object.hasOwn(properties, k));
    if (isSchemaObject(aP)) {
      // Python iterates a set here; the resulting paths differ, and callers sort by path.
      // `descend(..., path=extra)` adds nothing to the path when the key is None.
      for (const extra of extras)
        yield* ctx.descend(instance.get(extra) as PyValue, aP, extra === null ? undefined : extra);
    } else if (aP === false && extras.length > 0) {
      // `sorted(extras, key=str)`
      const sorted = extras
        .map((key) => ({ key, text: pyStr(key) }))
        .sort((a, b) => compareCodePoints(a.text, b.text))
        .map(({ key }) => pyRepr(key));
      const verb = sorted.length === 1 ? 'was' : 'were';
      yield error(`Additional properties are not allowed (${sorted.join(', ')} ${verb} unexpected)`);
    }
  },

  *items(ctx, items, instance, schema) {
    if (!Array.isArray(instance)) return;
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.length : 0;
    if (instance.length <= prefix) return;
    if (items === false) throw new Error('items: false is not supported');
    for (let index = prefix; index < instance.length; index++) {
      yield* ctx.descend(instance[index] as PyValue, items as JsonSchema, BigInt(index));
    }
  },

  *uniqueItems(_ctx, uI, instance) {
    if (uI && Array.isArray(instance) && !jsonSchemaUniq(instance)) {
      yield error(`${pyRepr(instance)} has non-unique elements`);
    }
  },

  *pattern(_ctx, pattern, instance) {
    if (typeof instance === 'string' && !pythonSearch(pattern as string, instance)) {
      yield error(`${pyRepr(instance)} does not match ${repr(pattern)}`);
    }
  },

  *minLength(_ctx, mL, instance) {
    if (typeof instance === 'string' && lengthInCodePoints(instance) < (mL as number)) {
      yield error(`${pyRepr(instance)} ${mL === 1 ? 'should be non-empty' : 'is too short'}`);
    }
  },

  *maxLength(_ctx, mL, instance) {
    if (typeof instance === 'string' && lengthInCodePoints(instance) > (mL as number)) {
      yield error(`${pyRepr(instance)} ${mL === 0 ? 'is expected to be empty' : 'is too long'}`);
    }
  },

  *minItems(_ctx, mI, instance) {
    if (Array.isArray(instance) && instance.length < (mI as number)) {
      yield error(`${pyRepr(instance)} ${mI === 1 ? 'should be non-empty' : 'is too short'}`);
    }
  },

  *maxItems(_ctx, mI, instance) {
    if (Array.isArray(instance) && instance.length > (mI as number)) {
      yield error(`${pyRepr(instance)} ${mI === 0 ? 'is expected to be empty' : 'is too long'}`);
    }
  },

  *enum(_ctx, enums, instance) {
    const values = (enums as unknown[]).map(fromPlainJson);
    if (values.every((each) => !jsonSchemaEqual(each, instance))) {
      yield error(`${pyRepr(instance)} is not one of ${repr(enums)}`);
    }
  },

  *oneOf(ctx, oneOf, instance) {
    const subschemas = oneOf as JsonSchema[];
    let firstValid = -1;
    for (let i = 0; i < subschemas.length; i++) {
      if (isEmpty(ctx.descend(instance, subschemas[i] as JsonSchema))) {
        firstValid = i;
        break;
      }
    }
    if (firstValid < 0) {
      yield error(`${pyRepr(instance)} is not valid under any of the given schemas`);
      return;
    }
    const moreValid = subschemas.slice(firstValid + 1).filter((s) => isEmpty(ctx.descend(instance, s)));
    if (moreValid.length > 0) {
      moreValid.push(subschemas[firstValid] as JsonSchema);
      yield error(`${pyRepr(instance)} is valid under each of ${moreValid.map((s) => repr(s)).join(', ')}`);
    }
  },

  *$ref(ctx, ref, instance) {
    // Errors of a `$ref` keep the referring location's path (jsonschema adds nothing).
    yield* ctx.descend(instance, resolvePointer(ctx.root, ref as string));
  },
};

function isEmpty(errors: Iterable<RawSchemaError>): boolean {
  for (const _ of errors) return false;
  return true;
}

/** Resolve a same-document reference (`#/$defs/name`); the policy schema uses no other kind. */
function resolvePointer(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith('#')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const token = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isSchemaObject(node) || !Object.hasOwn(node, token)) throw new Error(`unresolvable $ref ${ref}`);
    node = node[token];
  }
  return node as JsonSchema;
}

/** `Draft202012Validator(schema).iter_errors(instance)`, in jsonschema's order (not sorted). */
export function iterSchemaErrors(instance: PyValue, schema: JsonSchema): RawSchemaError[] {
  const ctx: Context = {
    root: schema,
    *descend(value, subschema, path) {
      for (const e of evaluate(ctx, value, subschema)) {
        yield path === undefined ? e : { path: [path, ...e.path], message: e.message };
      }
    },
  };
  return [...evaluate(ctx, instance, schema)];
}

function* evaluate(ctx: Context, instance: PyValue, schema: JsonSchema): Iterable<RawSchemaError> {
  if (schema === true) return;
  if (schema === false) {
    yield error(`False schema does not allow ${pyRepr(instance)}`);
    return;
  }
  // Keywords run in the schema's own key order, as jsonschema iterates `schema.items()`.
  for (const [keyword, value] of Object.entries(schema)) {
    const fn = Object.hasOwn(KEYWORDS, keyword) ? KEYWORDS[keyword] : undefined;
    if (fn) yield* fn(ctx, value, instance, schema);
    else if (!NO_OP.has(keyword)) throw new Error(`JSON Schema keyword ${keyword} is not supported`);
  }
}
