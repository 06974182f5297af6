import {
  isPyDict,
  pyEquals,
  pyQualifiedTypeName,
  pyStr,
  pyTruthy,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { approvalsError } from './errors.js';

/** One routing rule: matchers (any JSON value; falsy ones are ignored) and the group it routes to. */
export type RoutingRule = PyDict;

const rule = (entries: Record<string, string>): RoutingRule => new Map(Object.entries(entries));

/** Python's five default rules, in order: the first match wins. */
export const DEFAULT_ROUTING_RULES: readonly RoutingRule[] = Object.freeze([
  rule({ rule_id_prefix: 'filesystem.write', target_contains: 'iam/', approver_group: 'IAM' }),
  rule({ rule_id_prefix: 'filesystem.write', target_contains: '.github/workflows', approver_group: 'Platform Security' }),
  rule({ rule_id_prefix: 'commands.default', severity: 'medium', approver_group: 'Repository Owners' }),
  rule({ rule_id_prefix: 'commands.block', target_contains: 'terraform', approver_group: 'Cloud Security' }),
  rule({ rule_id_prefix: 'mcp.', approver_group: 'AI Governance' }),
]);

/** A fresh copy of the default rules (they are printed, and callers may keep them). */
export const defaultRoutingRules = (): RoutingRule[] => DEFAULT_ROUTING_RULES.map((r) => new Map(r));

/** Exact matchers: Python `==` against the decision's value (a missing key is `None`). */
const EXACT_KEYS = ['rule_id', 'action_type', 'severity', 'policy_pack'] as const;

/** Python's `for rule in rules`: list items, a mapping's keys, a string's characters. */
function pyIterate(rules: PyValue): Iterable<PyValue> {
  if (Array.isArray(rules)) return rules;
  if (isPyDict(rules)) return rules.keys();
  if (typeof rules === 'string') return rules;
  throw approvalsError('routing_invalid', 'TypeError', `'${pyQualifiedTypeName(rules)}' object is not iterable`);
}

/** Python's `decision.get(key, default)`: the default only for an absent key; non-mappings fail. */
function decisionGet(decision: PyValue, key: string, fallback: PyValue): PyValue {
  if (!isPyDict(decision)) {
    throw approvalsError('decision_invalid', 'AttributeError', `'${pyQualifiedTypeName(decision)}' object has no attribute 'get'`);
  }
  return decision.has(key) ? (decision.get(key) as PyValue) : fallback;
}

function matches(decision: PyValue, candidate: PyValue): boolean {
  if (!isPyDict(candidate)) {
    throw approvalsError('routing_invalid', 'AttributeError', `'${pyQualifiedTypeName(candidate)}' object has no attribute 'get'`);
  }
  for (const key of EXACT_KEYS) {
    const expected = candidate.get(key);
    if (expected !== undefined && pyTruthy(expected) && !pyEquals(decisionGet(decision, key, null), expected)) {
      return false;
    }
  }
  const prefix = candidate.get('rule_id_prefix');
  if (prefix !== undefined && pyTruthy(prefix) && !pyStr(decisionGet(decision, 'rule_id', '')).startsWith(pyStr(prefix))) {
    return false;
  }
  const contains = candidate.get('target_contains');
  if (contains !== undefined && pyTruthy(contains) && !pyStr(decisionGet(decision, 'target', '')).includes(pyStr(contains))) {
    return false;
  }
  return true;
}

/**
 * Python's `route_approver_group(decision, rules)`: the `str()` of the first matching rule's
 * `approver_group`, or `null` when none matches. Only `null`/`undefined` rules select the
 * defaults (`[]` is "no rules"). Rules are not validated here: after the match, a rule without
 * `approver_group` fails (`KeyError`), and rules after it are never looked at. Pure.
 */
export function routeApproverGroup(decision: PyValue, rules?: PyValue | readonly RoutingRule[]): string | null {
  const list: PyValue = rules === undefined || rules === null ? (DEFAULT_ROUTING_RULES as RoutingRule[]) : (rules as PyValue);
  for (const candidate of pyIterate(list)) {
    if (!matches(decision, candidate)) continue;
    const group = (candidate as PyDict).get('approver_group');
    if (group === undefined) throw approvalsError('routing_invalid', 'KeyError', "'approver_group'");
    return pyStr(group);
  }
  return null;
}
