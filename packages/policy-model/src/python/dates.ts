/*
 * Proleptic Gregorian date arithmetic as Python's `datetime` does it, for years 1..9999. One
 * module for the YAML timestamp checks, dict-key equality of datetimes and ordering (see
 * docs/python-compatibility.md, "Dates"). Not `Date.UTC`, which maps years 0..99 to 19xx.
 */

export const pyIsLeapYear = (year: number): boolean =>
  year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1..12) of `year`. */
export const pyDaysInMonth = (year: number, month: number): number =>
  month === 2 && pyIsLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);

/** Days since 0001-01-01 (day 0), H. Hinnant's civil-days algorithm. Python's `toordinal()` is this + 1. */
export function pyDayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe;
}

/** The parts of a datetime that `pyDateTimeMicros` needs. */
export interface PyDateTimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  /** UTC offset in minutes, or null for a naive datetime. */
  readonly utcOffsetMinutes: number | null;
}

/** Microseconds since 0001-01-01T00:00 UTC of an aware datetime; a naive one counts its wall clock. */
export function pyDateTimeMicros(d: PyDateTimeParts): bigint {
  const days = BigInt(pyDayNumber(d.year, d.month, d.day));
  const seconds = BigInt(d.hour * 3600 + d.minute * 60 + d.second - (d.utcOffsetMinutes ?? 0) * 60);
  return (days * 86_400n + seconds) * 1_000_000n + BigInt(d.microsecond);
}
