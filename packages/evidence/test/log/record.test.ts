import { createHash, createHmac, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  evidenceLogRef,
  generateSigningKeyPair,
  keyFingerprint,
  parseRecordLine,
  recordHash,
  recordLine,
  signRecordHash,
  signatureProblem,
  type EvidenceRecord,
  type EvidenceRecordBody,
} from '../../src/index.js';

// The worked example of docs/evidence-log.md.
const exampleBody: EvidenceRecordBody = {
  kind: 'decision',
  sequence: 1,
  time: '2026-01-01T00:00:00+00:00',
  request: { action_type: 'read_file', target: './.env' },
  decision: { decision: 'block', rule_id: 'r1' },
  previous_hash: GENESIS_HASH,
};
const exampleCanonical =
  '{"decision":{"decision":"block","rule_id":"r1"},"kind":"decision","previous_hash":"0000000000000000000000000000000000000000000000000000000000000000",' +
  '"request":{"action_type":"read_file","target":"./.env"},"sequence":1,"time":"2026-01-01T00:00:00+00:00"}';
const exampleHash = 'fce75bbebfbf6506212bfd2a146b3c569bb2a232c617951e62ac40f4c4c8f5ff';

const line = (record: EvidenceRecord): Buffer => Buffer.from(recordLine(record), 'utf8');

describe('record hash and line', () => {
  it('hashes the canonical JSON of the record without record_hash and signature (worked example)', () => {
    expect(createHash('sha256').update(exampleCanonical).digest('hex')).toBe(exampleHash);
    expect(recordHash(exampleBody)).toBe(exampleHash);
    const record: EvidenceRecord = { ...exampleBody, record_hash: exampleHash };
    expect(recordLine(record)).toBe(
      exampleCanonical.replace(',"request"', `,"record_hash":"${exampleHash}","request"`),
    );
    expect(evidenceLogRef(1, exampleHash)).toBe(`evidence-log:1:${exampleHash}`);
    expect(parseRecordLine(line(record))).toEqual({ record });
  });

  it('reports why a line is not an intact record', () => {
    const record: EvidenceRecord = { ...exampleBody, record_hash: exampleHash };
    const text = recordLine(record);
    const codeOf = (bytes: string | Buffer): string | undefined => {
      const parsed = parseRecordLine(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      return 'problem' in parsed ? parsed.problem.code : undefined;
    };
    expect(codeOf(text.slice(0, -1))).toBe('not_json');
    expect(codeOf(` ${text}`)).toBe('not_canonical');
    expect(codeOf(text.replace('"r1"', '"r2"'))).toBe('hash_mismatch');
    expect(codeOf(text.replace('"kind":"decision"', '"kind":"other"'))).toBe('bad_shape');
    expect(codeOf(text.replace(`"record_hash":"${exampleHash}",`, ''))).toBe('bad_shape');
    expect(codeOf(text.replace('"sequence":1', '"sequence":0'))).toBe('bad_shape');
    expect(codeOf('[]')).toBe('bad_shape');
    // A bad UTF-8 byte decodes to U+FFFD; the bytes still differ from the canonical form.
    const withReplacement = Buffer.from(
      recordLine({
        ...exampleBody,
        request: { t: '\ufffd' },
        record_hash: recordHash({ ...exampleBody, request: { t: '\ufffd' } }),
      }),
    );
    expect(codeOf(withReplacement)).toBeUndefined();
    const index = withReplacement.indexOf(Buffer.from('\ufffd'));
    const corrupted = Buffer.concat([
      withReplacement.subarray(0, index),
      Buffer.from([0xff]),
      withReplacement.subarray(index + 3),
    ]);
    expect(codeOf(corrupted)).toBe('not_canonical');
  });
});

describe('record signatures', () => {
  const { privateKey, publicKey } = generateSigningKeyPair();
  const other = generateSigningKeyPair();
  const secret = Buffer.from('0123456789abcdef0123456789abcdef');

  it('Ed25519 signs the UTF-8 bytes of the hex record hash', () => {
    const signature = signRecordHash(exampleHash, { algorithm: 'Ed25519', privateKey });
    expect(signature.algorithm).toBe('Ed25519');
    if (signature.algorithm !== 'Ed25519') return;
    expect(signature.key_id).toBe(keyFingerprint(publicKey).keyId);
    expect(verify(null, Buffer.from(exampleHash), publicKey, Buffer.from(signature.value, 'base64'))).toBe(
      true,
    );
    const record: EvidenceRecord = { ...exampleBody, record_hash: exampleHash, signature };
    expect(signatureProblem(record, { algorithm: 'Ed25519', publicKey })).toBeUndefined();
    expect(signatureProblem(record, { algorithm: 'Ed25519', publicKey: other.publicKey })?.code).toBe(
      'bad_signature',
    );
    expect(signatureProblem(record, { algorithm: 'HMAC-SHA256', secret })?.code).toBe('bad_signature');
    expect(
      signatureProblem({ ...exampleBody, record_hash: exampleHash }, { algorithm: 'Ed25519', publicKey })
        ?.code,
    ).toBe('missing_signature');
  });

  it('HMAC-SHA256 is the hex HMAC of the hex record hash', () => {
    const signature = signRecordHash(exampleHash, { algorithm: 'HMAC-SHA256', secret });
    expect(signature).toEqual({
      algorithm: 'HMAC-SHA256',
      value: createHmac('sha256', secret).update(exampleHash).digest('hex'),
    });
    const record: EvidenceRecord = { ...exampleBody, record_hash: exampleHash, signature };
    expect(signatureProblem(record, { algorithm: 'HMAC-SHA256', secret })).toBeUndefined();
    expect(
      signatureProblem(record, {
        algorithm: 'HMAC-SHA256',
        secret: Buffer.from('another secret of 32 bytes......'),
      })?.code,
    ).toBe('bad_signature');
    // A signed record still parses as an intact record on its own (signatures are checked with a key).
    expect(parseRecordLine(line(record))).toEqual({ record });
  });
});
