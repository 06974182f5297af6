import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import type { CliIo } from '../../src/io.js';
import { runCli } from '../support/run-cli.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const ORACLE = join(REPO, 'fixtures/oracle/compile');
const HELD_OUT = fileURLToPath(new URL('../fixtures/policy/', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: process.stdin,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: options.env ?? {},
    cwd: options.cwd ?? REPO,
  };
  const code = await main(['policy', ...argv], io);
  return { code, stdout, stderr };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const errorOf = (stderr: string): { code: string; message: string; python?: string } =>
  (JSON.parse(stderr) as { error: { code: string; message: string; python?: string } }).error;

// fixtures/oracle/README.md: the command line of every recorded compile case.
const overlay = (name: string): string => join(ORACLE, 'overlays', `${name}.yaml`);
const ORACLE_OVERLAY_CASES: Record<string, string[]> = {
  'baseline+sort-order': ['--policy-pack', 'cavra-ai-agent-baseline', '--overlay', overlay('sort-order')],
  'mcp-enterprise+metadata-null': [
    '--policy-pack',
    'cavra-mcp-enterprise',
    '--overlay',
    overlay('metadata-null'),
  ],
  'mcp-enterprise+mcp-replace': [
    '--policy-pack',
    'cavra-mcp-enterprise',
    '--overlay',
    overlay('mcp-replace'),
  ],
  'agentic-delivery+mcp-replace+sort-order': [
    '--policy-pack',
    'cavra-agentic-delivery',
    '--overlay',
    overlay('mcp-replace'),
    '--overlay',
    overlay('sort-order'),
  ],
  'banking+yaml11-scalars': [
    '--policy-pack',
    'cavra-banking-baseline',
    '--overlay',
    overlay('yaml11-scalars'),
  ],
  'baseline+invalid-id': ['--policy-pack', 'cavra-ai-agent-baseline', '--overlay', overlay('invalid-id')],
};
const ORACLE_CASES: Array<[string, string[]]> = readdirSync(join(ORACLE, 'expected'))
  .filter((file) => file.endsWith('.out'))
  .map((file) => file.slice(0, -'.out'.length))
  .map((name) => [name, ORACLE_OVERLAY_CASES[name] ?? ['--policy-pack', name]]);

const expected = (dir: string, name: string): { stdout: string; code: number } => ({
  stdout: readFileSync(join(dir, `${name}.out`), 'utf8'),
  code: Number(readFileSync(join(dir, `${name}.exit`), 'utf8').trim()),
});

describe('policy compile: the recorded Python outputs, byte for byte', () => {
  it('covers all 22 recorded cases (16 packs, 5 overlay cases, 1 invalid)', () => {
    expect(ORACLE_CASES).toHaveLength(22);
    expect(ORACLE_CASES.filter(([name]) => !name.includes('+'))).toHaveLength(16);
  });

  it.each(ORACLE_CASES)('%s', async (name, args) => {
    const want = expected(join(ORACLE, 'expected'), name);
    const got = await run(['compile', ...args]);
    expect(got.stdout).toBe(want.stdout);
    expect(got.code).toBe(want.code);
    expect(got.stderr).toBe('');
  });

  it('each pack compiles to fixtures/oracle/compiled/<pack>.json', async () => {
    for (const file of readdirSync(join(REPO, 'fixtures/oracle/compiled'))) {
      const got = await run(['compile', '--policy-pack', file.replace(/\.json$/, '')]);
      expect(got.stdout).toBe(readFileSync(join(REPO, 'fixtures/oracle/compiled', file), 'utf8'));
    }
  });

  it('defaults to cavra-ai-agent-baseline', async () => {
    expect((await run(['compile'])).stdout).toBe(
      expected(join(ORACLE, 'expected'), 'cavra-ai-agent-baseline').stdout,
    );
  });
});

// Held-out cases designed from the compile rules (not in the recorded oracle). Expected outputs come
// from an independent Python reference run on the real PyYAML 6.0.3, jsonschema 4.26.0 and json
// (see fixtures/policy/README.md); `.err` holds the Python exception line of a traceback.
const HELD_OUT_CASES = Object.entries(
  JSON.parse(readFileSync(join(HELD_OUT, 'cases.json'), 'utf8')) as Record<string, string[]>,
);

describe('policy compile: held-out overlays and packs', () => {
  it.each(HELD_OUT_CASES)('%s', async (name, args) => {
    const want = expected(join(HELD_OUT, 'expected'), name);
    const got = await run(['compile', ...args], { cwd: HELD_OUT });
    expect(got.stdout).toBe(want.stdout);
    expect(got.code).toBe(want.code);
    let pythonLine: string | undefined;
    try {
      pythonLine = readFileSync(join(HELD_OUT, 'expected', `${name}.err`), 'utf8').trim();
    } catch {
      pythonLine = undefined;
    }
    if (pythonLine === undefined) {
      expect(got.stderr).toBe('');
    } else {
      // One JSON error line on stderr, carrying the exception line Python ends its traceback with.
      expect(got.stderr.endsWith('\n') && got.stderr.trim().split('\n')).toHaveLength(1);
      expect(errorOf(got.stderr).python).toBe(pythonLine);
    }
  });

  it('resolves packs from CAVRA_POLICY_DIR when it exists, and ignores it when it does not', async () => {
    const want = expected(join(HELD_OUT, 'expected'), 'policy-dir-inherits');
    expect(
      await run(['compile', '--policy-pack', 'cavra-a'], {
        cwd: HELD_OUT,
        env: { CAVRA_POLICY_DIR: 'packs' },
      }),
    ).toMatchObject({
      code: 0,
      stdout: want.stdout,
    });
    const bundled = await run(['compile', '--policy-pack', 'cavra-hipaa'], {
      cwd: HELD_OUT,
      env: { CAVRA_POLICY_DIR: 'no-such-dir' },
    });
    expect(bundled.stdout).toBe(expected(join(ORACLE, 'expected'), 'cavra-hipaa').stdout);
    // --policy-dir wins over the environment.
    const dir = await run(['compile', '--policy-dir', 'packs', '--policy-pack', 'cavra-c'], {
      cwd: HELD_OUT,
      env: { CAVRA_POLICY_DIR: join(REPO, 'packages/policy-model/packs') },
    });
    expect(dir.code).toBe(0);
  });

  it('a missing --policy-dir is an error, exit 1', async () => {
    const got = await run(['compile', '--policy-dir', 'nowhere'], { cwd: HELD_OUT });
    expect(got.code).toBe(1);
    expect(got.stdout).toBe('');
    expect(errorOf(got.stderr).code).toBe('policy_unreadable');
  });

  it('a lone surrogate cannot be printed as UTF-8: exit 1 with UnicodeEncodeError, as Python', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cavra-policy-surrogate-'));
    tempDirs.push(dir);
    writeFileSync(join(dir, 'o.yaml'), 'commands:\n  allow: ["\\ud800x"]\n');
    const got = await run(['compile', '--overlay', join(dir, 'o.yaml')]);
    expect(got.code).toBe(1);
    expect(got.stdout).toBe('');
    expect(errorOf(got.stderr).python).toMatch(
      /^UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800'/,
    );
  });

  it('overlay errors carry a stable code and a readable message', async () => {
    const notMapping = await run(['compile', '--overlay', 'overlays/list-overlay.yaml'], { cwd: HELD_OUT });
    expect(errorOf(notMapping.stderr)).toMatchObject({
      code: 'policy_invalid',
      message: 'Policy must be a YAML object: overlays/list-overlay.yaml',
    });
    const unknownPack = await run(['compile', '--policy-pack', 'cavra-nope']);
    expect(errorOf(unknownPack.stderr)).toMatchObject({
      code: 'pack_not_found',
      message: "Policy pack 'cavra-nope' not found.",
    });
  });
});

describe('policy validate', () => {
  it('a valid pack folder or file prints "valid <id>", exit 0', async () => {
    expect(await run(['validate', 'packs/cavra-c'], { cwd: HELD_OUT })).toEqual({
      code: 0,
      stdout: 'valid cavra-c\n',
      stderr: '',
    });
    expect(await run(['validate', 'packs/cavra-a/policy.yaml'], { cwd: HELD_OUT })).toEqual({
      code: 0,
      stdout: 'valid cavra-a\n',
      stderr: '',
    });
  });

  it('every bundled pack validates (raw, inherits not resolved)', async () => {
    const packs = join(REPO, 'packages/policy-model/packs');
    for (const id of readdirSync(packs).filter((name) => name.startsWith('cavra-'))) {
      expect(await run(['validate', join(packs, id)])).toEqual({
        code: 0,
        stdout: `valid ${id}\n`,
        stderr: '',
      });
    }
  });

  it('an invalid file prints "invalid <path>" (Python path text) and the sorted errors, exit 1', async () => {
    expect(await run(['validate', './overlays//fs-unknown.yaml'], { cwd: HELD_OUT })).toEqual({
      code: 1,
      stdout: [
        'invalid overlays/fs-unknown.yaml',
        "  - <root>: 'metadata' is a required property",
        "  - filesystem: Additional properties are not allowed ('unknown_a', 'unknown_b' were unexpected)",
        '',
      ].join('\n'),
      stderr: '',
    });
    expect((await run(['validate', 'packs/cavra-null-id'], { cwd: HELD_OUT })).stdout).toBe(
      [
        'invalid packs/cavra-null-id',
        "  - metadata: 'description' is a required property",
        "  - metadata.id: None is not of type 'string'",
        "  - metadata.version: datetime.date(2024, 1, 1) is not of type 'string'",
        '',
      ].join('\n'),
    );
  });

  it('validates the raw YAML types (non-string items, dates, bytes)', async () => {
    const got = await run(['validate', 'overlays/non-string-items.yaml'], { cwd: HELD_OUT });
    expect(got.code).toBe(1);
    expect(got.stdout.split('\n').slice(0, 3)).toEqual([
      'invalid overlays/non-string-items.yaml',
      `  - commands.require_approval: [1, 1.0, True, None, datetime.date(2024, 1, 1), datetime.datetime(2024, 1, 1, 10, 0), datetime.datetime(2024, 1, 1, 10, 0, tzinfo=datetime.timezone.utc), {'a': 1}, [1, "it's"], 31, '1e3', 0.5, 1e+16, b'hi'] has non-unique elements`,
      "  - commands.require_approval.0: 1 is not of type 'string'",
    ]);
    expect(got.stdout.split('\n').slice(-5)).toEqual([
      "  - mcp.blocked_servers.3: 12 is not of type 'string'",
      "  - metadata: 'title' is a required property",
      "  - metadata: 'description' is a required property",
      "  - metadata: 'version' is a required property",
      '',
    ]);
  });

  it('a missing path prints "Policy not found: <path>", exit 1', async () => {
    expect(await run(['validate', 'nope.yaml'], { cwd: HELD_OUT })).toEqual({
      code: 1,
      stdout: 'Policy not found: nope.yaml\n',
      stderr: '',
    });
  });

  it('a non-mapping document or a folder without policy.yaml fails with the Python exception, exit 1', async () => {
    const list = await run(['validate', 'overlays/list-overlay.yaml'], { cwd: HELD_OUT });
    expect(list.code).toBe(1);
    expect(errorOf(list.stderr).python).toBe(
      'PolicyValidationError: Policy must be a YAML object: overlays/list-overlay.yaml',
    );
    const folder = await run(['validate', 'packs/no-yaml'], { cwd: HELD_OUT });
    expect(folder.code).toBe(1);
    expect(errorOf(folder.stderr).python).toBe(
      "FileNotFoundError: [Errno 2] No such file or directory: 'packs/no-yaml/policy.yaml'",
    );
  });

  it('needs exactly one PATH', async () => {
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['validate', 'a', 'b'])).code).toBe(2);
  });
});

function packDir(packs: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cavra-policy-list-'));
  tempDirs.push(root);
  for (const [id, text] of Object.entries(packs)) {
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'policy.yaml'), text);
  }
  return root;
}

describe('policy list', () => {
  const BUNDLED_TITLES = [
    'cavra-agentic-delivery: CAVRA Transparent Agentic Delivery Governance',
    'cavra-ai-agent-baseline: CAVRA AI Agent Baseline',
    'cavra-banking-baseline: CAVRA Banking Baseline',
    'cavra-cloud-iam: CAVRA Cloud IAM Safety',
    'cavra-eu-ai-act: CAVRA EU AI Act Governance',
    'cavra-github-enterprise: CAVRA GitHub Enterprise Governance',
    'cavra-gitlab-enterprise: CAVRA GitLab Enterprise Governance',
    'cavra-hipaa: CAVRA HIPAA Engineering Controls',
    'cavra-iso27001: CAVRA ISO 27001 Controls',
    'cavra-kubernetes-prod: CAVRA Kubernetes Production Safety',
    'cavra-mcp-enterprise: CAVRA MCP Enterprise Governance',
    'cavra-nist-ssdf: CAVRA NIST SSDF Mapping',
    'cavra-owasp-llm-agentic: CAVRA OWASP LLM Agentic Controls',
    'cavra-pci-dss: CAVRA PCI DSS Engineering Controls',
    'cavra-sox-change-control: CAVRA SOX Change Control',
    'cavra-terraform-prod: CAVRA Terraform/OpenTofu Production Safety',
  ];

  it('prints the bundled packs in Python text form', async () => {
    const got = await run(['list']);
    expect(got).toEqual({
      code: 0,
      stdout: ['Available policy packs:', ...BUNDLED_TITLES.map((l) => `  ${l}`), ''].join('\n'),
      stderr: '',
    });
  });

  it('lists a directory in code-point order, skipping folders without policy.yaml or a mapping; ids and titles via str()', async () => {
    const got = await run(['list', '--policy-dir', 'packs'], { cwd: HELD_OUT });
    expect(got.stdout).toBe(
      [
        'Available policy packs:',
        '  B-upper: Upper pack',
        '  cavra-a: Pack A',
        '  cavra-c: Pack C',
        '  cavra-dated-child: Dated child',
        '  cavra-dated-parent: Dated parent',
        '  None: Null id',
        '  empty-map: None',
        '  nometa: None',
        '',
      ].join('\n'),
    );
  });

  it('--json prints an array of {id, title, description, version}', async () => {
    const got = await run(['list', '--json'], { cwd: HELD_OUT, env: { CAVRA_POLICY_DIR: 'packs' } });
    expect(got.code).toBe(0);
    const items = JSON.parse(got.stdout) as Array<Record<string, unknown>>;
    expect(items.map((item) => item.id)).toEqual([
      'B-upper',
      'cavra-a',
      'cavra-c',
      'cavra-dated-child',
      'cavra-dated-parent',
      null,
      'empty-map',
      'nometa',
    ]);
    expect(items[5]).toEqual({ id: null, title: 'Null id', description: null, version: '2024-01-01' });
    expect(got.stdout.startsWith('[\n  {\n    "id": "B-upper",\n    "title": "Upper pack",')).toBe(true);
  });

  it('sorts by code point, not UTF-16 (U+FF5E before an astral folder name)', async () => {
    const root = packDir({
      '😀-pack': 'metadata: {title: astral}\n',
      '～-pack': 'metadata: {title: fullwidth}\n',
      'Z-pack': '{}\n',
    });
    expect((await run(['list', '--policy-dir', root])).stdout).toBe(
      'Available policy packs:\n  Z-pack: None\n  ～-pack: fullwidth\n  😀-pack: astral\n',
    );
  });

  it('a YAML syntax error or a non-mapping metadata in any pack aborts the listing, exit 1', async () => {
    const syntax = await run([
      'list',
      '--policy-dir',
      packDir({ 'cavra-ok': 'metadata: {title: ok}\n', 'cavra-bad': 'metadata: [unclosed\n' }),
    ]);
    expect(syntax.code).toBe(1);
    expect(syntax.stdout).toBe('');
    expect(errorOf(syntax.stderr).code).toBe('policy_yaml');
    const metadata = await run(['list', '--policy-dir', packDir({ 'cavra-empty-metadata': 'metadata:\n' })]);
    expect(metadata.code).toBe(1);
    expect(errorOf(metadata.stderr).python).toBe("AttributeError: 'NoneType' object has no attribute 'get'");
  });
});

describe('policy usage', () => {
  it('--help prints the usage, exit 0', async () => {
    for (const argv of [['--help'], ['compile', '--help'], ['list', '-h'], ['validate', '--help']]) {
      const got = await run(argv);
      expect(got.code).toBe(0);
      expect(got.stdout).toContain('Usage: cavra-runtime policy');
    }
  });

  it.each([
    [['compile', '--bogus']],
    [['compile', '--policy-pack']],
    [['list', '--json=yes']],
    [['list', 'extra']],
    [['frobnicate']],
    [[]],
  ])('%j is a usage error: JSON on stderr, exit 2', async (argv) => {
    const got = await run(argv);
    expect(got.code).toBe(2);
    expect(got.stdout).toBe('');
    expect(errorOf(got.stderr).code).toBe('usage');
  });
});

// The same command through a real `cavra-runtime` process (sources run with tsx).
describe('cavra-runtime policy (process)', () => {
  it.each([
    ['cavra-agentic-delivery', ['--policy-pack', 'cavra-agentic-delivery']],
    [
      'agentic-delivery+mcp-replace+sort-order',
      ORACLE_OVERLAY_CASES['agentic-delivery+mcp-replace+sort-order'] as string[],
    ],
    ['banking+yaml11-scalars', ORACLE_OVERLAY_CASES['banking+yaml11-scalars'] as string[]],
    ['baseline+invalid-id', ORACLE_OVERLAY_CASES['baseline+invalid-id'] as string[]],
  ])(
    'compile %s',
    async (name, args) => {
      const want = expected(join(ORACLE, 'expected'), name);
      const got = await runCli(['policy', 'compile', ...args], '', { env: { CAVRA_POLICY_DIR: '' } });
      expect(got.stdout).toBe(want.stdout);
      expect(got.code).toBe(want.code);
    },
    30_000,
  );

  it('held-out overlays, list and validate', async () => {
    const held = await runCli(
      ['policy', 'compile', '--overlay', 'overlays/astral.yaml', '--policy-pack', 'cavra-hipaa'],
      '',
      { cwd: HELD_OUT, env: { CAVRA_POLICY_DIR: '' } },
    );
    expect(held.stdout).toBe(expected(join(HELD_OUT, 'expected'), 'astral-sort').stdout);
    const list = await runCli(['policy', 'list', '--policy-dir', 'packs'], '', { cwd: HELD_OUT });
    expect(list.stdout.split('\n')[1]).toBe('  B-upper: Upper pack');
    const validate = await runCli(['policy', 'validate', 'nope.yaml'], '', { cwd: HELD_OUT });
    expect(validate).toMatchObject({ code: 1, stdout: 'Policy not found: nope.yaml\n' });
    const usage = await runCli(['policy', 'compile', '--nope']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stderr)).toMatchObject({ error: { code: 'usage' } });
  }, 30_000);
});
