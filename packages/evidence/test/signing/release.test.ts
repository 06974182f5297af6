import { describe, expect, it } from 'vitest';
import {
  RELEASE_FILES,
  formatChecksums,
  generateSigningKeyPair,
  parseChecksums,
  serializeSignature,
  sha256Hex,
  signDetached,
  signReleaseFiles,
  verifyReleaseFiles,
  type ReleaseProblemCode,
} from '../../src/index.js';

const { privateKey, publicKey } = generateSigningKeyPair();
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** A minimal, consistent release: two artifacts, an SBOM and evidence naming them, signed. */
const buildRelease = (
  artifacts: Record<string, string> = {
    'cavra-runtime.mjs': 'console.log(1)\n',
    'cavra-cli-0.1.0.tgz': 'tgz',
  },
) => {
  const files = new Map<string, Uint8Array>(
    Object.entries(artifacts).map(([name, text]) => [name, utf8(text)]),
  );
  const claims = [...files].map(([name, bytes]) => ({ name, sha256: sha256Hex(bytes) }));
  const sbom = {
    spdxVersion: 'SPDX-2.3',
    packages: [
      ...claims.map((c) => ({
        SPDXID: `SPDXRef-${c.name}`,
        packageFileName: c.name,
        checksums: [{ algorithm: 'SHA256', checksumValue: c.sha256 }],
      })),
      { SPDXID: 'SPDXRef-npm-zod', name: 'zod', versionInfo: '4.6.7' },
    ],
  };
  files.set(RELEASE_FILES.sbom, utf8(JSON.stringify(sbom)));
  files.set(
    RELEASE_FILES.evidence,
    utf8(JSON.stringify({ artifacts: claims.map((c) => ({ ...c, size: 1 })) })),
  );
  for (const [name, bytes] of signReleaseFiles(files, privateKey)) files.set(name, bytes);
  return files;
};

const codes = (files: ReadonlyMap<string, Uint8Array>, key = publicKey): ReleaseProblemCode[] =>
  verifyReleaseFiles(files, key).problems.map((p) => p.code);

/** Re-signs one file after changing it, so a check other than its signature has to catch the change. */
const resign = (files: Map<string, Uint8Array>, name: string): void => {
  files.set(
    `${name}.sig.json`,
    utf8(serializeSignature(signDetached(files.get(name) ?? new Uint8Array(), privateKey, name))),
  );
};
const recomputeChecksums = (files: Map<string, Uint8Array>): void => {
  const listed = parseChecksums(Buffer.from(files.get(RELEASE_FILES.checksums) ?? []).toString('utf8')).map(
    (e) => e.name,
  );
  const present = listed.filter((name) => files.has(name));
  files.set(
    RELEASE_FILES.checksums,
    utf8(
      formatChecksums(
        present.map((name) => ({ name, sha256: sha256Hex(files.get(name) ?? new Uint8Array()) })),
      ),
    ),
  );
  resign(files, RELEASE_FILES.checksums);
};

describe('signReleaseFiles', () => {
  it('writes sha256sum-format checksums over artifacts and documents, one signature per file, and the public key', () => {
    const files = buildRelease();
    const checksums = Buffer.from(files.get('checksums.txt') ?? []).toString('utf8');
    expect(
      checksums
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('  ')[1]),
    ).toEqual(['cavra-cli-0.1.0.tgz', 'cavra-runtime.mjs', 'release-evidence.json', 'sbom.spdx.json']);
    expect(checksums).toMatch(/^[0-9a-f]{64} {2}cavra-cli-0\.1\.0\.tgz\n/);
    expect([...files.keys()].filter((n) => n.endsWith('.sig.json')).sort()).toEqual([
      'cavra-cli-0.1.0.tgz.sig.json',
      'cavra-runtime.mjs.sig.json',
      'checksums.txt.sig.json',
      'release-evidence.json.sig.json',
      'sbom.spdx.json.sig.json',
    ]);
    expect(files.has('signing-key.pub.pem')).toBe(true);
  });

  it('refuses unsafe names and a release without its documents', () => {
    expect(() => signReleaseFiles(new Map([['../x', utf8('x')]]), privateKey)).toThrow(
      /cannot be a release input/,
    );
    expect(() => signReleaseFiles(new Map([['a.tgz', utf8('x')]]), privateKey)).toThrow(
      /sbom\.spdx\.json is required/,
    );
  });
});

describe('verifyReleaseFiles', () => {
  it('accepts an untouched release', () => {
    const report = verifyReleaseFiles(buildRelease(), publicKey);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.artifacts).toEqual(['cavra-cli-0.1.0.tgz', 'cavra-runtime.mjs']);
    expect(report.verifiedSignatures).toHaveLength(5);
  });

  it('catches a flipped byte in an artifact', () => {
    const files = buildRelease();
    const bytes = Buffer.from(files.get('cavra-runtime.mjs') ?? []);
    bytes[0] = (bytes[0] ?? 0) ^ 0x20;
    files.set('cavra-runtime.mjs', bytes);
    const report = verifyReleaseFiles(files, publicKey);
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.file === 'cavra-runtime.mjs').map((p) => p.code)).toEqual(
      expect.arrayContaining(['checksum_mismatch', 'signature_digest_mismatch']),
    );
    expect(report.problems.map((p) => p.code)).toContain('sbom_artifacts_mismatch');
  });

  it('catches a flipped byte in each metadata file', () => {
    for (const name of [RELEASE_FILES.sbom, RELEASE_FILES.evidence, RELEASE_FILES.checksums]) {
      const files = buildRelease();
      const bytes = Buffer.from(files.get(name) ?? []);
      bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0x01;
      files.set(name, bytes);
      const report = verifyReleaseFiles(files, publicKey);
      expect(report.ok, name).toBe(false);
      expect(report.problems.some((p) => p.file === name)).toBe(true);
    }
  });

  it('catches an altered signature', () => {
    const files = buildRelease();
    const sig = JSON.parse(Buffer.from(files.get('cavra-cli-0.1.0.tgz.sig.json') ?? []).toString('utf8')) as {
      signature: string;
    };
    const raw = Buffer.from(sig.signature, 'base64');
    raw[0] = (raw[0] ?? 0) ^ 0xff;
    files.set(
      'cavra-cli-0.1.0.tgz.sig.json',
      utf8(JSON.stringify({ ...sig, signature: raw.toString('base64') })),
    );
    expect(codes(files)).toEqual(['signature_bad']);
  });

  it('catches a signature document that is no longer valid JSON', () => {
    const files = buildRelease();
    files.set('cavra-runtime.mjs.sig.json', utf8('{"schema_version": 1'));
    expect(codes(files)).toEqual(['signature_invalid']);
  });

  it('catches a missing signature for an artifact and for each metadata file', () => {
    for (const name of [
      'cavra-runtime.mjs',
      RELEASE_FILES.checksums,
      RELEASE_FILES.sbom,
      RELEASE_FILES.evidence,
    ]) {
      const files = buildRelease();
      files.delete(`${name}.sig.json`);
      const report = verifyReleaseFiles(files, publicKey);
      expect(report.problems, name).toEqual([
        {
          file: name,
          code: 'signature_missing',
          message: `${name} has no signature (${name}.sig.json is missing)`,
        },
      ]);
    }
  });

  it('catches a wrong key on every signed file and on the shipped public key', () => {
    const other = generateSigningKeyPair().publicKey;
    const report = verifyReleaseFiles(buildRelease(), other);
    expect(report.problems.filter((p) => p.code === 'signature_wrong_key')).toHaveLength(5);
    expect(report.problems.map((p) => p.code)).toContain('public_key_mismatch');
  });

  it('catches an edited checksums.txt', () => {
    const files = buildRelease();
    const text = Buffer.from(files.get('checksums.txt') ?? []).toString('utf8');
    files.set('checksums.txt', utf8(text.replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0'))));
    expect(codes(files)).toEqual(expect.arrayContaining(['checksum_mismatch', 'signature_digest_mismatch']));
  });

  it('catches a checksums.txt edited to hide an artifact even if the attacker re-signs other files', () => {
    const files = buildRelease();
    const text = Buffer.from(files.get('checksums.txt') ?? []).toString('utf8');
    files.set(
      'checksums.txt',
      utf8(
        text
          .split('\n')
          .filter((line) => !line.includes('cavra-cli'))
          .join('\n'),
      ),
    );
    expect(codes(files)).toEqual(expect.arrayContaining(['unlisted_file', 'signature_digest_mismatch']));
  });

  it('catches a malformed or path-traversing checksums.txt', () => {
    const files = buildRelease();
    files.set('checksums.txt', utf8(`${'a'.repeat(64)}  ../../etc/passwd\nnot a line\n`));
    expect(codes(files)).toContain('checksums_invalid');
  });

  it('catches an extra artifact', () => {
    const files = buildRelease();
    files.set('evil.mjs', utf8('payload'));
    const report = verifyReleaseFiles(files, publicKey);
    expect(report.problems.map((p) => [p.file, p.code])).toEqual([
      ['evil.mjs', 'unlisted_file'],
      ['evil.mjs', 'signature_missing'],
      ['sbom.spdx.json', 'sbom_artifacts_mismatch'],
      ['release-evidence.json', 'evidence_artifacts_mismatch'],
    ]);
    expect(report.problems[2]?.message).toBe('sbom.spdx.json does not name artifact(s) present: evil.mjs');
  });

  it('catches an extra artifact that carries a signature from another key', () => {
    const files = buildRelease();
    files.set('evil.mjs', utf8('payload'));
    files.set(
      'evil.mjs.sig.json',
      utf8(
        serializeSignature(signDetached(utf8('payload'), generateSigningKeyPair().privateKey, 'evil.mjs')),
      ),
    );
    expect(codes(files)).toEqual([
      'unlisted_file',
      'signature_wrong_key',
      'sbom_artifacts_mismatch',
      'evidence_artifacts_mismatch',
    ]);
  });

  it('catches a missing artifact', () => {
    const files = buildRelease();
    files.delete('cavra-cli-0.1.0.tgz');
    const report = verifyReleaseFiles(files, publicKey);
    expect(report.problems.map((p) => [p.file, p.code])).toEqual([
      ['cavra-cli-0.1.0.tgz', 'file_missing'],
      ['cavra-cli-0.1.0.tgz.sig.json', 'orphan_signature'],
      ['sbom.spdx.json', 'sbom_artifacts_mismatch'],
      ['release-evidence.json', 'evidence_artifacts_mismatch'],
    ]);
  });

  it('catches a missing artifact with its signature and checksum line removed (the SBOM and evidence still name it)', () => {
    const files = buildRelease();
    files.delete('cavra-cli-0.1.0.tgz');
    files.delete('cavra-cli-0.1.0.tgz.sig.json');
    recomputeChecksums(files);
    const report = verifyReleaseFiles(files, publicKey);
    // The attacker could not re-sign checksums.txt with the real key in practice; here we did, so only the documents catch it.
    expect(report.problems.map((p) => p.code)).toEqual([
      'sbom_artifacts_mismatch',
      'evidence_artifacts_mismatch',
    ]);
    expect(report.problems[0]?.message).toContain('names artifact(s) not present: cavra-cli-0.1.0.tgz');
  });

  it('catches an SBOM whose checksum disagrees with the artifact even when the SBOM is re-signed', () => {
    const files = buildRelease();
    const sbom = JSON.parse(Buffer.from(files.get(RELEASE_FILES.sbom) ?? []).toString('utf8')) as {
      packages: { checksums?: { checksumValue: string }[] }[];
    };
    const first = sbom.packages[0]?.checksums?.[0];
    if (first) first.checksumValue = '0'.repeat(64);
    files.set(RELEASE_FILES.sbom, utf8(JSON.stringify(sbom)));
    resign(files, RELEASE_FILES.sbom);
    recomputeChecksums(files);
    expect(codes(files)).toEqual(['sbom_artifacts_mismatch']);
  });

  it('catches a missing or invalid SBOM and evidence', () => {
    const files = buildRelease();
    files.delete(RELEASE_FILES.sbom);
    files.delete(`${RELEASE_FILES.sbom}.sig.json`);
    files.set(RELEASE_FILES.evidence, utf8('[]'));
    resign(files, RELEASE_FILES.evidence);
    recomputeChecksums(files);
    expect(codes(files)).toEqual(['metadata_missing', 'evidence_invalid']);
  });

  it('catches a missing checksums.txt', () => {
    const files = buildRelease();
    files.delete(RELEASE_FILES.checksums);
    expect(codes(files)).toEqual(['checksums_missing', 'orphan_signature']);
  });
});

describe('parseChecksums', () => {
  it('reads both sha256sum separators and rejects duplicates', () => {
    const hex = 'A'.repeat(64);
    expect(parseChecksums(`${hex}  a.tgz\n${'b'.repeat(64)} *b.tgz\n`)).toEqual([
      { name: 'a.tgz', sha256: 'a'.repeat(64) },
      { name: 'b.tgz', sha256: 'b'.repeat(64) },
    ]);
    expect(() => parseChecksums(`${hex}  a.tgz\n${hex}  a.tgz\n`)).toThrow(/listed twice/);
    expect(() => parseChecksums('')).toThrow(/no entries/);
    expect(() => parseChecksums(`${hex}  .hidden\n`)).toThrow(/unsafe file name/);
  });
});

describe('verifyReleaseFiles: signatures that do not belong', () => {
  it.each(['cavra-runtime.mjs.sig.json.sig.json', 'signing-key.pub.pem.sig.json'])(
    'refuses an extra %s even though the file it names exists',
    (extra) => {
      const files = buildRelease();
      files.set(extra, files.get('cavra-runtime.mjs.sig.json') as Uint8Array);
      expect(codes(files)).toEqual(['unexpected_signature']);
    },
  );

  it('refuses a signature whose key_id was edited', () => {
    const files = buildRelease();
    const doc = JSON.parse(
      Buffer.from(files.get('checksums.txt.sig.json') as Uint8Array).toString(),
    ) as Record<string, unknown>;
    doc.key_id = 'someone-else';
    files.set('checksums.txt.sig.json', Buffer.from(JSON.stringify(doc)));
    expect(codes(files)).toEqual(['signature_key_id_mismatch']);
  });
});
