import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CavraError,
  PyDate,
  PyDateTime,
  PyBytes,
  PyJsonTypeError,
  compilePolicy,
  dumpsPyJson,
  formatValidationErrorLines,
  listPolicyPacks,
  loadPackPolicy,
  parsePolicyYaml,
  parsePyJson,
  pyStr,
  validatePolicy,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { readPythonTextFile, resolvePackSource } from '@cavra/policy-model/node';
import { pythonPathString } from '@cavra/evaluator';
import { booleanFlag, parseArgs, stringFlag, stringsFlag, type FlagSpec, type ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.js';

/** Python's default for `policy compile --policy-pack`. */
export const DEFAULT_COMPILE_PACK = 'cavra-ai-agent-baseline';

export const POLICY_USAGE = `Usage: cavra-runtime policy <command> [options]

Commands:
  list [--json] [--policy-dir DIR]
      The policy packs: "Available policy packs:" then "  {id}: {title}" lines,
      or a JSON array of {id, title, description, version} with --json.
  validate PATH
      Validate a policy YAML file (or a pack folder holding policy.yaml) against the
      policy schema: "valid {id}" (exit 0) or "invalid {path}" plus error lines (exit 1).
  compile [--policy-pack ID] [--overlay FILE|DIR]... [--policy-dir DIR]
      Load the pack (default ${DEFAULT_COMPILE_PACK}, inherits resolved), merge each overlay
      in order, normalise, validate, and print the compiled JSON exactly as Python's
      "policy compile" does (exit 0), or "compiled policy is invalid" plus error lines (exit 1).

Packs come from --policy-dir DIR, else $CAVRA_POLICY_DIR (if set and existing), else the
bundled packs. Errors are printed to stderr as {"error": {"code", "message"}}; usage errors
exit 2, every other failure exits 1 (as Python's command does).
`;

/** Flags of each subcommand (the shared strict parser: unknown flags are usage errors). */
const FLAGS: Readonly<Record<string, FlagSpec>> = {
  list: { json: 'boolean', 'policy-dir': 'string', help: 'boolean' },
  validate: { help: 'boolean' },
  compile: { 'policy-pack': 'string', overlay: 'strings', 'policy-dir': 'string', help: 'boolean' },
};

const usageError = (message: string): CavraError =>
  new CavraError('usage', `${message} (see: cavra-runtime policy --help)`);

/** `str(Path(dir) / name)`. */
const joinPythonPath = (dir: string, name: string): string => {
  const base = pythonPathString(dir);
  return base === '.' ? name : base.endsWith('/') ? base + name : `${base}/${name}`;
};

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Python's `load_policy_file(path)`: a YAML file, or `<dir>/policy.yaml`, that must hold a
 * mapping. Returns the path text Python would print for it, too.
 */
function loadPolicyFile(io: CliIo, path: string): { document: PyDict; shown: string } {
  const absolute = resolve(io.cwd, path);
  const directory = isDirectory(absolute);
  const file = directory ? resolve(absolute, 'policy.yaml') : absolute;
  const shown = directory ? joinPythonPath(path, 'policy.yaml') : pythonPathString(path);
  if (!existsSync(file) || isDirectory(file)) {
    throw new CavraError('policy_unreadable', `policy file not found: ${shown}`, {
      python: `FileNotFoundError: [Errno 2] No such file or directory: '${shown}'`,
    });
  }
  const document = parsePolicyYaml(readPythonTextFile(file), shown);
  if (!(document instanceof Map)) {
    throw new CavraError('policy_invalid', `Policy must be a YAML object: ${shown}`, {
      python: `PolicyValidationError: Policy must be a YAML object: ${shown}`,
    });
  }
  return { document, shown };
}

/**
 * What Python's CLI prints for a compiled policy: `json.dumps(policy)` re-parsed and re-dumped by
 * Rich's `print_json` (`indent=2, ensure_ascii=False`), plus a newline. The round trip is kept
 * because it is observable: mapping keys that collide once written (`True` and `"true"`) become
 * one JSON key, last value at the first position.
 */
export function renderCompiledPolicy(policy: PyValue): string {
  try {
    const once = dumpsPyJson(policy, { ensureAscii: true });
    const text = `${dumpsPyJson(parsePyJson(once), { indent: 2, ensureAscii: false })}\n`;
    // A lone surrogate (YAML "\ud800") cannot be written as UTF-8: Python's print fails.
    const lone = /\p{Cs}/u.exec(text);
    if (lone) {
      const hex = lone[0].charCodeAt(0).toString(16);
      throw new CavraError(
        'compile_failed',
        `compiled policy contains a lone surrogate (U+${hex.toUpperCase()})`,
        {
          python: `UnicodeEncodeError: 'utf-8' codec can't encode character '\\u${hex}' in position ${lone.index}: surrogates not allowed`,
        },
      );
    }
    return text;
  } catch (error) {
    if (error instanceof PyJsonTypeError) {
      throw new CavraError('compile_failed', `compiled policy cannot be written as JSON: ${error.message}`, {
        python: `TypeError: ${error.message}`,
      });
    }
    throw error;
  }
}

function invalidReport(heading: string, policy: PyValue): string | undefined {
  const errors = validatePolicy(policy);
  if (errors.length === 0) return undefined;
  return [heading, ...formatValidationErrorLines(errors)].join('\n') + '\n';
}

function compileCommand(args: ParsedArgs, io: CliIo): number {
  if (args.positionals.length > 0) throw usageError(`unexpected argument ${args.positionals[0] ?? ''}`);
  const source = resolvePackSource({ policyDir: stringFlag(args, 'policy-dir'), env: io.env, cwd: io.cwd });
  const packId = stringFlag(args, 'policy-pack') ?? DEFAULT_COMPILE_PACK;
  // Python evaluates `load_policy(pack)` before loading the overlays, so pack errors win.
  const base = loadPackPolicy(source, packId);
  const overlays = stringsFlag(args, 'overlay').map((path) => loadPolicyFile(io, path).document);
  const compiled = compilePolicy(base, overlays);
  const invalid = invalidReport('compiled policy is invalid', compiled);
  if (invalid !== undefined) {
    io.stdout.write(invalid);
    return EXIT_FAILURE;
  }
  io.stdout.write(renderCompiledPolicy(compiled));
  return EXIT_OK;
}

function validateCommand(args: ParsedArgs, io: CliIo): number {
  if (args.positionals.length !== 1) throw usageError('policy validate takes exactly one PATH');
  const path = args.positionals[0] as string;
  const shown = pythonPathString(path);
  if (!existsSync(resolve(io.cwd, path))) {
    io.stdout.write(`Policy not found: ${shown}\n`);
    return EXIT_FAILURE;
  }
  const { document } = loadPolicyFile(io, path);
  const invalid = invalidReport(`invalid ${shown}`, document);
  if (invalid !== undefined) {
    io.stdout.write(invalid);
    return EXIT_FAILURE;
  }
  const metadata = document.get('metadata');
  io.stdout.write(`valid ${pyStr(metadata instanceof Map ? (metadata.get('id') ?? null) : null)}\n`);
  return EXIT_OK;
}

/** `--json` output is ours (Python has none): values that JSON cannot hold are written as their `str()`. */
function jsonSafe(value: PyValue): PyValue {
  if (value instanceof PyDate || value instanceof PyDateTime || value instanceof PyBytes) return pyStr(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

function listCommand(args: ParsedArgs, io: CliIo): number {
  if (args.positionals.length > 0) throw usageError(`unexpected argument ${args.positionals[0] ?? ''}`);
  const source = resolvePackSource({ policyDir: stringFlag(args, 'policy-dir'), env: io.env, cwd: io.cwd });
  const packs = listPolicyPacks(source);
  if (booleanFlag(args, 'json')) {
    const items: PyValue[] = packs.map(
      (pack) =>
        new Map<PyValue, PyValue>([
          ['id', jsonSafe(pack.id)],
          ['title', jsonSafe(pack.title)],
          ['description', jsonSafe(pack.description)],
          ['version', jsonSafe(pack.version)],
        ]),
    );
    io.stdout.write(`${dumpsPyJson(items, { indent: 2, ensureAscii: false })}\n`);
    return EXIT_OK;
  }
  const lines = [
    'Available policy packs:',
    ...packs.map((pack) => `  ${pyStr(pack.id)}: ${pyStr(pack.title)}`),
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

const COMMANDS: Record<string, (args: ParsedArgs, io: CliIo) => number> = {
  list: listCommand,
  validate: validateCommand,
  compile: compileCommand,
};

/**
 * `cavra-runtime policy list | validate | compile`: output byte-identical to Python's
 * `python3 -m cavra.cli policy ...` (unrendered Rich text, i.e. an infinitely wide console).
 * Failures are thrown as `CavraError`: `main` writes them, and the exit table's `policy` rows make
 * usage errors exit 2 and every other failure exit 1, as Python's traceback does.
 */
export function policyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  // Async for the dispatcher's sake; the work itself is synchronous file I/O. A throw rejects.
  return new Promise((done) => done(runPolicyCommand(argv, io)));
}

function runPolicyCommand(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (command === undefined) throw usageError('missing policy command (list, validate or compile)');
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(POLICY_USAGE);
    return EXIT_OK;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) throw usageError(`unknown policy command ${JSON.stringify(command)}`);
  const args = parseArgs(rest, FLAGS[command] ?? {}, { h: 'help' });
  if (booleanFlag(args, 'help')) {
    io.stdout.write(POLICY_USAGE);
    return EXIT_OK;
  }
  return run(args, io);
}
