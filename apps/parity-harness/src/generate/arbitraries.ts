import fc from 'fast-check';
import type { PyValue } from '@cavra/policy-model';
import { DEFAULT_PACK, py, type ParityCase } from '../cases.js';
import type { PackProfile } from './profile.js';

/** A generated request before it is bound to a pack's policy route. */
export interface GeneratedCase {
  route: 'pack' | 'compiled';
  /** With the compiled route: whether `policy_pack` is sent (else the label is `metadata.id`). */
  labelled: boolean;
  request: Record<string, string>;
  registry?: Record<string, unknown>;
}

/** Python `str.isspace()` (docs/python-compatibility.md, "Whitespace") ∪ JS `\s`; U+FEFF is JS-only, U+001C–1F/U+0085 Python-only. */
export const PY_WHITESPACE = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\u001c',
  '\u001d',
  '\u001e',
  '\u001f',
  ' ',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
];
export const JS_ONLY_WHITESPACE = ['\ufeff'];
/** Not whitespace on either side, but looks like it. */
const NEAR_WHITESPACE = ['\u180e', '\u200b'];

/** Characters that break naive ports: path separators, regex syntax, line breaks Python's `.` accepts, astral. */
const TRICKY = [
  '/',
  '.',
  '*',
  '?',
  '[',
  ']',
  '(',
  ')',
  '|',
  '+',
  '^',
  '$',
  '{',
  '}',
  '\\',
  '-',
  ' ',
  '~',
  '#',
  ':',
  'é',
  '😀',
  '\r',
  '\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '\t',
  '\u0000',
  'a',
  'Z',
  '0',
];

const trickyString = fc.array(fc.constantFrom(...TRICKY), { maxLength: 5 }).map((chars) => chars.join(''));

/** Wildcard fillers: empty first (shrinks there), then tricky characters, printable ASCII, words that matter. */
export const filler: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 5, arbitrary: trickyString },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('apply', 'delete', 'main', 'master', '..', './', '//', 'x/y') },
);

/** Fill each run of `*` in a pattern with a filler (a pattern has no other syntax; docs/python-compatibility.md, "Patterns"). */
export function instantiate(pattern: string, fills: readonly string[]): string {
  const pieces = pattern.split(/\*+/);
  return pieces.reduce(
    (out, piece, i) => (i === 0 ? piece : out + (fills[(i - 1) % fills.length] ?? '') + piece),
    '',
  );
}

/** Small edits that turn a match into a near miss. */
const NEAR_MISS = [
  'none',
  'none',
  'none',
  'upper',
  'drop-last',
  'prefix',
  'suffix-newline',
  'suffix-space',
] as const;
function nearMiss(value: string, kind: (typeof NEAR_MISS)[number]): string {
  switch (kind) {
    case 'upper':
      return value.toUpperCase();
    case 'drop-last':
      return Array.from(value).slice(0, -1).join(''); // by code point: a lone surrogate cannot be recorded
    case 'prefix':
      return 'x' + value;
    case 'suffix-newline':
      return value + '\n';
    case 'suffix-space':
      return value + ' ';
    default:
      return value;
  }
}

function patternInstance(patterns: readonly string[]): fc.Arbitrary<string> {
  if (patterns.length === 0) return trickyString;
  return fc
    .record({
      pattern: fc.constantFrom(...patterns),
      fills: fc.array(filler, { minLength: 3, maxLength: 3 }),
      miss: fc.constantFrom(...NEAR_MISS),
    })
    .map(({ pattern, fills, miss }) => nearMiss(instantiate(pattern, fills), miss));
}

/** Spellings of the same path that Python's `str(Path(...))` normalises (docs/python-compatibility.md, "Paths"), and some it does not. */
export const PATH_FORMS = [
  'plain',
  './',
  'trailing/',
  'inner//',
  'inner/./',
  '../',
  '/..',
  '//root',
  '///root',
  '/.',
] as const;
export function pathForm(path: string, form: (typeof PATH_FORMS)[number]): string {
  switch (form) {
    case './':
      return './' + path;
    case 'trailing/':
      return path + '/';
    case 'inner//':
      return path.replace('/', '//');
    case 'inner/./':
      return path.replace('/', '/./');
    case '../':
      return '../' + path;
    case '/..':
      return path + '/..';
    case '//root':
      return '//' + path;
    case '///root':
      return '///' + path;
    case '/.':
      return path + '/.';
    default:
      return path;
  }
}

const SUFFIXES = [
  '',
  ' apply',
  ' delete',
  ' -auto-approve',
  ' --target=module.delete_me',
  'applyfix',
  ' x',
  ' plan',
];
const GIT_OPERATIONS = ['push', 'push', 'pull', 'fetch', 'merge', 'Push', '', 'push '];
const BRANCHES = [
  'origin/main',
  'main',
  'master',
  'feature/remain',
  'feature/remaster',
  'origin/Main',
  'main ',
  'origin/main/',
  'main\n',
  'release',
  'dev',
  'agent/x',
];
const TOOLS = [
  'read_file',
  'write_file',
  'create_pull_request',
  'delete_repository',
  'search',
  'x',
  '',
  'None',
  'True',
  '1',
  'tööl',
];
const CAPABILITIES = ['', 'filesystem', 'repository', 'network', 'shell', 'read', 'repo'];
const GENERIC_SERVERS = [
  'github',
  'filesystem',
  'github-enterprise',
  'unknown-mcp-provider',
  'None',
  '',
  'GitHub',
  'github ',
  'ünï-😀',
  'dup',
];
const TIERS = ['approved', 'blocked', 'experimental', 'trusted', 'unknown'];
// Approved/trusted records are the only ones that reach the scope checks: draw them more often.
const TIER_DRAW = [...TIERS, 'approved', 'trusted', 'approved', 'trusted'];
const STATES = ['approved', 'denied', 'not_required', 'pending'];
const UNKNOWN_ACTIONS = ['pull_request', 'delete_file', 'READ_FILE', ''];

/** Absent (weight `absentWeight` : `presentWeight`), shrinking towards absent: "absent" and "present" are different inputs. */
const absentOr = <T>(
  arb: fc.Arbitrary<T>,
  absentWeight = 1,
  presentWeight = 2,
): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: absentWeight, arbitrary: fc.constant(undefined) },
    { weight: presentWeight, arbitrary: arb },
  );

function serverPool(profile: PackProfile): string[] {
  return [...new Set([...profile.allowedServers, ...profile.blockedServers, ...GENERIC_SERVERS])];
}

/** One registry record over every tier × state, with and without scopes, id/name aliases. */
function registryRecord(servers: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const stringOrList = fc.oneof(
    fc.constantFrom(...CAPABILITIES, ...TOOLS),
    fc.array(fc.constantFrom(...CAPABILITIES, ...TOOLS), { maxLength: 3 }),
  );
  return fc
    .record({
      idField: fc.constantFrom('server_id', 'server_id', 'id', 'name'),
      id: fc.constantFrom(...servers.filter(Boolean)),
      name: absentOr(fc.constantFrom(...servers), 3),
      // Invalid values are rare: one makes the whole registry fail.
      tier: absentOr(
        fc.oneof(
          { weight: 60, arbitrary: fc.constantFrom(...TIER_DRAW) },
          { weight: 1, arbitrary: fc.constant('Approved') },
        ),
        1,
        5,
      ),
      state: absentOr(
        fc.oneof(
          { weight: 60, arbitrary: fc.constantFrom(...STATES) },
          { weight: 1, arbitrary: fc.constant('rejected') },
        ),
        2,
      ),
      capabilities: absentOr(stringOrList, 2),
      tools: absentOr(stringOrList, 2),
    })
    .map(({ idField, id, name, tier, state, capabilities, tools }) => {
      const record: Record<string, unknown> = { [idField]: id };
      if (name !== undefined && idField !== 'name') record.name = name;
      if (tier !== undefined) record.trust_tier = tier;
      if (state !== undefined) record.approval_state = state;
      if (capabilities !== undefined) record.capabilities = capabilities;
      if (tools !== undefined) record.allowed_tools = tools;
      return record;
    });
}

export function registryArb(servers: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .array(registryRecord(servers), { minLength: 1, maxLength: 5 })
        .map((records) => ({ mcp_servers: records })),
    },
    { weight: 1, arbitrary: fc.constant({ mcp_servers: [] }) },
    { weight: 1, arbitrary: fc.constant({ agents: [] }) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}

type Action = { request: Record<string, string>; registry?: Record<string, unknown> };

function fileAction(profile: PackProfile, action: 'read_file' | 'write_file'): fc.Arbitrary<Action> {
  const listed =
    action === 'read_file' ? profile.blockRead : [...profile.blockWrite, ...profile.approvalWrite];
  return fc
    .record({
      base: fc.oneof(
        { weight: 4, arbitrary: patternInstance(listed) },
        { weight: 1, arbitrary: trickyString },
      ),
      form: fc.constantFrom(...PATH_FORMS),
    })
    .map(({ base, form }) => ({ request: { action_type: action, target: pathForm(base, form) } }));
}

function commandAction(profile: PackProfile): fc.Arbitrary<Action> {
  const patterns = [...profile.commandBlock, ...profile.commandAllow];
  const prefixes = patterns.map((p) => p.split('*')[0] ?? '');
  const whitespace = fc.array(fc.constantFrom(...PY_WHITESPACE, ...JS_ONLY_WHITESPACE, ...NEAR_WHITESPACE), {
    maxLength: 3,
  });
  return fc
    .record({
      body: fc.oneof(
        { weight: 4, arbitrary: patternInstance(patterns) },
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.constantFrom(...(prefixes.length ? prefixes : [''])), fc.constantFrom(...SUFFIXES))
            .map(([prefix, suffix]) => prefix + suffix),
        },
        { weight: 1, arbitrary: trickyString },
      ),
      left: whitespace,
      right: whitespace,
    })
    .map(({ body, left, right }) => ({
      request: { action_type: 'execute_command', target: left.join('') + body + right.join('') },
    }));
}

const gitAction: fc.Arbitrary<Action> = fc
  .record({
    operation: absentOr(fc.constantFrom(...GIT_OPERATIONS), 2),
    target: absentOr(
      fc.oneof(
        fc.constantFrom(...BRANCHES),
        fc
          .tuple(filler, fc.constantFrom('main', 'master', 'mai', '', 'Main', 'main/', 'maín'))
          .map(([a, b]) => a + b),
      ),
      1,
    ),
  })
  .map(({ operation, target }) => {
    const request: Record<string, string> = { action_type: 'git_operation' };
    if (target !== undefined) request.target = target;
    if (operation !== undefined) request.operation = operation;
    return { request };
  });

function mcpAction(profile: PackProfile): fc.Arbitrary<Action> {
  const servers = serverPool(profile);
  return fc
    .record({
      server: fc.constantFrom(...servers),
      tool: fc.constantFrom(...TOOLS),
      capability: absentOr(fc.constantFrom(...CAPABILITIES), 1),
      registry: absentOr(registryArb(servers), 1),
      // Most registry cases name a registered server (by id or by name), else lookups mostly miss.
      pick: fc.oneof(
        { withCrossShrink: true },
        { weight: 1, arbitrary: fc.constant(-1) },
        { weight: 6, arbitrary: fc.nat(31) },
      ),
      // Often take the tool / capability from the record's own scope, so the later checks
      // (tool scope passed, capability in or out of scope) are reached, not just tool_scope.
      scopePick: fc.nat(7),
    })
    .map(({ server: drawn, tool: drawnTool, capability: drawnCapability, registry, pick, scopePick }) => {
      const records = Array.isArray(registry?.mcp_servers)
        ? (registry.mcp_servers as Record<string, unknown>[])
        : [];
      const record = pick >= 0 ? records[pick % Math.max(records.length, 1)] : undefined;
      const alias = record && pick % 2 === 1 && typeof record.name === 'string' ? record.name : undefined;
      const id = record ? (record.server_id ?? record.id ?? record.name) : undefined;
      const server = alias ?? (typeof id === 'string' ? id : drawn);
      const fromScope = (scope: unknown, fallback: string | undefined): string | undefined => {
        const items =
          typeof scope === 'string'
            ? [scope]
            : Array.isArray(scope)
              ? scope.filter((x) => typeof x === 'string')
              : [];
        return items.length ? items[scopePick % items.length] : fallback;
      };
      // scopePick 0-5: a tool in the record's scope; 0/2/4: a capability in scope, 5: one outside it.
      const tool = scopePick < 6 ? (fromScope(record?.allowed_tools, drawnTool) ?? drawnTool) : drawnTool;
      const capability =
        scopePick === 5 && record
          ? 'unscoped-capability'
          : scopePick % 2 === 0 && scopePick < 6
            ? fromScope(record?.capabilities, drawnCapability)
            : drawnCapability;
      const request: Record<string, string> = { action_type: 'mcp_tool_call', server, tool };
      if (capability !== undefined) request.capability = capability;
      return registry === undefined ? { request } : { request, registry };
    });
}

const unknownAction: fc.Arbitrary<Action> = fc
  .record({ action: fc.constantFrom(...UNKNOWN_ACTIONS), target: fc.constantFrom('x', '.env') })
  .map(({ action, target }) => ({ request: { action_type: action, target } }));

const IDENTITY_VALUES = ['', 's1', 'sess/1 é😀', 'None', 'agent-7'];
const identity = fc.record({
  session_id: absentOr(fc.constantFrom(...IDENTITY_VALUES), 4),
  agent_id: absentOr(fc.constantFrom(...IDENTITY_VALUES), 4),
  actor: absentOr(fc.constantFrom(...IDENTITY_VALUES), 4),
});

/** Every request shape the issue lists, for one pack, on both routes. */
export function caseArbitrary(profile: PackProfile): fc.Arbitrary<GeneratedCase> {
  const action = fc.oneof(
    { weight: 5, arbitrary: fileAction(profile, 'read_file') },
    { weight: 5, arbitrary: fileAction(profile, 'write_file') },
    { weight: 6, arbitrary: commandAction(profile) },
    { weight: 4, arbitrary: gitAction },
    { weight: 9, arbitrary: mcpAction(profile) },
    { weight: 1, arbitrary: unknownAction },
  );
  return fc
    .record({
      route: fc.constantFrom('pack' as const, 'compiled' as const),
      labelled: fc.boolean(),
      identity,
      action,
    })
    .map(({ route, labelled, identity: who, action: { request, registry } }) => {
      const full: Record<string, string> = { ...request };
      // Only the default pack may be reached without a label on the pack route.
      if (route === 'pack' ? labelled || profile.id !== DEFAULT_PACK : labelled)
        full.policy_pack = profile.id;
      for (const [key, value] of Object.entries(who)) if (value !== undefined) full[key] = value;
      return registry === undefined
        ? { route, labelled, request: full }
        : { route, labelled, request: full, registry };
    });
}

/** Bind a generated case to the pack: the compiled route sends the compiled policy as a file. */
export function toParityCase(
  generated: GeneratedCase,
  pack: string,
  compiled: { ref: string; value: PyValue },
): ParityCase {
  const request = py(generated.request) as Map<PyValue, PyValue>;
  const c: ParityCase = { pack, request };
  if (generated.route === 'compiled') c.policy = compiled;
  if (generated.registry !== undefined) c.registry = { value: py(generated.registry) };
  return c;
}
