import {
  compareCodePoints,
  isPyDict,
  pyEquals,
  pyStr,
  pyTruthy,
  pyTypeName,
  type PyDict,
  type PyValue,
} from '@cavra/policy-model';
import { sha256Hex } from '../signing/ed25519.js';
import { pythonUtcIsoformat, type MicrosecondClock } from '../timestamp.js';
import {
  PyValueError,
  attributeCrash,
  decodePythonText,
  pythonCrash,
  pythonJsonFileText,
  readPythonJson,
  type ReadBytes,
} from './python-compat.js';

export const TRUST_ROOT_SCHEMA = 'cavra.evidence.trust-root.v1';
export const TRUST_ROOT_BUNDLE_SCHEMA = 'cavra.evidence.trust-root-bundle.v1';
export const TRUST_ROOT_DISTRIBUTION_SCHEMA = 'cavra.evidence.trust-root-distribution.v1';
export const PRODUCT = 'CAVRA';
/** The only algorithm label a trust root may carry in a bundle (the key type itself is not checked, as in Python). */
export const TRUST_ROOT_ALGORITHM = 'Ed25519';

export interface TrustRootOptions {
  /** Explicit key id; absent or `""` means the first 16 hex digits of the fingerprint. */
  keyId?: string | undefined;
  owner?: string | undefined;
  /** Written verbatim (not validated), as Python does. */
  status?: string | undefined;
  validFrom?: string | undefined;
  validUntil?: string | undefined;
  clock: MicrosecondClock;
}

const dict = (entries: Array<[string, PyValue]>): PyDict => new Map<PyValue, PyValue>(entries);

/**
 * `build_key_trust_root`: the fingerprint is the SHA-256 of the PEM file's raw bytes, the stored
 * PEM is the file as text after universal-newline translation (so a CRLF file gives an LF PEM
 * whose fingerprint is the CRLF bytes').
 */
export function buildKeyTrustRoot(pemFileBytes: Uint8Array, options: TrustRootOptions): PyDict {
  const fingerprint = sha256Hex(pemFileBytes);
  const pemText = decodePythonText(pemFileBytes);
  return dict([
    ['algorithm', TRUST_ROOT_ALGORITHM],
    ['key_id', options.keyId ? options.keyId : fingerprint.slice(0, 16)],
    ['owner', options.owner ?? 'platform-security'],
    ['product', PRODUCT],
    ['public_key_pem', pemText],
    ['public_key_sha256', fingerprint],
    ['schema_version', TRUST_ROOT_SCHEMA],
    ['status', options.status ?? 'active'],
    ['valid_from', options.validFrom ? options.validFrom : pythonUtcIsoformat(options.clock())],
    ['valid_until', options.validUntil ?? null],
  ]);
}

const getOf = (root: PyValue, key: string): PyValue => {
  if (!isPyDict(root)) throw attributeCrash(root, 'get');
  return root.get(key) ?? null;
};

/** Python's `sorted()` over distinct values; for the duplicate-id message, which joins them as text. */
function duplicateKeyIds(roots: readonly PyValue[]): string[] {
  const ids = roots.map((root) => getOf(root, 'key_id'));
  const duplicates: PyValue[] = [];
  for (const id of ids) {
    if (!pyTruthy(id)) continue;
    if (ids.filter((other) => pyEquals(other, id)).length < 2) continue;
    if (!duplicates.some((seen) => pyEquals(seen, id))) duplicates.push(id);
  }
  return duplicates
    .map((id) => {
      if (typeof id !== 'string') {
        throw pythonCrash(
          `TypeError: sequence item 0: expected str instance, ${pyTypeName(id)} found`,
          'duplicate trust-root key ids that are not strings',
        );
      }
      return id;
    })
    .sort(compareCodePoints);
}

/** The checks `build_trust_root_bundle` makes on each root, in argument order; the first failure wins. */
function checkBundleRoot(root: PyValue): void {
  const keyId = isPyDict(root) && root.has('key_id') ? pyStr(getOf(root, 'key_id')) : 'unknown';
  if (!pyEquals(getOf(root, 'schema_version'), TRUST_ROOT_SCHEMA)) {
    throw new PyValueError(`invalid trust-root schema for key_id=${keyId}`);
  }
  if (!pyEquals(getOf(root, 'algorithm'), TRUST_ROOT_ALGORITHM)) {
    throw new PyValueError(`unsupported trust-root algorithm for key_id=${keyId}`);
  }
  const id = getOf(root, 'key_id');
  if (!pyTruthy(id)) throw new PyValueError('trust root is missing key_id');
  if (!pyTruthy(getOf(root, 'public_key_pem')) || !pyTruthy(getOf(root, 'public_key_sha256'))) {
    throw new PyValueError(`trust root ${pyStr(id)} is missing public key material`);
  }
}

/**
 * `build_trust_root_bundle(paths)`: load every root (missing file, bad JSON: `PyValueError`-like
 * handled errors), refuse duplicate key ids over all roots, then check each root; the roots are
 * kept exactly as loaded, stably sorted by `str(key_id)` in code-point order.
 */
export function buildTrustRootBundle(
  read: ReadBytes,
  paths: readonly string[],
  clock: MicrosecondClock,
): PyDict {
  const roots = paths.map((path) => readPythonJson(read, path));
  const duplicates = duplicateKeyIds(roots);
  if (duplicates.length > 0) throw new PyValueError(`duplicate trust-root key IDs: ${duplicates.join(', ')}`);
  for (const root of roots) checkBundleRoot(root);
  const sorted = roots
    .map((root, index) => ({ root, index, key: pyStr(getOf(root, 'key_id')) }))
    .sort((a, b) => compareCodePoints(a.key, b.key) || a.index - b.index)
    .map((entry) => entry.root);
  return dict([
    ['created_at', pythonUtcIsoformat(clock())],
    ['product', PRODUCT],
    ['schema_version', TRUST_ROOT_BUNDLE_SCHEMA],
    ['trust_roots', sorted],
  ]);
}

export const DEFAULT_DISTRIBUTION_CHANNELS: readonly string[] = [
  'source-control',
  'secure-portal',
  'offline-transfer',
];

export const DISTRIBUTION_OPERATOR_STEPS: readonly string[] = [
  'Distribute only the public trust-root files in this directory; never include private signing keys.',
  'Verify checksums before importing the bundle into CI, reviewer workstations, API services, or audit tooling.',
  'Publish the updated trust-root distribution before evidence bundles are signed by a new active key.',
  'Retain retired keys for historical evidence verification and remove revoked keys only after incident response approval.',
];

export const DISTRIBUTION_FILES = {
  bundle: 'evidence-trust-roots.json',
  manifest: 'trust-root-distribution-manifest.json',
  markdown: 'trust-root-distribution.md',
  checksums: 'checksums.txt',
} as const;

export const DISTRIBUTION_VERIFICATION_COMMANDS: readonly string[] = [
  'sha256sum -c checksums.txt',
  `cavra evidence verify .cavra/evidence/latest --trust-root ${DISTRIBUTION_FILES.bundle}`,
];

export interface DistributionOptions {
  environment?: string | undefined;
  distributionId?: string | undefined;
  /** Empty or absent: the default channels. */
  channels?: readonly string[] | undefined;
  clock: MicrosecondClock;
}

const SUMMARY_KEYS = [
  'algorithm',
  'key_id',
  'owner',
  'public_key_sha256',
  'status',
  'valid_from',
  'valid_until',
];

/** `strftime("%Y%m%d%H%M%S")` of a UTC instant. */
const compactUtc = (epochMicros: number): string => {
  const d = new Date(Math.floor(epochMicros / 1_000_000) * 1000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
};

const keyIdsWithStatus = (summaries: readonly PyDict[], status: string): string[] =>
  summaries
    .filter((s) => pyEquals(s.get('status') ?? null, status) && pyTruthy(s.get('key_id')))
    .map((s) => pyStr(s.get('key_id') ?? null))
    .sort(compareCodePoints);

function renderDistributionMarkdown(manifest: {
  distributionId: string;
  environment: string;
  createdAt: string;
  bundleSha256: string;
  rootCount: number;
  activeKeyIds: readonly string[];
  channels: readonly string[];
}): string {
  const lines = [
    '# CAVRA Trust-Root Distribution',
    '',
    `Distribution ID: \`${manifest.distributionId}\``,
    `Environment: \`${manifest.environment}\``,
    `Created at: \`${manifest.createdAt}\``,
    '',
    '## Bundle',
    '',
    `- Path: \`${DISTRIBUTION_FILES.bundle}\``,
    `- SHA-256: \`${manifest.bundleSha256}\``,
    `- Trust roots: \`${manifest.rootCount}\``,
    '',
    '## Active Keys',
    '',
    ...(manifest.activeKeyIds.length > 0
      ? manifest.activeKeyIds.map((id) => `- \`${id}\``)
      : ['- No active keys in this distribution.']),
    '',
    '## Distribution Channels',
    '',
    ...manifest.channels.map((channel) => `- \`${channel}\``),
    '',
    '## Operator Steps',
    '',
    ...DISTRIBUTION_OPERATOR_STEPS.map((step) => `- ${step}`),
    '',
    '## Verification',
    '',
    ...DISTRIBUTION_VERIFICATION_COMMANDS.map((command) => `\`\`\`bash\n${command}\n\`\`\``),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `export_trust_root_distribution` without the writes: the four files, by name, in write order
 * (bundle, manifest, Markdown page, checksums). The clock is read three times, as in Python: the
 * bundle's `created_at`, the manifest's `created_at`, and the default distribution id.
 */
export function buildTrustRootDistribution(
  read: ReadBytes,
  paths: readonly string[],
  options: DistributionOptions,
): Map<string, Uint8Array> {
  if (paths.length === 0) throw new PyValueError('at least one trust root is required');
  const bundle = buildTrustRootBundle(read, paths, options.clock);
  const createdAt = pythonUtcIsoformat(options.clock());
  const distributionId = options.distributionId
    ? options.distributionId
    : `trust-roots-${compactUtc(options.clock())}`;
  const channels =
    options.channels && options.channels.length > 0
      ? [...options.channels]
      : [...DEFAULT_DISTRIBUTION_CHANNELS];
  const environment = options.environment ?? 'production';
  const roots = bundle.get('trust_roots') as PyValue[];
  const bundleText = Buffer.from(pythonJsonFileText(bundle), 'utf8');
  const bundleSha256 = sha256Hex(bundleText);
  const summaries = roots.map((root) => dict(SUMMARY_KEYS.map((key) => [key, getOf(root, key)])));
  const active = keyIdsWithStatus(summaries, 'active');
  const manifest = dict([
    [
      'bundle',
      dict([
        ['active_key_ids', active],
        ['path', DISTRIBUTION_FILES.bundle],
        ['retired_key_ids', keyIdsWithStatus(summaries, 'retired')],
        ['revoked_key_ids', keyIdsWithStatus(summaries, 'revoked')],
        ['schema_version', bundle.get('schema_version') ?? null],
        ['sha256', bundleSha256],
        ['trust_root_count', BigInt(roots.length)],
      ]),
    ],
    ['channels', channels],
    ['created_at', createdAt],
    ['distribution_id', distributionId],
    ['environment', environment],
    ['keys', summaries],
    ['operator_steps', [...DISTRIBUTION_OPERATOR_STEPS]],
    ['product', PRODUCT],
    ['schema_version', TRUST_ROOT_DISTRIBUTION_SCHEMA],
    ['verification_commands', [...DISTRIBUTION_VERIFICATION_COMMANDS]],
  ]);
  const manifestText = Buffer.from(pythonJsonFileText(manifest), 'utf8');
  const markdown = Buffer.from(
    renderDistributionMarkdown({
      distributionId,
      environment,
      createdAt,
      bundleSha256,
      rootCount: roots.length,
      activeKeyIds: active,
      channels,
    }),
    'utf8',
  );
  const checksums = [
    [DISTRIBUTION_FILES.bundle, bundleText],
    [DISTRIBUTION_FILES.manifest, manifestText],
    [DISTRIBUTION_FILES.markdown, markdown],
  ] as const;
  return new Map<string, Uint8Array>([
    ...checksums,
    [
      DISTRIBUTION_FILES.checksums,
      Buffer.from(checksums.map(([name, bytes]) => `${sha256Hex(bytes)}  ${name}\n`).join(''), 'utf8'),
    ],
  ]);
}
