/** Microseconds since the Unix epoch. The default clock; tests inject a fixed one. */
export type MicrosecondClock = () => number;

/**
 * Wall-clock microseconds: `Date.now()` read once, advanced by the monotonic `performance.now()`,
 * which has sub-millisecond resolution (Python prints microseconds).
 */
export function systemMicrosecondClock(): MicrosecondClock {
  const originMicros = Date.now() * 1000;
  const originPerf = performance.now();
  return () => Math.floor(originMicros + (performance.now() - originPerf) * 1000);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * Python's `datetime.now(timezone.utc).isoformat()`: `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, with
 * exactly 6 fraction digits, and no fraction at all when the microsecond is 0. Never `Z`.
 */
export function pythonUtcIsoformat(epochMicros: number): string {
  const second = Math.floor(epochMicros / 1_000_000);
  const micros = epochMicros - second * 1_000_000;
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedPrefix =
      `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    cachedSecond = second;
  }
  return micros === 0 ? `${cachedPrefix}+00:00` : `${cachedPrefix}.${pad(micros, 6)}+00:00`;
}

/** `pythonUtcIsoformat` for instants past `Number.MAX_SAFE_INTEGER` microseconds (after 2255), e.g. long retention dates. */
export function pythonUtcIsoformatExact(epochMicros: bigint): string {
  const seconds = epochMicros / 1_000_000n - (epochMicros % 1_000_000n < 0n ? 1n : 0n);
  const micros = Number(epochMicros - seconds * 1_000_000n);
  const base = pythonUtcIsoformat(Number(seconds) * 1_000_000);
  return micros === 0 ? base : `${base.slice(0, -6)}.${pad(micros, 6)}+00:00`;
}
