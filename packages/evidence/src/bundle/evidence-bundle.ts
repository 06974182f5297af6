import { compareCodePoints, pyStr, type PyDict, type PyValue } from '@cavra/policy-model';
import { pythonUtcIsoformat, pythonUtcIsoformatExact, type MicrosecondClock } from '../timestamp.js';
import { buildEvidenceManifest, type ManifestSigning } from '../trust-roots/manifest.js';
import { PyValueError, pythonCrash, pythonJsonFileText } from '../trust-roots/python-compat.js';

/** 9999-12-31T23:59:59.999999Z: Python's `datetime.max`; later dates overflow. */
const MAX_PYTHON_DATETIME_MICROS = 253_402_300_799_999_999n;

export const EVIDENCE_TAGLINE = 'Before the agent acts, CAVRA decides.';
export const RETENTION_SCHEMA = 'cavra.evidence.retention.v1';

/** The files of an evidence bundle in write order; `manifest.json` signs the first six. */
export const EVIDENCE_BUNDLE_FILES = [
  'evidence.json',
  'pr-attestation.md',
  'compliance-mapping.md',
  'siem-event.json',
  'sandbox-run-summary.json',
  'retention-policy.json',
  'manifest.json',
] as const;

export interface EvidenceBundleOptions {
  sessionId: string;
  retentionDays: bigint;
  classification: string;
  legalHold: boolean;
  clock: MicrosecondClock;
  /**
   * The manifest's signing material, resolved only after the six content files are written (as
   * Python loads the private key inside `build_manifest`): a missing or bad key leaves them behind.
   */
  signing: () => Omit<ManifestSigning, 'createdAt'>;
  /** Writes one file; called in `EVIDENCE_BUNDLE_FILES` order. */
  write: (name: string, bytes: Uint8Array) => void;
}

const field = (decision: PyDict, key: string): string => pyStr(decision.get(key) ?? null);

export function renderPrAttestation(sessionId: string, decisions: readonly PyDict[]): string {
  const count = (pred: (d: string) => boolean): number =>
    decisions.filter((d) => pred(field(d, 'decision'))).length;
  const lines = [
    '# CAVRA PR Attestation',
    '',
    EVIDENCE_TAGLINE,
    '',
    `Session: \`${sessionId}\``,
    '',
    '## Summary',
    '',
    `- Allowed actions: ${count((d) => d.startsWith('allow'))}`,
    `- Blocked actions: ${count((d) => d === 'block')}`,
    `- Approval-required actions: ${count((d) => d === 'require_approval')}`,
    '',
    '## Decisions',
    '',
    ...decisions.map(
      (d) =>
        `- \`${field(d, 'action_type')}\` \`${field(d, 'target')}\` -> **${field(d, 'decision')}** via \`${field(d, 'rule_id')}\``,
    ),
    '',
    '## Reviewer Guidance',
    '',
    'Review blocked and approval-required actions before merge. Attach this attestation to AI-assisted pull requests in regulated repositories.',
  ];
  return `${lines.join('\n')}\n`;
}

export function renderComplianceMapping(sessionId: string): string {
  const lines = [
    '# CAVRA Compliance Mapping',
    '',
    `Session: \`${sessionId}\``,
    '',
    '| Control objective | CAVRA evidence |',
    '| --- | --- |',
    '| Secret exposure prevention | File read decisions and blocked sensitive path rules |',
    '| Change control | Approval-required decisions and approver groups |',
    '| Least privilege | IAM, cloud, Kubernetes, and MCP control decisions |',
    '| Audit logging | Manifest, checksums, timestamps, rule IDs, and correlation IDs |',
    '| Human oversight | `require_approval` decisions and PR attestation |',
  ];
  return `${lines.join('\n')}\n`;
}

const dict = (entries: Array<[string, PyValue]>): PyDict => new Map<PyValue, PyValue>(entries);
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/**
 * `create_evidence_bundle`: writes the six content files and the manifest, in Python's order and
 * with Python's clock readings (`created_at` once, the SIEM `timestamp` separately). Failures are
 * Python's and leave the files already written: `retention_days` below 1 after five files, both
 * signing keys after six.
 */
export function createEvidenceBundle(decisions: readonly PyDict[], options: EvidenceBundleOptions): void {
  const createdMicros = options.clock();
  const createdAt = pythonUtcIsoformat(createdMicros);
  const { sessionId } = options;
  const written: Array<{ path: string; bytes: Uint8Array }> = [];
  const emit = (path: string, bytes: Uint8Array): void => {
    options.write(path, bytes);
    written.push({ path, bytes });
  };
  const blocked = decisions.filter((d) => field(d, 'decision') === 'block').length;
  const approval = decisions.filter((d) => field(d, 'decision') === 'require_approval').length;

  emit(
    'evidence.json',
    utf8(
      pythonJsonFileText(
        dict([
          ['created_at', createdAt],
          ['decisions', [...decisions]],
          ['product', 'CAVRA'],
          ['session_id', sessionId],
          ['tagline', EVIDENCE_TAGLINE],
        ]),
      ),
    ),
  );
  emit('pr-attestation.md', utf8(renderPrAttestation(sessionId, decisions)));
  emit('compliance-mapping.md', utf8(renderComplianceMapping(sessionId)));
  // Python's max() over the severity strings: lexicographic, so "medium" beats "critical".
  const severities = decisions.map((d) => field(d, 'severity')).sort(compareCodePoints);
  emit(
    'siem-event.json',
    utf8(
      pythonJsonFileText(
        dict([
          ['approval_required_count', BigInt(approval)],
          ['blocked_count', BigInt(blocked)],
          ['decision_count', BigInt(decisions.length)],
          ['decisions', [...decisions]],
          ['event_type', 'cavra.evidence_bundle'],
          ['max_severity', severities.at(-1) ?? null],
          ['product', 'CAVRA'],
          ['session_id', sessionId],
          ['timestamp', pythonUtcIsoformat(options.clock())],
        ]),
      ),
    ),
  );
  emit(
    'sandbox-run-summary.json',
    utf8(
      pythonJsonFileText(
        dict([
          ['approval_required', BigInt(approval)],
          ['blocked', BigInt(blocked)],
          ['created_at', createdAt],
          ['events', BigInt(decisions.length)],
          ['session_id', sessionId],
        ]),
      ),
    ),
  );
  if (options.retentionDays < 1n) throw new PyValueError('retention_days must be greater than zero');
  const retainMicros = BigInt(createdMicros) + options.retentionDays * 86_400_000_000n;
  if (retainMicros > MAX_PYTHON_DATETIME_MICROS) {
    throw pythonCrash(
      'OverflowError: date value out of range',
      'retention_days puts retain_until past the year 9999',
    );
  }
  const retainUntil = pythonUtcIsoformatExact(retainMicros);
  emit(
    'retention-policy.json',
    utf8(
      pythonJsonFileText(
        dict([
          ['classification', options.classification],
          ['created_at', createdAt],
          ['delete_protection', true],
          ['disposition', options.legalHold ? 'retain' : 'eligible_for_review_after_retain_until'],
          ['legal_hold', options.legalHold],
          ['product', 'CAVRA'],
          ['retain_until', retainUntil],
          ['retention_days', options.retentionDays],
          ['schema_version', RETENTION_SCHEMA],
          ['session_id', sessionId],
        ]),
      ),
    ),
  );
  const manifest = buildEvidenceManifest(written, { ...options.signing(), createdAt });
  options.write('manifest.json', utf8(pythonJsonFileText(manifest)));
}
