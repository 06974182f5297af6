import { CavraError } from '@cavra/policy-model';
import { systemMicrosecondClock, type MicrosecondClock } from './timestamp.js';

/**
 * The environment variable that pins "now" for every timestamp an export writes (trust roots,
 * bundles, distributions, evidence bundles): an ISO-8601 instant such as
 * `2026-05-01T12:34:56.789012+00:00`. Set it to make an export reproducible and auditable: the
 * same inputs and the same instant give the same bytes.
 */
export const FIXED_NOW_ENV = 'CAVRA_FIXED_NOW';

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

/** Epoch microseconds of an ISO-8601 instant with an explicit offset (`Z` or `±HH:MM`); undefined if it is not one. */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(millis);
  if (check.getUTCDate() !== day || check.getUTCFullYear() !== year) return undefined; // 2026-02-30
  // Microsecond precision, as Python's datetime; further digits are dropped.
  const micros = Number(((m[7] ?? '') + '000000').slice(0, 6));
  const zone = m[8] as string;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  return (millis - offsetMinutes * 60_000) * 1000 + micros;
}

/**
 * The clock for commands that write timestamps: the instant in `CAVRA_FIXED_NOW` when it is set
 * (every reading returns it), else the system clock. A set but unparsable value is refused:
 * silently falling back to the real time would make a "reproducible" export differ.
 */
export function clockFromEnvironment(env: Readonly<Record<string, string | undefined>>): MicrosecondClock {
  const fixed = env[FIXED_NOW_ENV];
  if (fixed === undefined || fixed === '') return systemMicrosecondClock();
  const micros = parseIsoInstant(fixed);
  if (micros === undefined) {
    throw new CavraError(
      'usage',
      `${FIXED_NOW_ENV} must be an ISO-8601 instant with an offset (e.g. 2026-05-01T12:34:56.789012+00:00), got ${JSON.stringify(fixed)}`,
    );
  }
  return () => micros;
}
