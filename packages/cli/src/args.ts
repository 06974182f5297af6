import { CavraError } from '@cavra/policy-model';

export type FlagKind = 'boolean' | 'string' | 'strings';
export type FlagSpec = Readonly<Record<string, FlagKind>>;

export interface ParsedArgs {
  flags: Map<string, string | boolean | string[]>;
  positionals: string[];
}

/**
 * THE argument parser of every `cavra-runtime` command. Accepts `--flag value`, `--flag=value`
 * and, for drop-in use in place of the Go runtime CLI (Go's `flag` package), the single-dash
 * forms `-flag value` and `-flag=value`. `--` ends the options. Unknown flags, missing values and
 * empty values (`--policy-dir=`: an empty path would quietly mean the working directory) are
 * usage errors, unless `options.allowEmptyValues` (Python-compatible commands whose options give
 * `''` a meaning of its own, e.g. `evidence verify --key-id ''`).
 */
export function parseArgs(
  argv: readonly string[],
  spec: FlagSpec,
  aliases: Readonly<Record<string, string>> = {},
  options: { readonly allowEmptyValues?: boolean } = {},
): ParsedArgs {
  const flags = new Map<string, string | boolean | string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const rawName = eq === -1 ? body : body.slice(0, eq);
    const name = aliases[rawName] ?? rawName;
    const kind = spec[name];
    if (!kind) throw new CavraError('usage', `unknown option: ${arg.slice(0, eq === -1 ? undefined : arg.indexOf('='))}`);
    if (kind === 'boolean') {
      if (eq !== -1) throw new CavraError('usage', `option --${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string;
    if (eq !== -1) value = body.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new CavraError('usage', `option --${name} needs a value`);
      value = next;
      i++;
    }
    if (value === '' && options.allowEmptyValues !== true) throw new CavraError('usage', `option --${name} needs a non-empty value`);
    if (kind === 'strings') flags.set(name, [...((flags.get(name) as string[] | undefined) ?? []), value]);
    else flags.set(name, value);
  }
  return { flags, positionals };
}

export const stringFlag = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
};
export const booleanFlag = (args: ParsedArgs, name: string): boolean => args.flags.get(name) === true;
export const stringsFlag = (args: ParsedArgs, name: string): string[] => {
  const value = args.flags.get(name);
  return Array.isArray(value) ? value : [];
};
