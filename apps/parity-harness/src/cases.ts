import { dumpsPyJson, fromPlainJson, type PyDict, type PyValue } from '@cavra/policy-model';

/**
 * One parity case: the request both sides answer, plus the two harness extensions of the
 * adapter protocol (docs/python-compatibility.md, "Driving Python for live parity"): a compiled policy used as stored, a trust registry.
 */
export interface ParityCase {
  /** The pack this case is reported under (its label). */
  pack: string;
  /** Request fields as sent, without `policy_file`/`registry`. */
  request: PyDict;
  /** Compiled-policy route: `ref` is what the oracle is sent (a path), `value` what TS uses. */
  policy?: { ref: string; value: PyValue };
  /** A trust registry: `ref` (a path) if there is a file, else sent inline. Falsy means none. */
  registry?: { ref?: string; value: PyValue };
}

/** Either a decision object or a Python-style error line. */
export type Outcome = { kind: 'decision'; decision: PyDict } | { kind: 'error'; error: string };

export const DEFAULT_PACK = 'cavra-ai-agent-baseline';

/** The JSON Lines request the adapter receives. */
export function adapterRequest(c: ParityCase): PyDict {
  const line: PyDict = new Map(c.request);
  if (c.policy) line.set('policy_file', c.policy.ref);
  if (c.registry) line.set('registry', c.registry.ref ?? c.registry.value);
  return line;
}

export const adapterLine = (c: ParityCase): string => dumpsPyJson(adapterRequest(c), { ensureAscii: false });

/** A stable identity for a case (cache key, de-duplication of regressions). */
export function caseKey(c: ParityCase): string {
  const parts: PyDict = new Map<PyValue, PyValue>([['request', c.request]]);
  // The ref names the policy; dumping the whole policy per case would dominate the cost.
  if (c.policy) parts.set('policy', c.policy.ref);
  if (c.registry) parts.set('registry', c.registry.value);
  return dumpsPyJson(parts);
}

/** A plain JS request/registry (generated data) in the Python value model. */
export const py = (value: unknown): PyValue => fromPlainJson(value);

export function requestString(request: PyDict, key: string): string | undefined {
  const value = request.get(key);
  return typeof value === 'string' ? value : undefined;
}
