import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CavraError, parsePyJson, type PyDict, type PyValue } from '@cavra/policy-model';
import {
  buildKeyTrustRoot,
  buildTrustRootBundle,
  canonicalPublicKeyPem,
  createEvidenceBundle,
  parseIsoInstant,
  pythonJsonFileText,
  verifyEvidenceBundle,
  type EvidenceVerifyOptions,
} from '../../src/index.js';
import { memoryReader, recorded } from './recording.js';

// Another clock and other keys than the recording's, as the held-out cases use.
const clock = (): number => parseIsoInstant('2031-02-03T04:05:06.000007+00:00') as number;
const signerKey = generateKeyPairSync('ed25519').privateKey;
const rotatedKey = generateKeyPairSync('ed25519').privateKey;
const strangerKey = generateKeyPairSync('ed25519').privateKey;

const sampleDecisions: PyDict[] = [
  new Map<PyValue, PyValue>([
    ['action_type', 'read_file'],
    ['target', '.env'],
    ['decision', 'block'],
    ['rule_id', 'filesystem.read.block'],
    ['severity', 'high'],
  ]),
  new Map<PyValue, PyValue>([
    ['action_type', 'execute_command'],
    ['target', 'ls'],
    ['decision', 'allow'],
    ['rule_id', 'commands.allow'],
    ['severity', 'low'],
  ]),
];

let files: Map<string, Uint8Array>;
const text = (path: string): string => Buffer.from(files.get(path) as Uint8Array).toString('utf8');
const manifest = (): PyDict => parsePyJson(text('ev/manifest.json')) as PyDict;
const writeManifest = (m: PyDict): void => {
  files.set('ev/manifest.json', Buffer.from(pythonJsonFileText(m)));
};
const signature = (m: PyDict): PyDict => m.get('signature') as PyDict;

function makeBundle(key: KeyObject | undefined, keyId: string | undefined, hmacKey?: string): void {
  createEvidenceBundle(sampleDecisions, {
    sessionId: 'held-out',
    retentionDays: 400n,
    classification: 'audit',
    legalHold: false,
    clock,
    signing: () => ({ signer: 'ops', privateKey: key, keyId, hmacKey }),
    write: (name, bytes) => files.set(`ev/${name}`, bytes),
  });
}

function root(key: KeyObject, keyId: string, status: string): Uint8Array {
  return Buffer.from(
    pythonJsonFileText(buildKeyTrustRoot(Buffer.from(canonicalPublicKeyPem(key)), { keyId, status, clock })),
  );
}

const verify = (options: EvidenceVerifyOptions = {}) =>
  verifyEvidenceBundle(memoryReader(files), 'ev', options);

beforeEach(() => {
  files = new Map();
  files.set('roots/signer.json', root(signerKey, 'ops-2031', 'active'));
  files.set('roots/rotated.json', root(rotatedKey, 'ops-2032', 'active'));
  files.set('roots/signer-retired.json', root(signerKey, 'ops-2031', 'retired'));
  files.set('keys/signer.pem', Buffer.from(canonicalPublicKeyPem(signerKey)));
  const read = (path: string): Uint8Array => files.get(path) as Uint8Array;
  files.set(
    'roots/bundle.json',
    Buffer.from(
      pythonJsonFileText(buildTrustRootBundle(read, ['roots/rotated.json', 'roots/signer.json'], clock)),
    ),
  );
  files.set(
    'roots/bundle-retired.json',
    Buffer.from(
      pythonJsonFileText(
        buildTrustRootBundle(read, ['roots/rotated.json', 'roots/signer-retired.json'], clock),
      ),
    ),
  );
  makeBundle(signerKey, 'ops-2031');
});

describe('verifyEvidenceBundle, on bundles made here with fresh keys and another clock', () => {
  it('verifies with a single root, a bundle (selected by the signature), and the public key', () => {
    expect(verify({ trustRoot: 'roots/signer.json' })).toEqual({ ok: true, errors: [] });
    expect(verify({ trustRoot: 'roots/bundle.json' })).toEqual({ ok: true, errors: [] });
    expect(verify({ trustRoot: 'roots/bundle.json', keyId: 'ops-2031' })).toEqual({ ok: true, errors: [] });
    expect(verify({ publicKey: 'keys/signer.pem', keyId: 'ops-2031' })).toEqual({ ok: true, errors: [] });
  });

  it('writes the clock into every timestamp, and retain_until = created_at + retention days', () => {
    const retention = parsePyJson(text('ev/retention-policy.json')) as PyDict;
    expect(retention.get('created_at')).toBe('2031-02-03T04:05:06.000007+00:00');
    expect(retention.get('retain_until')).toBe('2032-03-09T04:05:06.000007+00:00');
    expect((parsePyJson(text('ev/siem-event.json')) as PyDict).get('timestamp')).toBe(
      '2031-02-03T04:05:06.000007+00:00',
    );
  });

  it('refuses a retired root, a wrong key id, and a signer missing from the bundle', () => {
    expect(verify({ trustRoot: 'roots/signer-retired.json' }).errors).toEqual(['trust root is not active']);
    expect(verify({ trustRoot: 'roots/bundle-retired.json' }).errors).toEqual(['trust root is not active']);
    expect(verify({ trustRoot: 'roots/signer.json', keyId: 'ops-2032' }).errors).toEqual([
      'manifest key ID mismatch',
    ]);
    expect(verify({ trustRoot: 'roots/bundle.json', keyId: 'ops-2032' }).errors).toEqual([
      'matching trust root not found',
    ]);
    makeBundle(strangerKey, 'ops-2031');
    expect(verify({ trustRoot: 'roots/bundle.json' }).errors).toEqual(['matching trust root not found']);
    expect(verify({ trustRoot: 'roots/signer.json' }).errors).toEqual([
      'manifest public key fingerprint mismatch',
    ]);
  });

  it('reports the file checks, then the signature, then retention', () => {
    files.set('ev/pr-attestation.md', Buffer.from('edited\n'));
    files.delete('ev/sandbox-run-summary.json');
    expect(verify({ trustRoot: 'roots/signer-retired.json', minimumRetentionDays: 401n }).errors).toEqual([
      'checksum mismatch: pr-attestation.md',
      'missing file: sandbox-run-summary.json',
      'trust root is not active',
      'retention policy below minimum',
    ]);
  });

  it('catches any edit of a signed value, including the order of files', () => {
    const m = manifest();
    (m.get('files') as PyValue[]).reverse();
    writeManifest(m);
    expect(verify({ trustRoot: 'roots/signer.json' }).errors).toEqual(['manifest signature mismatch']);
  });

  it("judges the signature value with Python's lenient base64", () => {
    const m = manifest();
    const value = signature(m).get('value') as string;
    signature(m).set('value', `${value.slice(0, 20)}\t${value.slice(20)}###`);
    writeManifest(m);
    expect(verify({ trustRoot: 'roots/signer.json' }).ok).toBe(true);
    signature(m).set('value', value.replace(/=+$/, ''));
    writeManifest(m);
    expect(verify({ trustRoot: 'roots/signer.json' }).errors).toEqual(['Incorrect padding']);
    signature(m).set('value', Buffer.alloc(63).toString('base64'));
    writeManifest(m);
    expect(verify({ trustRoot: 'roots/signer.json' }).errors).toEqual(['manifest signature mismatch']);
  });

  it('HMAC and digest manifests: --key checks the HMAC; no option checks the SHA-256 digest', () => {
    makeBundle(undefined, undefined, 'held-out-secret');
    expect(verify({ key: 'held-out-secret' }).ok).toBe(true);
    expect(verify({ key: 'other' }).errors).toEqual(['manifest signature mismatch']);
    makeBundle(undefined, undefined);
    expect(verify().ok).toBe(true);
    const m = manifest();
    m.set('signer', 'someone-else');
    writeManifest(m);
    expect(verify().errors).toEqual(['manifest digest mismatch']);
  });

  it("gives cryptography's message for a private key in the public-key slot", () => {
    files.set('keys/private.pem', Buffer.from(signerKey.export({ format: 'pem', type: 'pkcs8' })));
    const m = manifest();
    writeManifest(m);
    const r = parsePyJson(text('roots/signer.json')) as PyDict;
    r.set('public_key_pem', Buffer.from(files.get('keys/private.pem') as Uint8Array).toString('utf8'));
    files.set('roots/private-pem.json', Buffer.from(pythonJsonFileText(r)));
    expect(verify({ trustRoot: 'roots/private-pem.json' }).errors).toEqual([
      'Valid PEM but no BEGIN PUBLIC KEY/END PUBLIC KEY delimiters. Are you sure this is a public key?',
    ]);
  });

  const crash = (options: EvidenceVerifyOptions = {}): CavraError => {
    try {
      verify(options);
    } catch (error) {
      expect(error).toBeInstanceOf(CavraError);
      return error as CavraError;
    }
    throw new Error('expected a crash-equivalent error');
  };

  it('fails closed (a typed error, exit 1) where Python crashes', () => {
    files.set(
      'ev/manifest.json',
      Buffer.concat([Buffer.from('\ufeff'), files.get('ev/manifest.json') as Uint8Array]),
    );
    expect(crash({ trustRoot: 'roots/signer.json' }).python).toBe(
      'json.decoder.JSONDecodeError: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
    );
    makeBundle(signerKey, 'ops-2031');
    const m = manifest();
    m.set('signature', null);
    writeManifest(m);
    expect(crash({ trustRoot: 'roots/signer.json' }).python).toBe(
      "AttributeError: 'NoneType' object has no attribute 'get'",
    );
    expect(crash({ trustRoot: 'roots/missing.json' }).python).toBe(
      "FileNotFoundError: [Errno 2] No such file or directory: 'roots/missing.json'",
    );
    makeBundle(signerKey, 'ops-2031');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const r = parsePyJson(text('roots/signer.json')) as PyDict;
    r.set('public_key_pem', ec.export({ format: 'pem', type: 'spki' }).toString());
    files.set('roots/ec.json', Buffer.from(pythonJsonFileText(r)));
    expect(crash({ trustRoot: 'roots/ec.json' }).python).toBe(
      "TypeError: EllipticCurvePublicKey.verify() missing 1 required positional argument: 'signature_algorithm'",
    );
  });

  it('reads a Python-signed recorded bundle unchanged (interchangeable both ways)', () => {
    const names = [
      'evidence.json',
      'pr-attestation.md',
      'compliance-mapping.md',
      'siem-event.json',
      'sandbox-run-summary.json',
      'retention-policy.json',
      'manifest.json',
    ];
    const recordedFiles = new Map<string, Uint8Array>(
      names.map((n) => [`py/${n}`, recorded(`evidence/signed-b/${n}`)]),
    );
    recordedFiles.set('bundle.json', recorded('bundles/main.json'));
    expect(verifyEvidenceBundle(memoryReader(recordedFiles), 'py', { trustRoot: 'bundle.json' })).toEqual({
      ok: true,
      errors: [],
    });
  });
});
