import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import { FIXED_NOW_ENV, clockFromEnvironment, parseIsoInstant, pythonUtcIsoformat } from '../src/index.js';

describe('parseIsoInstant', () => {
  it('reads Python isoformat instants, with and without a fraction', () => {
    expect(pythonUtcIsoformat(parseIsoInstant('2026-05-01T12:34:56.789012+00:00') as number)).toBe(
      '2026-05-01T12:34:56.789012+00:00',
    );
    expect(pythonUtcIsoformat(parseIsoInstant('2026-05-01T12:34:56+00:00') as number)).toBe(
      '2026-05-01T12:34:56+00:00',
    );
  });

  it('converts other offsets and Z to UTC', () => {
    expect(parseIsoInstant('2026-05-01T14:34:56.5+02:00')).toBe(
      parseIsoInstant('2026-05-01T12:34:56.500000Z'),
    );
    expect(parseIsoInstant('2026-05-01T12:04:56-00:30')).toBe(parseIsoInstant('2026-05-01T12:34:56Z'));
  });

  it.each(['', 'now', '2026-05-01', '2026-05-01T12:34:56', '2026-02-30T00:00:00Z', '2026-05-01T25:00:00Z'])(
    'refuses %j (no offset, not a date, out of range)',
    (text) => {
      expect(parseIsoInstant(text)).toBeUndefined();
    },
  );

  test.prop([fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })])(
    'round-trips every Python timestamp',
    (micros) => {
      expect(parseIsoInstant(pythonUtcIsoformat(micros))).toBe(micros);
    },
  );
});

describe('clockFromEnvironment', () => {
  it('returns the fixed instant on every reading when CAVRA_FIXED_NOW is set', () => {
    const clock = clockFromEnvironment({ [FIXED_NOW_ENV]: '2031-02-03T04:05:06.000007+00:00' });
    expect(pythonUtcIsoformat(clock())).toBe('2031-02-03T04:05:06.000007+00:00');
    expect(clock()).toBe(clock());
  });

  it('reads the system clock when it is unset or empty', () => {
    for (const env of [{}, { [FIXED_NOW_ENV]: '' }]) {
      const micros = clockFromEnvironment(env)();
      expect(Math.abs(micros - Date.now() * 1000)).toBeLessThan(60_000_000);
    }
  });

  it('refuses an unparsable value instead of silently using the real time', () => {
    expect(() => clockFromEnvironment({ [FIXED_NOW_ENV]: 'yesterday' })).toThrow(CavraError);
  });
});
