import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parsePyJson, pyStr, type PyValue } from '@cavra/policy-model';
import { DEFAULT_ROUTING_RULES, routeApproverGroup } from '../src/route.js';

const json = (text: string): PyValue => parsePyJson(text);
const route = (decision: string, rules?: string): string | null =>
  routeApproverGroup(json(decision), rules === undefined ? undefined : json(rules));
const pythonErrorOf = (decision: string, rules?: string): string | undefined => {
  try {
    route(decision, rules);
    return undefined;
  } catch (error) {
    return (error as { python?: string }).python;
  }
};

describe('default rules', () => {
  it.each([
    ['{"rule_id": "filesystem.write.require_approval", "target": "iam/admin.tf"}', 'IAM'],
    ['{"rule_id": "filesystem.write.allow", "target": "docs/my-iam/x.md"}', 'IAM'],
    ['{"rule_id": "filesystem.write.block", "target": ".github/workflows/ci.yml"}', 'Platform Security'],
    ['{"rule_id": "filesystem.writer", "target": "iam/x"}', 'IAM'],
    ['{"rule_id": "filesystem.read.block", "target": "iam/x"}', null],
    ['{"rule_id": "filesystem.write.block", "target": "IAM/x"}', null],
    ['{"rule_id": "commands.default.require_approval", "severity": "medium"}', 'Repository Owners'],
    ['{"rule_id": "commands.default.require_approval", "severity": "Medium"}', null],
    ['{"rule_id": "commands.default.require_approval"}', null],
    ['{"rule_id": "commands.block", "target": "terraform apply -auto-approve"}', 'Cloud Security'],
    ['{"rule_id": "commands.block", "target": "tofu apply"}', null],
    ['{"rule_id": "mcp.server.trust.allow"}', 'AI Governance'],
    ['{"rule_id": "mcp"}', null],
    ['{"rule_id": "release_governance.approval.pending", "approver_group": "Release Governance"}', null],
    ['{"rule_id": "filesystem.write.allow", "target": ["iam/x"]}', 'IAM'],
    ['{"rule_id": "filesystem.write.allow", "target": {"p": ".github/workflows"}}', 'Platform Security'],
  ])('%s → %j', (decision, group) => expect(route(decision)).toBe(group));
  it('has five rules in Python order', () => {
    expect(DEFAULT_ROUTING_RULES.map((r) => r.get('approver_group'))).toEqual([
      'IAM', 'Platform Security', 'Repository Owners', 'Cloud Security', 'AI Governance',
    ]);
  });
});

describe('typed matchers and odd rules', () => {
  it.each([
    ['{"rule_id": null, "target": "iam/"}', '[{"rule_id_prefix": "None", "approver_group": "prefix None"}]', 'prefix None'],
    ['{}', '[{"target_contains": "None", "approver_group": "n"}]', null],
    ['{"target": null}', '[{"target_contains": "None", "approver_group": "n"}]', 'n'],
    ['{"severity": true}', '[{"severity": 1, "approver_group": "sev 1"}]', 'sev 1'],
    ['{"severity": 1.0}', '[{"severity": 1, "approver_group": "sev 1"}]', 'sev 1'],
    ['{"severity": "1"}', '[{"severity": 1, "approver_group": "sev 1"}]', null],
    ['{"rule_id": {"k": true}}', '[{"rule_id": {"k": 1.0}, "approver_group": "m"}]', 'm'],
    ['{"rule_id": "True.x"}', '[{"rule_id_prefix": true, "approver_group": "m"}]', 'm'],
    ['{"target": 10.5}', '[{"target_contains": 1.0, "approver_group": "m"}]', null],
    ['{"target": 1e16}', '[{"target_contains": "e+16", "approver_group": "m"}]', 'm'],
    ['{"rule_id": "x"}', '[{"policy_pack": 0, "approver_group": "falsy 0"}]', 'falsy 0'],
    ['{"rule_id": "mcp.x"}', '[{"rule_id_prefix": "zz", "approver_group": "A"}, {"approver_group": "B"}, 5]', 'B'],
    ['{"rule_id": "mcp.x"}', '[{"approver_group": ""}]', ''],
    ['{"rule_id": "mcp.x"}', '[{"approver_group": ["A", "B"]}]', "['A', 'B']"],
    ['{"rule_id": "mcp.x"}', '[{"approver_group": null}]', 'None'],
    ['{"rule_id": "mcp.x"}', '[]', null],
    ['{"rule_id": "mcp.x"}', '{}', null],
    ['"mcp.x"', '[]', null],
    ['null', '[{"approver_group": "A"}]', 'A'],
    ['{"severity": 1}', '[{"severity": NaN, "approver_group": "never"}]', null],
  ])('%s with %s → %j', (decision, rules, group) => expect(route(decision, rules)).toBe(group));

  it.each([
    ['{"rule_id": "mcp.x"}', '[{"rule_id_prefix": "mcp."}]', "KeyError: 'approver_group'"],
    ['{"rule_id": "mcp.x"}', '["x"]', "AttributeError: 'str' object has no attribute 'get'"],
    ['{"rule_id": "mcp.x"}', '{"approver_group": "A"}', "AttributeError: 'str' object has no attribute 'get'"],
    ['{"rule_id": "mcp.x"}', '5', "TypeError: 'int' object is not iterable"],
    ['{"rule_id": "mcp.x"}', 'true', "TypeError: 'bool' object is not iterable"],
    ['"mcp.x"', undefined, "AttributeError: 'str' object has no attribute 'get'"],
    ['[]', undefined, "AttributeError: 'list' object has no attribute 'get'"],
  ])('%s with %s raises %s', (decision, rules, python) => expect(pythonErrorOf(decision, rules)).toBe(python));

  it('null rules select the defaults', () => expect(routeApproverGroup(json('{"rule_id": "mcp.x"}'), null)).toBe('AI Governance'));
});

describe('properties', () => {
  const scalar = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.bigInt({ min: -5n, max: 5n }), fc.double({ noNaN: true }));
  test.prop([fc.dictionary(fc.constantFrom('rule_id', 'target', 'severity', 'action_type', 'policy_pack'), scalar), scalar])(
    'a rule with no truthy matcher matches any decision and returns str(approver_group)',
    (decision, group) => {
      const rules: PyValue = [new Map<PyValue, PyValue>([['severity', ''], ['approver_group', group]])];
      expect(routeApproverGroup(new Map(Object.entries(decision)), rules)).toBe(pyStr(group));
    },
  );
  test.prop([fc.string(), fc.string()])('rule_id_prefix is a plain string prefix', (ruleId, prefix) => {
    fc.pre(prefix !== '');
    const rules: PyValue = [new Map<PyValue, PyValue>([['rule_id_prefix', prefix], ['approver_group', 'G']])];
    expect(routeApproverGroup(new Map([['rule_id', ruleId]]), rules)).toBe(ruleId.startsWith(prefix) ? 'G' : null);
  });
});
