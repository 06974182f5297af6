import { fc, test } from '@fast-check/vitest';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CavraError, parsePyJson, type PyDict, type PyValue } from '@cavra/policy-model';
import {
  DISTRIBUTION_FILES,
  PyOsError,
  PyValueError,
  buildKeyTrustRoot,
  buildTrustRootBundle,
  buildTrustRootDistribution,
  fileNotFound,
  parseIsoInstant,
  pythonJsonFileText,
  sha256Hex,
} from '../../src/index.js';

const clock = (): number => parseIsoInstant('2030-12-31T23:59:59.000001+00:00') as number;
const pem = Buffer.from(
  generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString(),
);

const rootText = (
  keyId: string | undefined,
  status = 'active',
  extra: Record<string, PyValue> = {},
): Buffer => {
  const root = buildKeyTrustRoot(pem, { keyId, status, clock });
  for (const [k, v] of Object.entries(extra)) root.set(k, v);
  return Buffer.from(pythonJsonFileText(root));
};

const readerOf =
  (files: Record<string, Uint8Array>) =>
  (path: string): Uint8Array => {
    const bytes = files[path];
    if (bytes === undefined) throw fileNotFound(path);
    return bytes;
  };

describe('buildKeyTrustRoot', () => {
  it('fingerprints the raw PEM bytes and derives the default key id from them', () => {
    const root = buildKeyTrustRoot(pem, { clock });
    expect(root.get('public_key_sha256')).toBe(sha256Hex(pem));
    expect(root.get('key_id')).toBe(sha256Hex(pem).slice(0, 16));
    expect(root.get('valid_from')).toBe('2030-12-31T23:59:59.000001+00:00');
    expect(root.get('valid_until')).toBeNull();
    expect(buildKeyTrustRoot(pem, { keyId: '', clock }).get('key_id')).toBe(sha256Hex(pem).slice(0, 16));
  });

  it('stores CRLF PEM text as LF but fingerprints the CRLF bytes', () => {
    const crlf = Buffer.from(pem.toString().replace(/\n/g, '\r\n'));
    const root = buildKeyTrustRoot(crlf, { keyId: 'k', clock });
    expect(root.get('public_key_pem')).toBe(pem.toString());
    expect(root.get('public_key_sha256')).toBe(sha256Hex(crlf));
  });

  it("refuses a PEM file that is not UTF-8 with Python's UnicodeDecodeError text", () => {
    expect(() => buildKeyTrustRoot(Buffer.from([0x2d, 0xff]), { clock })).toThrow(
      new PyValueError("'utf-8' codec can't decode byte 0xff in position 1: invalid start byte"),
    );
  });
});

describe('buildTrustRootBundle', () => {
  it('refuses duplicate key ids before any other check, listing them in code-point order', () => {
    const files = {
      a: rootText('😀'),
      b: rootText('😀'),
      c: rootText('ｚ', 'active', { schema_version: 'x' }),
      d: rootText('ｚ'),
    };
    expect(() => buildTrustRootBundle(readerOf(files), ['a', 'b', 'c', 'd'], clock)).toThrow(
      new PyValueError('duplicate trust-root key IDs: ｚ, 😀'),
    );
  });

  it('reports the first failing check of the first failing root', () => {
    const files = {
      ok: rootText('ok'),
      bad: rootText('bad', 'active', { algorithm: 'RSA', public_key_pem: '' }),
    };
    expect(() => buildTrustRootBundle(readerOf(files), ['ok', 'bad'], clock)).toThrow(
      new PyValueError('unsupported trust-root algorithm for key_id=bad'),
    );
  });

  it('passes a missing file through as FileNotFoundError and a list document as a crash', () => {
    expect(() => buildTrustRootBundle(readerOf({}), ['roots/x.json'], clock)).toThrow(PyOsError);
    try {
      buildTrustRootBundle(readerOf({ l: Buffer.from('[1]\n') }), ['l'], clock);
      expect.unreachable();
    } catch (error) {
      expect((error as CavraError).python).toBe("AttributeError: 'list' object has no attribute 'get'");
    }
  });

  test.prop([
    fc.uniqueArray(
      fc.string({
        unit: fc.constantFrom('a', 'Z', '-', '_', 'é', 'Ω', 'ｚ', '😀', '\u{10000}'),
        minLength: 1,
        maxLength: 4,
      }),
      { minLength: 1, maxLength: 6 },
    ),
  ])('sorts roots by key id in code-point order (not UTF-16 order)', (ids) => {
    const files = Object.fromEntries(ids.map((id, i) => [`r${i}`, rootText(id)]));
    const bundle = buildTrustRootBundle(readerOf(files), Object.keys(files), clock);
    const got = (bundle.get('trust_roots') as PyDict[]).map((r) => r.get('key_id') as string);
    const byCodePoints = [...ids].sort((x, y) => {
      const a = [...x].map((c) => c.codePointAt(0) as number);
      const b = [...y].map((c) => c.codePointAt(0) as number);
      for (let i = 0; i < Math.min(a.length, b.length); i++)
        if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
      return a.length - b.length;
    });
    expect(got).toEqual(byCodePoints);
  });
});

describe('buildTrustRootDistribution', () => {
  it('lists active/retired/revoked ids, uses default channels for an empty list and the clock for the id', () => {
    const files = {
      a: rootText('new'),
      r: rootText('old', 'retired'),
      v: rootText('bad', 'revoked'),
      x: rootText('odd', 'Active'),
    };
    const out = buildTrustRootDistribution(readerOf(files), ['a', 'r', 'v', 'x'], { channels: [], clock });
    expect([...out.keys()]).toEqual(Object.values(DISTRIBUTION_FILES));
    const manifest = parsePyJson(
      Buffer.from(out.get(DISTRIBUTION_FILES.manifest) as Uint8Array).toString(),
    ) as PyDict;
    const bundle = manifest.get('bundle') as PyDict;
    expect(bundle.get('active_key_ids')).toEqual(['new']);
    expect(bundle.get('retired_key_ids')).toEqual(['old']);
    expect(bundle.get('revoked_key_ids')).toEqual(['bad']);
    expect(bundle.get('trust_root_count')).toBe(4n);
    expect(bundle.get('sha256')).toBe(sha256Hex(out.get(DISTRIBUTION_FILES.bundle) as Uint8Array));
    expect(manifest.get('distribution_id')).toBe('trust-roots-20301231235959');
    expect(manifest.get('channels')).toEqual(['source-control', 'secure-portal', 'offline-transfer']);
    const checksums = Buffer.from(out.get(DISTRIBUTION_FILES.checksums) as Uint8Array).toString();
    expect(checksums.split('\n')).toHaveLength(4);
    expect(checksums).toContain(
      `${sha256Hex(out.get(DISTRIBUTION_FILES.markdown) as Uint8Array)}  ${DISTRIBUTION_FILES.markdown}\n`,
    );
  });

  it('says so when no key is active', () => {
    const out = buildTrustRootDistribution(readerOf({ r: rootText('old', 'retired') }), ['r'], { clock });
    expect(Buffer.from(out.get(DISTRIBUTION_FILES.markdown) as Uint8Array).toString()).toContain(
      '## Active Keys\n\n- No active keys in this distribution.\n\n## Distribution Channels',
    );
  });

  it('needs at least one root', () => {
    expect(() => buildTrustRootDistribution(readerOf({}), [], { clock })).toThrow(
      new PyValueError('at least one trust root is required'),
    );
  });
});
