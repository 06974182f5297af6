import { describe, expect, it } from 'vitest';
import { CavraError, parsePyJson, type PyDict, type PyValue } from '@cavra/policy-model';
import {
  EVIDENCE_BUNDLE_FILES,
  PyValueError,
  createEvidenceBundle,
  parseIsoInstant,
  type EvidenceBundleOptions,
} from '../../src/index.js';

const decisions: PyDict[] = ['block', 'require_approval', 'allow', 'allow_with_attestation'].map(
  (decision, i) =>
    new Map<PyValue, PyValue>([
      ['action_type', 'read_file'],
      ['target', `t${i}`],
      ['decision', decision],
      ['rule_id', `r${i}`],
      ['severity', ['critical', 'high', 'low', 'medium'][i] as string],
    ]),
);

function run(overrides: Partial<EvidenceBundleOptions> = {}): {
  written: Map<string, Uint8Array>;
  error?: unknown;
} {
  const written = new Map<string, Uint8Array>();
  try {
    createEvidenceBundle(decisions, {
      sessionId: 's',
      retentionDays: 1n,
      classification: 'c',
      legalHold: true,
      clock: () => parseIsoInstant('2028-02-28T23:00:00+00:00') as number,
      signing: () => ({}),
      write: (name, bytes) => written.set(name, bytes),
      ...overrides,
    });
    return { written };
  } catch (error) {
    return { written, error };
  }
}
const json = (bytes: Uint8Array | undefined): PyDict =>
  parsePyJson(Buffer.from(bytes as Uint8Array).toString()) as PyDict;

describe('createEvidenceBundle', () => {
  it('writes the seven files in order with counts, lexicographic max severity and retention dates', () => {
    const { written, error } = run();
    expect(error).toBeUndefined();
    expect([...written.keys()]).toEqual([...EVIDENCE_BUNDLE_FILES]);
    const siem = json(written.get('siem-event.json'));
    expect(siem.get('max_severity')).toBe('medium');
    expect(siem.get('blocked_count')).toBe(1n);
    expect(siem.get('approval_required_count')).toBe(1n);
    const retention = json(written.get('retention-policy.json'));
    expect(retention.get('retain_until')).toBe('2028-02-29T23:00:00+00:00');
    expect(retention.get('disposition')).toBe('retain');
    expect(Buffer.from(written.get('pr-attestation.md') as Uint8Array).toString()).toContain(
      '- Allowed actions: 2\n',
    );
    expect(json(written.get('manifest.json')).get('signature')).toEqual(
      new Map([
        ['algorithm', 'SHA256'],
        ['value', expect.stringMatching(/^[0-9a-f]{64}$/)],
      ]),
    );
  });

  it('leaves five files behind when retention_days is below 1, six when the signing step fails', () => {
    const zero = run({ retentionDays: 0n });
    expect(zero.error).toEqual(new PyValueError('retention_days must be greater than zero'));
    expect(zero.written.size).toBe(5);
    const both = run({ signing: () => ({ hmacKey: 'k', privateKey: {} as never }) });
    expect(both.error).toEqual(new PyValueError('Use either HMAC key or private key, not both.'));
    expect(both.written.size).toBe(6);
  });

  it('fails closed when retain_until would pass the year 9999 (Python: OverflowError)', () => {
    const { error } = run({ retentionDays: 3_000_000n });
    expect(error).toBeInstanceOf(CavraError);
    expect((error as CavraError).python).toBe('OverflowError: date value out of range');
  });

  it('keeps microseconds exact for retention dates past 2255', () => {
    const { written } = run({
      retentionDays: 100_000n,
      clock: () => parseIsoInstant('2026-05-01T12:34:56.789012+00:00') as number,
    });
    expect(json(written.get('retention-policy.json')).get('retain_until')).toBe(
      '2300-02-14T12:34:56.789012+00:00',
    );
  });
});
