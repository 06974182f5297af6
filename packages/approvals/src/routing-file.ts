import {
  CavraError,
  PyYamlError,
  isPyDict,
  loadPyYaml,
  pyTruthy,
  type PyValue,
} from '@cavra/policy-model';
import { approvalsError } from './errors.js';
import { decodePythonText, parsePythonJsonText } from './python-text.js';
import type { RoutingRule } from './route.js';

/** Python's `PurePath.suffix` of the last path segment: `.yaml` (a dotfile) and `x.` have none. */
export function pathSuffix(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot) : '';
}

/** YAML when the last suffix is `.yaml` or `.yml` in any case; JSON otherwise (`.txt`, none, …). */
export const isYamlRoutingPath = (path: string): boolean => {
  const suffix = pathSuffix(path).toLowerCase();
  return suffix === '.yaml' || suffix === '.yml';
};

function parseYamlText(text: string): PyValue {
  try {
    return loadPyYaml(text);
  } catch (error) {
    if (error instanceof PyYamlError) {
      throw new CavraError('routing_file_invalid', error.message, { python: `${error.pythonType}: ${error.message}` });
    }
    throw error;
  }
}

const MUST_BE_LIST = 'approval routing file must contain a list of rules';
const RULE_NEEDS_GROUP = 'each approval routing rule must include approver_group';

/**
 * The rules of a parsed routing document: a list, or the `approval_routing` (first) or
 * `routing_rules` entry of a mapping, or the mapping itself. All-or-nothing: every rule must be
 * a mapping with a truthy `approver_group`.
 */
export function routingRulesFromDocument(payload: PyValue): RoutingRule[] {
  let rules: PyValue;
  if (Array.isArray(payload)) rules = payload;
  else if (isPyDict(payload)) {
    if (payload.has('approval_routing')) rules = payload.get('approval_routing') as PyValue;
    else if (payload.has('routing_rules')) rules = payload.get('routing_rules') as PyValue;
    else rules = payload;
  } else throw approvalsError('routing_invalid', 'ValueError', MUST_BE_LIST);
  if (!Array.isArray(rules)) throw approvalsError('routing_invalid', 'ValueError', MUST_BE_LIST);
  for (const rule of rules) {
    if (!isPyDict(rule) || !pyTruthy(rule.get('approver_group'))) {
      throw approvalsError('routing_invalid', 'ValueError', RULE_NEEDS_GROUP);
    }
  }
  return rules as RoutingRule[];
}

/**
 * Python's `load_routing_rules` after the file was read: decode, parse by suffix (a falsy YAML
 * document, `[]` included, counts as `{}`), then validate. Pure: the bytes come from the caller.
 */
export function parseRoutingFile(bytes: Uint8Array, path: string): RoutingRule[] {
  const text = decodePythonText(bytes);
  if (isYamlRoutingPath(path)) {
    const document = parseYamlText(text);
    return routingRulesFromDocument(pyTruthy(document) ? document : new Map());
  }
  return routingRulesFromDocument(parsePythonJsonText(text));
}
