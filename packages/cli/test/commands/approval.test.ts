import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMain, type MemoryRun } from '../support/memory-io.js';
import { renderRichMarkup } from '../../src/commands/approval.js';

let dir: string;

/** `main` in-process in the routing directory of this file's tests. */
const run = (argv: string[], stdinText = ''): Promise<MemoryRun> => runMain(argv, stdinText, { cwd: dir });

const DEFAULT_RULES_JSON = `[
    {
      "rule_id_prefix": "filesystem.write",
      "target_contains": "iam/",
      "approver_group": "IAM"
    },
    {
      "rule_id_prefix": "filesystem.write",
      "target_contains": ".github/workflows",
      "approver_group": "Platform Security"
    },
    {
      "rule_id_prefix": "commands.default",
      "severity": "medium",
      "approver_group": "Repository Owners"
    },
    {
      "rule_id_prefix": "commands.block",
      "target_contains": "terraform",
      "approver_group": "Cloud Security"
    },
    {
      "rule_id_prefix": "mcp.",
      "approver_group": "AI Governance"
    }
  ]`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cavra-approval-'));
  writeFileSync(join(dir, 'mcp.json'), '{"decision_id": "dec_1", "rule_id": "mcp.registry.unknown", "target": "github:x"}');
  writeFileSync(join(dir, 'no-id.json'), '{"rule_id": "commands.block", "target": "terraform apply", "reason": "r"}');
  writeFileSync(join(dir, 'list.json'), '[1]');
  writeFileSync(join(dir, 'bom.json'), '\ufeff{}');
  writeFileSync(join(dir, 'latin1.json'), Buffer.from([0x7b, 0x22, 0xc9, 0x22, 0x7d]));
  writeFileSync(join(dir, 'rules.yaml'), '- rule_id_prefix: mcp.\n  approver_group: Ünïcode\n- target_contains: 2024-01-01\n  approver_group: dated\n');
  writeFileSync(join(dir, 'nan.json'), '[{"severity": NaN, "approver_group": "never"}, {"approver_group": "After NaN"}]');
  writeFileSync(join(dir, 'no-group.json'), '[{"rule_id_prefix": "mcp."}]');
  writeFileSync(join(dir, 'tab.yaml'), '-\tapprover_group: A\n');
  writeFileSync(join(dir, 'wrapped.json'), '{"approval_routing": [{"approver_group": "W"}]}');
  mkdirSync(join(dir, 'sub'));
});

describe('cavra-runtime approval route DECISION_FILE', () => {
  it('prints the routed group and the default rules exactly as Python does', async () => {
    const got = await run(['approval', 'route', 'mcp.json']);
    expect(got.code).toBe(0);
    expect(got.stdout).toBe(
      `{\n  "decision_id": "dec_1",\n  "approver_group": "AI Governance",\n  "routing_rules": ${DEFAULT_RULES_JSON}\n}\n`,
    );
  });

  it('prints a null decision_id and group when there is none', async () => {
    const got = await run(['approval', 'route', 'no-id.json', '--routing-file', 'wrapped.json']);
    expect(got.stdout).toBe(
      '{\n  "decision_id": null,\n  "approver_group": "W",\n  "routing_rules": [\n    {\n      "approver_group": "W"\n    }\n  ]\n}\n',
    );
    expect(got.code).toBe(0);
  });

  it('prints NaN from a routing file as NaN, and the next rule matches', async () => {
    const got = await run(['approval', 'route', 'mcp.json', '--routing-file', 'nan.json']);
    expect(got.code).toBe(0);
    expect(got.stdout).toContain('"severity": NaN');
    expect(got.stdout).toContain('"approver_group": "After NaN"');
  });

  it.each([
    [['nope.json'], "[Errno 2] No such file or directory: 'nope.json'\n"],
    [['./x//nope.json'], "[Errno 2] No such file or directory: 'x/nope.json'\n"],
    [['mcp.json', '--routing-file', 'dir[red]x/x.json'], 'approval routing file not found: dirx/x.json\n'],
    [['mcp.json', '--routing-file', 'no-group.json'], 'each approval routing rule must include approver_group\n'],
    [['bom.json'], 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)\n'],
    [['latin1.json'], "'utf-8' codec can't decode byte 0xc9 in position 2: invalid continuation byte\n"],
  ])('approval route %j: the message on stdout, exit 1', async (args, stdout) => {
    const got = await run(['approval', 'route', ...args]);
    expect(got.stdout).toBe(stdout);
    expect(got.code).toBe(1);
  });

  it.each([
    [['list.json'], "AttributeError: 'list' object has no attribute 'get'"],
    [['sub'], "IsADirectoryError: [Errno 21] Is a directory: 'sub'"],
    [['mcp.json', '--routing-file', 'sub'], "IsADirectoryError: [Errno 21] Is a directory: 'sub'"],
    [['mcp.json', '--routing-file', 'tab.yaml'], 'ScannerError: while scanning for the next token'],
    [['mcp.json', '--routing-file', 'rules.yaml'], 'TypeError: Object of type date is not JSON serializable'],
  ])('approval route %j: nothing on stdout (Python prints a traceback), exit 1', async (args, python) => {
    const got = await run(['approval', 'route', ...args]);
    expect(got.stdout).toBe('');
    expect(got.code).toBe(1);
    expect((JSON.parse(got.stderr) as { error: { python: string } }).error.python).toContain(python);
  });

  it.each([[[]], [['mcp.json', '--bogus']], [['a.json', 'b.json']]])('approval route %j is a usage error, exit 2', async (args) => {
    const got = await run(['approval', 'route', ...args]);
    expect(got.stdout).toBe('');
    expect(got.code).toBe(2);
    expect(JSON.parse(got.stderr)).toMatchObject({ error: { code: 'usage' } });
  });
});

describe('cavra-runtime approval route --batch', () => {
  it('answers each line in place: inline rules, a routing-file path, defaults, errors', async () => {
    const lines = [
      '{"route": {"rule_id": "mcp.x"}}',
      '{"route": {"rule_id": "mcp.x"}, "routing_rules": []}',
      '{"route": {"rule_id": "x"}, "routing_rules": [{"approver_group": 7}]}',
      '{"route": {"rule_id": "mcp.x"}, "routing_rules": "wrapped.json"}',
      '{"route": {"rule_id": "mcp.x"}, "routing_rules": "missing.json"}',
      '{"route": {"rule_id": "mcp.x"}, "routing_rules": 5}',
      'not json',
      '',
      '{"route": "mcp.x"}',
      '{"route": {"severity": true}, "routing_rules": [{"severity": 1.0, "approver_group": "sev"}]}',
    ];
    const got = await run(['approval', 'route', '--batch'], lines.join('\n'));
    expect(got.code).toBe(0);
    const out = got.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(out).toHaveLength(lines.length);
    expect(out[0]).toEqual({ approver_group: 'AI Governance' });
    expect(out[1]).toEqual({ approver_group: null });
    expect(out[2]).toEqual({ approver_group: '7' });
    expect(out[3]).toEqual({ approver_group: 'W' });
    expect(out[4]).toMatchObject({
      error: { python: 'FileNotFoundError: approval routing file not found: missing.json' },
    });
    expect(out[5]).toMatchObject({ error: { python: "TypeError: 'int' object is not iterable" } });
    expect(out[6]).toMatchObject({ error: { code: 'invalid_json' } });
    expect(out[7]).toMatchObject({ error: { code: 'invalid_request' } });
    expect(out[8]).toMatchObject({ error: { python: "AttributeError: 'str' object has no attribute 'get'" } });
    expect(out[9]).toEqual({ approver_group: 'sev' });
  });

  it('uses --routing-file for lines without rules', async () => {
    const got = await run(['approval', 'route', '--batch', '--routing-file', 'wrapped.json'], '{"route": {}}\n{"route": {}, "routing_rules": null}\n');
    expect(got.stdout).toBe('{"approver_group":"W"}\n{"approver_group":"W"}\n');
  });
});

describe('cavra-runtime approval request', () => {
  it('prints a cavra.approval.v1 record: routed group, ids and times from the edge', async () => {
    const got = await run(['approval', 'request', 'mcp.json', '--requested-by', 'dev', '--ttl-hours', '1.5']);
    expect(got.code).toBe(0);
    const record = JSON.parse(got.stdout) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual([
      'schema_version', 'product', 'approval_id', 'decision_id', 'session_id', 'correlation_id', 'state',
      'approver_group', 'requested_by', 'requested_at', 'expires_at', 'decision', 'history', 'evidence_refs',
    ]);
    expect(record).toMatchObject({
      schema_version: 'cavra.approval.v1',
      product: 'CAVRA',
      decision_id: 'dec_1',
      session_id: 'local',
      correlation_id: null,
      state: 'pending',
      approver_group: 'AI Governance',
      requested_by: 'dev',
    });
    expect(record.approval_id).toMatch(/^apr_[0-9a-f]{12}$/);
    const requested = Date.parse(String(record.requested_at));
    const expires = Date.parse(String(record.expires_at));
    expect(expires - requested).toBeGreaterThanOrEqual(90 * 60_000);
    expect(expires - requested).toBeLessThan(90 * 60_000 + 1000);
    expect(record.evidence_refs).toEqual([`approval://${String(record.approval_id)}`]);
  });

  it('an explicit group wins; a decision without decision_id fails with Python\'s message', async () => {
    const explicit = await run(['approval', 'request', 'mcp.json', '--approver-group', 'CAB']);
    expect((JSON.parse(explicit.stdout) as { approver_group: string }).approver_group).toBe('CAB');
    const noId = await run(['approval', 'request', 'no-id.json']);
    expect(noId.stdout).toBe('decision must include decision_id\n');
    expect(noId.code).toBe(1);
    const badTtl = await run(['approval', 'request', 'mcp.json', '--ttl-hours', 'soon']);
    expect(badTtl.code).toBe(2);
  });
});

describe('renderRichMarkup', () => {
  it('removes tags, keeps escaped brackets and text that is not a tag', () => {
    expect(renderRichMarkup('dir[red]x/x.json')).toBe('dirx/x.json');
    expect(renderRichMarkup('a[b c]d [Upper] [1] \\[red]')).toBe('ad [Upper] [1] [red]');
    expect(renderRichMarkup('[bold]x[/bold] [i]y[/]')).toBe('x y');
  });
  it('fails like Rich on a closing tag that closes nothing', () => {
    expect(() => renderRichMarkup('x[/red]')).toThrow(/closing tag/);
  });
});
