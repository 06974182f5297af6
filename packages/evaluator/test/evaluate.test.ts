import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { bundledPackSource, loadPackPolicy, type ActionRequest } from '@cavra/policy-model';
import { buildTrustRegistry } from '@cavra/registry';
import { DEFAULT_POLICY_PACK, UNKNOWN_ACTION_RULE_ID, evaluate } from '../src/evaluate.js';
import { preparePolicy } from '../src/prepared-policy.js';

const prepared = (pack: string) => preparePolicy(loadPackPolicy(bundledPackSource, pack));
const baseline = prepared(DEFAULT_POLICY_PACK);
const decide = (request: ActionRequest, pack = DEFAULT_POLICY_PACK) =>
  evaluate(request, { policy: pack === DEFAULT_POLICY_PACK ? baseline : prepared(pack), fallbackLabel: DEFAULT_POLICY_PACK });

type Row = readonly [ActionRequest, Partial<ReturnType<typeof decide>>];

// Decision examples recorded from Python (docs/python-compatibility.md, "Decisions"); pack cavra-ai-agent-baseline unless named.
const FILE_ROWS: Row[] = [
  [{ action_type: 'read_file', target: '.env' }, { target: '.env', decision: 'block', rule_id: 'filesystem.read.block', severity: 'high', reason: 'Matched sensitive path policy: .env' }],
  [{ action_type: 'read_file', target: './.env' }, { target: '.env', decision: 'block', reason: 'Matched sensitive path policy: .env' }],
  [{ action_type: 'read_file', target: 'key.pem' }, { target: 'key.pem', decision: 'allow', rule_id: 'filesystem.read.allow', reason: 'No sensitive path policy matched.' }],
  [{ action_type: 'write_file', target: 'iam/' }, { target: 'iam', decision: 'allow', rule_id: 'filesystem.write.allow', requested_operation: 'write' }],
  [
    { action_type: 'write_file', target: 'iam/admin.tf' },
    { decision: 'require_approval', rule_id: 'filesystem.write.require_approval', severity: 'high', approver_group: 'Platform Security', reason: 'Matched approval-required path policy: iam/**' },
  ],
  [{ action_type: 'write_file', target: 'src/main.tf' }, { decision: 'block', rule_id: 'filesystem.write.block', reason: 'Matched sensitive path policy: **/main.tf' }],
  [{ action_type: 'read_file', target: 'a/secrets.pem' }, { reason: 'Matched sensitive path policy: **/secrets.*' }],
];

const COMMAND_ROWS: Row[] = [
  [{ action_type: 'execute_command', target: '  terraform plan  ' }, { target: 'terraform plan', requested_operation: 'terraform plan', decision: 'allow', rule_id: 'commands.allow', reason: 'Matched allowed command policy: terraform plan*' }],
  [{ action_type: 'execute_command', target: '\u001cterraform plan\u0085' }, { target: 'terraform plan', decision: 'allow' }],
  [{ action_type: 'execute_command', target: '\ufeffterraform plan' }, { target: '\ufeffterraform plan', decision: 'require_approval', rule_id: 'commands.default.require_approval', severity: 'medium', approver_group: 'Repository Owners', reason: 'No allow rule matched; review required.' }],
  [{ action_type: 'execute_command', target: 'terraform apply -auto-approve' }, { decision: 'block', rule_id: 'commands.block', severity: 'critical', reason: 'Matched blocked command policy: terraform apply*' }],
  [{ action_type: 'execute_command', target: 'aws iam create-access-key' }, { decision: 'block', severity: 'high' }],
  [{ action_type: 'execute_command', target: '   ' }, { target: '', requested_operation: '', decision: 'require_approval' }],
  [{ action_type: 'execute_command', target: 'terraform plan\nrm -rf /' }, { decision: 'require_approval' }],
];

const GIT_ROWS: Row[] = [
  [{ action_type: 'git_operation', target: 'origin/main' }, { target: 'origin/main', requested_operation: 'push', decision: 'block', rule_id: 'git.protected_branch.block_direct_push', severity: 'high', reason: 'Direct push to protected branch is prohibited.' }],
  [{ action_type: 'git_operation', target: 'feature/remain' }, { decision: 'block' }],
  [{ action_type: 'git_operation', target: 'origin/Main' }, { decision: 'allow', rule_id: 'git.allow', reason: 'Git operation is allowed by policy.' }],
  [{ action_type: 'git_operation', target: 'main ' }, { decision: 'allow' }],
  [{ action_type: 'git_operation', target: 'origin/main/' }, { decision: 'allow' }],
  [{ action_type: 'git_operation', target: '' }, { target: 'push', requested_operation: 'push', decision: 'allow' }],
  [{ action_type: 'git_operation' }, { target: 'push', requested_operation: 'push', decision: 'allow' }],
  [{ action_type: 'git_operation', target: 'origin/main', operation: 'pull' }, { target: 'origin/main', requested_operation: 'pull', decision: 'allow' }],
  [{ action_type: 'git_operation', target: 'origin/main', operation: 'Push' }, { decision: 'allow', requested_operation: 'Push' }],
  [{ action_type: 'git_operation', target: 'origin/main', operation: '' }, { decision: 'allow', requested_operation: '' }],
  [{ action_type: 'git_operation', operation: '' }, { target: '', requested_operation: '', decision: 'allow' }],
  [{ action_type: 'git_operation', target: 'origin/main', requested_operation: 'pull' }, { decision: 'block', requested_operation: 'push' }],
  [{ action_type: 'git_operation', target: 'feature/remaster', operation: 'push' }, { decision: 'block' }],
];

const MCP_ROWS: Row[] = [
  [
    { action_type: 'mcp_tool_call', server: 'github', tool: 'read_file', capability: 'filesystem' },
    { target: 'github:read_file', requested_operation: 'filesystem', decision: 'block', rule_id: 'mcp.server.trust.block_unknown', severity: 'high', reason: 'Untrusted MCP server with filesystem/tool capability is not approved.' },
  ],
  [{ action_type: 'mcp_tool_call', server: 'github', tool: 'read_file', capability: '' }, { requested_operation: 'read_file' }],
];

describe('evaluate', () => {
  it.each([...FILE_ROWS, ...COMMAND_ROWS, ...GIT_ROWS, ...MCP_ROWS])('%j', (request, expected) => {
    expect(decide(request)).toMatchObject(expected);
  });

  it.each([
    [{ action_type: 'execute_command', target: 'git push --force origin applyfix' }, 'cavra-github-enterprise', 'critical'],
    [{ action_type: 'execute_command', target: 'terraform destroy -auto-approve' }, 'cavra-terraform-prod', 'high'],
    [{ action_type: 'execute_command', target: 'tofu destroy --target=module.delete_me' }, 'cavra-terraform-prod', 'critical'],
  ] as const)('judges blocked-command severity on the command: %j in %s', (request, pack, severity) => {
    expect(decide(request, pack)).toMatchObject({ decision: 'block', severity });
  });

  it('ignores commands.require_approval and lets an inherited block_write win (agentic-delivery)', () => {
    expect(decide({ action_type: 'execute_command', target: 'git tag v1' }, 'cavra-agentic-delivery')).toMatchObject({
      rule_id: 'commands.default.require_approval',
    });
    expect(decide({ action_type: 'write_file', target: '.github/workflows/x.yml' }, 'cavra-agentic-delivery')).toMatchObject({
      decision: 'block',
      reason: 'Matched sensitive path policy: .github/workflows/**',
    });
    // Compiled (inheriting) packs scan sorted lists: "*" sorts before "s".
    expect(decide({ action_type: 'read_file', target: 'a/secrets.pem' }, 'cavra-agentic-delivery').reason).toBe(
      'Matched sensitive path policy: **/*.pem',
    );
  });

  it('applies MCP allow and block lists; blocked beats allowed', () => {
    const mcp = (server: string) => decide({ action_type: 'mcp_tool_call', server, tool: 't' }, 'cavra-mcp-enterprise');
    expect(mcp('github-enterprise')).toMatchObject({ decision: 'allow', rule_id: 'mcp.server.trust.allow', requested_operation: 't' });
    expect(mcp('personal-drive-mcp')).toMatchObject({ decision: 'block' });
    expect(mcp('someone-else')).toMatchObject({ decision: 'block' });
  });

  it('decides MCP calls from the registry alone when there is one', () => {
    const registry = buildTrustRegistry(new Map([['mcp_servers', [new Map([['server_id', 'personal-drive-mcp'], ['trust_tier', 'trusted']])]]]));
    const decision = evaluate(
      { action_type: 'mcp_tool_call', server: 'personal-drive-mcp', tool: 'x' },
      { policy: prepared('cavra-mcp-enterprise'), fallbackLabel: DEFAULT_POLICY_PACK, registry },
    );
    expect(decision).toMatchObject({ decision: 'allow', rule_id: 'mcp.registry.allow', target: 'personal-drive-mcp:x' });
  });

  it('keeps identity fields verbatim, "" included, and defaults only absent ones', () => {
    expect(decide({ action_type: 'read_file', target: 'x', session_id: '', agent_id: 'a', actor: 'h' })).toMatchObject({
      session_id: '',
      agent_id: 'a',
      actor: 'h',
    });
    expect(decide({ action_type: 'read_file', target: 'x' })).toMatchObject({ session_id: 'local', agent_id: 'unknown-agent', actor: 'ai-agent' });
  });

  it('labels with policy_pack verbatim, else the fallback', () => {
    const policy = baseline;
    expect(evaluate({ action_type: 'read_file', target: 'x', policy_pack: 'label/' }, { policy, fallbackLabel: 'f' })).toMatchObject({
      policy_pack: 'label/',
      policy_id: 'label/',
    });
    expect(evaluate({ action_type: 'read_file', target: 'x', policy_pack: '' }, { policy, fallbackLabel: 'f' }).policy_pack).toBe('f');
  });

  it('fails closed on unknown action types (the one deliberate difference from Python)', () => {
    expect(decide({ action_type: 'pull_request', target: 'x' })).toMatchObject({
      decision: 'require_approval',
      rule_id: UNKNOWN_ACTION_RULE_ID,
      severity: 'medium',
      approver_group: 'Repository Owners',
    });
  });

  it.each([
    [{ action_type: 'read_file' }, "KeyError: 'target'"],
    [{ action_type: 'execute_command' }, "KeyError: 'target'"],
    [{ action_type: 'mcp_tool_call', tool: 't' }, "KeyError: 'server'"],
    [{ action_type: 'mcp_tool_call', server: 's' }, "KeyError: 'tool'"],
  ])('refuses %j as Python does', (request, python) => {
    expect(() => decide(request)).toThrowError(expect.objectContaining({ code: 'invalid_request', python }) as Error);
  });

  const requestArb = fc.record(
    {
      action_type: fc.constantFrom('read_file', 'write_file', 'execute_command', 'git_operation', 'mcp_tool_call', 'other'),
      target: fc.string(),
      operation: fc.constantFrom('push', 'pull', ''),
      server: fc.string(),
      tool: fc.string(),
      capability: fc.string(),
      session_id: fc.string(),
    },
    { requiredKeys: ['action_type', 'target', 'server', 'tool'] },
  );

  test.prop([requestArb])('is deterministic and never throws for complete requests', (request) => {
    expect(decide(request)).toEqual(decide(request));
  });
});
