import { resolve } from 'node:path';
import {
  createApprovalRequest,
  decisionMapping,
  decodePythonText,
  parsePythonJsonText,
  routeApproverGroup,
  type RoutingRule,
} from '@cavra/approvals';
import { loadRoutingRules, routeRequest } from '@cavra/approvals/node';
import { pythonPathString } from '@cavra/evaluator';
import { newApprovalId, pooledRandomBytes, systemMicrosecondClock } from '@cavra/evidence';
import {
  CavraError,
  PyJsonTypeError,
  dumpsPyJson,
  parsePyJson,
  pyStrRepr,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { isFileReadError, readRegularFile } from '@cavra/policy-model/node';
import { booleanFlag, parseArgs, stringFlag, type ParsedArgs } from '../args.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, errorPayload } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { MAX_REQUEST_BYTES } from './decide.js';

const APPROVAL_USAGE = `usage: cavra-runtime approval route DECISION_FILE [--routing-file FILE]
       cavra-runtime approval route --batch [--routing-file FILE] < routes.jsonl
       cavra-runtime approval request DECISION_FILE [--approver-group G] [--requested-by A]
                                     [--ttl-hours N] [--routing-file FILE]
`;

const FLAGS = {
  route: { 'routing-file': 'string', batch: 'boolean', help: 'boolean' },
  request: {
    'routing-file': 'string',
    'approver-group': 'string',
    'requested-by': 'string',
    'ttl-hours': 'string',
    help: 'boolean',
  },
} as const;

const usageError = (message: string): CavraError => new CavraError('usage', `${message}\n${APPROVAL_USAGE}`);

/**
 * Python's CLI catches these (`FileNotFoundError` and `ValueError`, whose subclasses are the JSON
 * and UTF-8 decoding errors) and prints `str(exc)` on stdout; anything else is a traceback.
 */
const PRINTED_EXCEPTIONS: ReadonlySet<string> = new Set([
  'FileNotFoundError',
  'ValueError',
  'JSONDecodeError',
  'UnicodeDecodeError',
]);

// Rich markup tags: `[` + a-z, #, / or @ + anything up to `]`, unless escaped by an odd number of backslashes.
const RICH_TAG = /(\\*)\[([a-z#/@][^[]*?)\]/g;

/**
 * What Rich's `console.print(text)` shows: markup tags removed (`dir[red]x` → `dirx`), escaped
 * brackets kept. A closing tag that closes nothing is Rich's `MarkupError` (a traceback).
 */
export function renderRichMarkup(text: string): string {
  const open: string[] = [];
  return text.replace(RICH_TAG, (_match, escapes: string, tag: string) => {
    const backslashes = '\\'.repeat(Math.floor(escapes.length / 2));
    if (escapes.length % 2 === 1) return `${backslashes}[${tag}]`;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const at = name === '' ? open.length - 1 : open.lastIndexOf(name);
      if (at < 0) throw new CavraError('internal', `Rich markup error: closing tag '[${tag}]' doesn't match any open tag`);
      open.splice(at, 1);
    } else open.push(tag.split('=')[0]?.trim() ?? tag);
    return backslashes;
  });
}

/** Rich's `print_json`: Python's `json.dumps`, parsed again and printed with indent 2, non-ASCII raw. */
function richJson(value: PyValue): string {
  try {
    const once = dumpsPyJson(value, { ensureAscii: true });
    return `${dumpsPyJson(parsePyJson(once), { indent: 2, ensureAscii: false })}\n`;
  } catch (error) {
    if (error instanceof PyJsonTypeError) {
      throw new CavraError('routing_invalid', `output is not JSON serializable: ${error.message}`, {
        python: `TypeError: ${error.message}`,
      });
    }
    throw error;
  }
}

/** The decision file, read and parsed like Python's `json.loads(Path(p).read_text("utf-8"))`. */
function readDecisionFile(path: string, cwd: string): PyValue {
  const shown = pythonPathString(path);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(resolve(cwd, path));
  } catch (error) {
    if (!isFileReadError(error)) throw error;
    if (error.reason === 'not_found') {
      const message = `[Errno 2] No such file or directory: ${pyStrRepr(shown)}`;
      throw new CavraError('input_unreadable', message, { python: `FileNotFoundError: ${message}` });
    }
    if (error.reason === 'is_directory') {
      const message = `[Errno 21] Is a directory: ${pyStrRepr(shown)}`;
      throw new CavraError('input_unreadable', message, { python: `IsADirectoryError: ${message}` });
    }
    throw new CavraError('input_unreadable', `cannot read decision file ${shown}: ${error.message}`);
  }
  return parsePythonJsonText(decodePythonText(bytes, 'invalid_json'), 'invalid_json');
}

/** Python's exit for a failure: the caught kinds print their message on stdout, the rest a traceback. */
function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CavraError && error.code === 'usage') {
    io.stderr.write(`${JSON.stringify(errorPayload(error))}\n`);
    return EXIT_BAD_INPUT;
  }
  const python = error instanceof CavraError ? error.python : undefined;
  const type = python?.slice(0, python.indexOf(':'));
  if (python !== undefined && type !== undefined && PRINTED_EXCEPTIONS.has(type)) {
    try {
      io.stdout.write(`${renderRichMarkup(python.slice(type.length + 2))}\n`);
    } catch (markupError) {
      io.stderr.write(`${JSON.stringify(errorPayload(markupError))}\n`);
      return EXIT_FAILURE;
    }
  }
  io.stderr.write(`${JSON.stringify(errorPayload(error))}\n`);
  return EXIT_FAILURE;
}

function onlyDecisionFile(args: ParsedArgs): string {
  const [decisionFile, extra] = args.positionals;
  if (decisionFile === undefined) throw usageError("Missing argument 'DECISION_FILE'.");
  if (extra !== undefined) throw usageError(`Got unexpected extra argument (${extra})`);
  return decisionFile;
}

function routeOne(args: ParsedArgs, io: CliIo): number {
  const decision = readDecisionFile(onlyDecisionFile(args), io.cwd);
  const rules = loadRoutingRules(stringFlag(args, 'routing-file') ?? null, { cwd: io.cwd });
  const mapping = decisionMapping(decision);
  const payload: PyDict = new Map<PyValue, PyValue>([
    ['decision_id', mapping.has('decision_id') ? (mapping.get('decision_id') as PyValue) : null],
    ['approver_group', routeApproverGroup(mapping, rules)],
    ['routing_rules', rules],
  ]);
  io.stdout.write(richJson(payload));
  return EXIT_OK;
}

/** One line of the batch: parsed as Python parses JSON, answered by the routing protocol. */
function answerRouteLine(text: string, fallbackRules: RoutingRule[] | undefined, cwd: string): string {
  let line: PyValue;
  try {
    line = parsePyJson(text);
  } catch (error) {
    throw new CavraError('invalid_json', `request is not valid JSON: ${(error as Error).message}`);
  }
  return JSON.stringify({ approver_group: routeRequest(line, { cwd, fallbackRules }) });
}

/** JSON Lines in, one line out per line, in order; a bad line gets `{"error": …}` in its place. */
async function routeBatch(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length > 0) throw usageError(`unexpected argument: ${args.positionals[0] as string}`);
  const routingFile = stringFlag(args, 'routing-file');
  const fallbackRules = routingFile !== undefined ? loadRoutingRules(routingFile, { cwd: io.cwd }) : undefined;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let internalFaults = 0;
  const answer = (bytes: Buffer): string => {
    try {
      if (bytes.length > MAX_REQUEST_BYTES) {
        throw new CavraError('request_too_large', `request line is larger than ${MAX_REQUEST_BYTES} bytes`);
      }
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        throw new CavraError('invalid_json', 'request is not valid UTF-8');
      }
      if (text.trim() === '') throw new CavraError('invalid_request', 'empty request line');
      return answerRouteLine(text, fallbackRules, io.cwd);
    } catch (error) {
      if (!(error instanceof CavraError)) internalFaults++;
      return JSON.stringify(errorPayload(error));
    }
  };
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let data = carry.length > 0 ? Buffer.concat([carry, buffer]) : buffer;
    const out: string[] = [];
    for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10)) {
      out.push(answer(data.subarray(0, newline)));
      data = data.subarray(newline + 1);
    }
    carry = Buffer.from(data);
    if (out.length > 0) io.stdout.write(`${out.join('\n')}\n`);
  }
  if (carry.length > 0) io.stdout.write(`${answer(carry)}\n`);
  return internalFaults > 0 ? EXIT_FAILURE : EXIT_OK;
}

function ttlHoursOf(args: ParsedArgs): number | undefined {
  const text = stringFlag(args, 'ttl-hours');
  if (text === undefined) return undefined;
  const hours = Number(text);
  if (text.trim() === '' || !Number.isFinite(hours)) throw usageError(`Invalid value for '--ttl-hours': '${text}' is not a number.`);
  return hours;
}

function requestOne(args: ParsedArgs, io: CliIo): number {
  const decision = readDecisionFile(onlyDecisionFile(args), io.cwd);
  const ttlHours = ttlHoursOf(args);
  const routingFile = stringFlag(args, 'routing-file');
  const routingRules = routingFile !== undefined ? loadRoutingRules(routingFile, { cwd: io.cwd }) : null;
  const random = pooledRandomBytes();
  const clock = systemMicrosecondClock();
  const approverGroup = stringFlag(args, 'approver-group');
  const requestedBy = stringFlag(args, 'requested-by');
  const record = createApprovalRequest(
    decision,
    {
      routingRules,
      ...(approverGroup !== undefined ? { approverGroup } : {}),
      ...(requestedBy !== undefined ? { requestedBy } : {}),
      ...(ttlHours !== undefined ? { ttlHours } : {}),
    },
    { approvalId: () => newApprovalId(random), nowMicros: clock },
  );
  io.stdout.write(richJson(record));
  return EXIT_OK;
}

/**
 * `cavra-runtime approval route | request`: stdout and exit statuses as Python's
 * `cavra approval …` (0 routed; 1 for every failure, its message on stdout where Python prints
 * one; 2 for usage errors). The batch form answers every line in place.
 */
export async function approvalCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(APPROVAL_USAGE);
      return EXIT_OK;
    }
    if (command !== 'route' && command !== 'request') {
      throw usageError(command === undefined ? 'missing approval command (route or request)' : `unknown approval command ${JSON.stringify(command)}`);
    }
    const args = parseArgs(rest, FLAGS[command], { h: 'help' });
    if (booleanFlag(args, 'help')) {
      io.stdout.write(APPROVAL_USAGE);
      return EXIT_OK;
    }
    if (command === 'request') return requestOne(args, io);
    return booleanFlag(args, 'batch') ? await routeBatch(args, io) : routeOne(args, io);
  } catch (error) {
    return reportFailure(error, io);
  }
}
