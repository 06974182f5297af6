import type { PyDict } from '@cavra/policy-model';
import { intValue, isPositive, normalizeState, stringValue } from './values.js';

/** Status fields and the normalised words that make each a critical signal, in the order they are read. */
const CRITICAL_STATUSES: readonly (readonly [string, ReadonlySet<string>])[] = [
  ['alert_level', new Set(['critical', 'blocked', 'breached'])],
  ['drift_status', new Set(['drifted', 'non_compliant', 'drift_detected'])],
  ['handoff_status', new Set(['blocked', 'failed'])],
  ['verification_status', new Set(['failed', 'blocked', 'mismatch'])],
  ['integrity_status', new Set(['failed', 'mismatch', 'tampered'])],
];

/** Counts that are a critical signal when positive; read in this order, stopping at the first positive one. */
const CRITICAL_COUNTS: readonly string[] = [
  'blocked_count',
  'critical_count',
  'breached_count',
  'failed_delivery_count',
  'connector_delivery_failure_count',
  'failed_verification_count',
  'integrity_failure_count',
];

/**
 * Whether the record carries a critical signal. Statuses never fail; counts are read lazily,
 * so an overflowing count after a positive one is never evaluated (and does not raise).
 */
export function hasCriticalSignal(record: PyDict): boolean {
  for (const [field, words] of CRITICAL_STATUSES) {
    if (words.has(normalizeState(stringValue(record, field)))) return true;
  }
  for (const field of CRITICAL_COUNTS) if (isPositive(intValue(record, field))) return true;
  return false;
}
