import { fc, test } from '@fast-check/vitest';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CavraError, parsePyJson, type PyDict } from '@cavra/policy-model';
import {
  EVIDENCE_BUNDLE_FILES,
  PyValueError,
  buildEvidenceManifest,
  buildKeyTrustRoot,
  canonicalPublicKeyPem,
  canonicalSigningInput,
  loadManifestPrivateKey,
  pythonJsonFileText,
  verifyEvidenceBundle,
} from '../../src/index.js';
import { memoryReader, recorded, recordedCommands } from './recording.js';

const option = (argv: readonly string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};

describe('evidence manifests, rebuilt from the recorded content files', () => {
  const bundleCases = recordedCommands().filter((c) => c.argv[1] === 'bundle' && c.expected.exit_code === 0);

  it('covers every recorded successful `evidence bundle` run (Ed25519, HMAC and SHA-256)', () => {
    expect(bundleCases.length).toBeGreaterThanOrEqual(10);
  });

  for (const c of bundleCases) {
    it(`${c.id}: manifest.json byte for byte`, () => {
      const dir = option(c.argv, '--output') as string;
      const recordedManifest = recorded(`${dir}/manifest.json`);
      const createdAt = (parsePyJson(recordedManifest.toString('utf8')) as PyDict).get(
        'created_at',
      ) as string;
      const privateKey = option(c.argv, '--private-key');
      const manifest = buildEvidenceManifest(
        EVIDENCE_BUNDLE_FILES.slice(0, 6).map((path) => ({ path, bytes: recorded(`${dir}/${path}`) })),
        {
          createdAt,
          signer: option(c.argv, '--signer'),
          hmacKey: option(c.argv, '--key'),
          keyId: option(c.argv, '--key-id'),
          privateKey: privateKey ? loadManifestPrivateKey(recorded(privateKey)) : undefined,
        },
      );
      expect(pythonJsonFileText(manifest)).toBe(recordedManifest.toString('utf8'));
    });
  }

  it('signs over the canonical one-line form with ASCII escapes', () => {
    const manifest = parsePyJson(
      recorded('evidence/signed-unicode-signer/manifest.json').toString('utf8'),
    ) as PyDict;
    const canonical = canonicalSigningInput(manifest).toString('utf8');
    expect(canonical).toContain('"signer": "s\\u00e9curit\\u00e9-\\ud83d\\ude00"}');
    expect(canonical).not.toContain('signature');
    expect(
      canonical.startsWith('{"created_at": "2026-05-01T12:34:56.789012+00:00", "files": [{"bytes": '),
    ).toBe(true);
  });

  it('refuses both keys at once, as Python does', () => {
    expect(() =>
      buildEvidenceManifest([], {
        createdAt: 'x',
        hmacKey: 'k',
        privateKey: loadManifestPrivateKey(recorded('keys/a-private.pem')),
      }),
    ).toThrow(new PyValueError('Use either HMAC key or private key, not both.'));
  });

  it("fails closed on an RSA private key with Python's TypeError line", () => {
    try {
      buildEvidenceManifest([], {
        createdAt: 'x',
        privateKey: loadManifestPrivateKey(recorded('keys/rsa-private.pem')),
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CavraError);
      expect((error as CavraError).python).toBe(
        "TypeError: RSAPrivateKey.sign() missing 2 required positional arguments: 'padding' and 'algorithm'",
      );
    }
  });

  const text = fc.string({
    unit: fc.constantFrom('a', 'Z', '"', '\\', '\n', '\u0000', '\u007f', '\u2028', 'é', '😀', '\uff5a', '/'),
  });
  const { privateKey } = generateKeyPairSync('ed25519');
  const root = buildKeyTrustRoot(Buffer.from(canonicalPublicKeyPem(privateKey)), {
    keyId: 'fresh',
    clock: () => 0,
  });

  test.prop([text, fc.array(fc.tuple(text, fc.uint8Array({ maxLength: 40 })), { maxLength: 4 }), text])(
    'what we sign verifies against a trust root of the key: any signer, file names, contents and timestamp text',
    (signer, entries, createdAt) => {
      const listed = entries.map(([name, bytes], i) => ({ path: `f${i}-${name}`, bytes }));
      const files = new Map<string, Uint8Array>(listed.map((file) => [`b/${file.path}`, file.bytes]));
      const manifest = buildEvidenceManifest(listed, { createdAt, signer, keyId: 'fresh', privateKey });
      const written = pythonJsonFileText(manifest);
      expect(/^[\x20-\x7e\n]*$/.test(written)).toBe(true);
      files.set('b/manifest.json', Buffer.from(written));
      files.set('root.json', Buffer.from(pythonJsonFileText(root)));
      expect(verifyEvidenceBundle(memoryReader(files), 'b', { trustRoot: 'root.json' })).toEqual({
        ok: true,
        errors: [],
      });
      // Any change to a signed value breaks the signature.
      const tampered = parsePyJson(written) as PyDict;
      tampered.set('signer', `${signer}.`);
      files.set('b/manifest.json', Buffer.from(pythonJsonFileText(tampered)));
      expect(verifyEvidenceBundle(memoryReader(files), 'b', { trustRoot: 'root.json' }).errors).toEqual([
        'manifest signature mismatch',
      ]);
    },
  );
});
