import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildKeyTrustRoot,
  canonicalSigningInput,
  loadManifestPrivateKey,
  parseIsoInstant,
  pythonJsonFileText,
  signEvidenceManifest,
} from '@cavra/evidence';
import { parsePyJson, type PyDict } from '@cavra/policy-model';
import {
  recordedBytes,
  recordedCases,
  runBin,
  runInProcess,
  scratchCopy,
  type RecordedCase,
} from './evidence/recorded-cases.js';

const cases = recordedCases();

/** Cases that only read share one copy of the recording; every other case gets its own, removed afterwards. */
const readOnly = (c: RecordedCase): boolean => c.group === 'verify' || c.argv[1] === 'x-canonical';
let sharedCopy: string | undefined;
const sharedScratch = (): string => (sharedCopy ??= scratchCopy());
afterAll(() => {
  if (sharedCopy) rmSync(sharedCopy, { recursive: true, force: true });
});

const optionOf = (argv: readonly string[], name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};

/** Cases whose files come from the decision core with Python's seeded uuids: compared on what does not depend on them. */
const isSeededBundleCase = (c: RecordedCase): boolean => c.argv[1] === 'bundle';
const isOracleExtension = (c: RecordedCase): boolean => (c.argv[1] ?? '').startsWith('x-');

/** The oracle's `x-…` library calls, made through the same library functions the commands use. */
function runOracleExtension(c: RecordedCase, dir: string): { stdout: string; files: Map<string, Buffer> } {
  const [, command, input] = c.argv;
  const files = new Map<string, Buffer>();
  const output = optionOf(c.argv, '--output');
  if (command === 'x-trust-root') {
    const fixed = c.env.CAVRA_FIXED_NOW as string;
    const root = buildKeyTrustRoot(readFileSync(join(dir, input as string)), {
      keyId: optionOf(c.argv, '--key-id'),
      validFrom: optionOf(c.argv, '--valid-from'),
      validUntil: optionOf(c.argv, '--valid-until'),
      clock: () => parseIsoInstant(fixed) as number,
    });
    files.set(output as string, Buffer.from(pythonJsonFileText(root)));
    return { stdout: `trust root exported ${output}\n`, files };
  }
  if (command === 'x-canonical') {
    const manifest = parsePyJson(readFileSync(join(dir, input as string), 'utf8')) as PyDict;
    return { stdout: canonicalSigningInput(manifest).toString('utf8'), files };
  }
  if (command === 'x-sign-manifest') {
    // The unsigned input is not part of the recording: it is the recorded manifest without its signature.
    expect(input).toBe('evidence/crafted-extra-keys/unsigned-input.json');
    const payload = parsePyJson(recordedBytes(output as string).toString('utf8')) as PyDict;
    payload.delete('signature');
    const signed = signEvidenceManifest(payload, {
      privateKey: loadManifestPrivateKey(
        readFileSync(join(dir, optionOf(c.argv, '--private-key') as string)),
      ),
      keyId: optionOf(c.argv, '--key-id'),
    });
    files.set(output as string, Buffer.from(pythonJsonFileText(signed)));
    return { stdout: `manifest signed ${output}\n`, files };
  }
  throw new Error(`unknown oracle extension ${command}`);
}

describe('every recorded `cavra evidence` case, in-process', () => {
  it('has the 127 recorded cases', () => {
    expect(cases).toHaveLength(127);
  });

  for (const c of cases) {
    it(`${c.id}: ${c.description}`, async () => {
      const dir = readOnly(c) ? sharedScratch() : scratchCopy(false);
      try {
        await checkCase(c, dir);
      } finally {
        if (dir !== sharedCopy) rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

async function checkCase(c: RecordedCase, dir: string): Promise<void> {
  {
    {
      // The command must write its outputs itself: remove the recorded copies first.
      for (const output of c.outputs ?? []) rmSync(join(dir, output), { force: true });

      if (isOracleExtension(c)) {
        const { stdout, files } = runOracleExtension(c, dir);
        expect(stdout).toBe(c.expected.stdout);
        for (const output of c.outputs ?? [])
          expect(files.get(output)?.equals(recordedBytes(output)), output).toBe(true);
        return;
      }
      if (c.id === 'eb-garbage-private-key') {
        // Not in the recording: a stand-in key file whose DER is not a key (the recorded message names a 0x00 tag).
        writeFileSync(
          join(dir, 'scratch', 'not-a-key.pem'),
          '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
        );
      }

      const result = await runInProcess(c.argv, dir, c.env);
      expect(result.code, result.stderr).toBe(c.expected.exit_code);

      if (c.verdict === 'usage-error') {
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain(c.expected.stderr_contains ?? 'Missing argument');
        return;
      }
      if (c.verdict === 'unhandled-exception') {
        // Python dies with a traceback; we answer with one JSON error line carrying Python's last line.
        expect(result.stdout).toBe('');
        const payload = JSON.parse(result.stderr) as { error: { code: string; python?: string } };
        expect(payload.error.python).toBe(c.expected.stderr_last_line);
        return;
      }
      if (c.id === 'eb-garbage-private-key') {
        // The cryptography library's detail text after "Details:" is not reproduced (library-dependent).
        const prefix = c.expected.stdout.slice(0, c.expected.stdout.indexOf('Details:'));
        expect(result.stdout.startsWith(prefix)).toBe(true);
        return;
      }
      expect(result.stdout).toBe(c.expected.stdout);
      expect(result.stderr).toBe('');

      if (isSeededBundleCase(c)) {
        for (const output of c.outputs ?? []) expect(existsSync(join(dir, output)), output).toBe(true);
        for (const output of (c.outputs ?? []).filter((o) =>
          /retention-policy\.json$|compliance-mapping\.md$/.test(o),
        )) {
          expect(readFileSync(join(dir, output)).equals(recordedBytes(output)), output).toBe(true);
        }
      } else {
        for (const output of c.outputs ?? []) {
          expect(readFileSync(join(dir, output)).toString('utf8'), output).toBe(
            recordedBytes(output).toString('utf8'),
          );
          expect(readFileSync(join(dir, output)).equals(recordedBytes(output)), output).toBe(true);
        }
      }
      if (c.id === 'td-duplicate') expect(readdirSync(join(dir, 'scratch', 'dist-dup'))).toEqual([]);
      if (c.id === 'eb-both-keys') {
        expect(readdirSync(join(dir, 'scratch', 'both-keys')).sort()).toEqual([
          'compliance-mapping.md',
          'evidence.json',
          'pr-attestation.md',
          'retention-policy.json',
          'sandbox-run-summary.json',
          'siem-event.json',
        ]);
      }
      if (c.id === 'eb-zero-retention') expect(readdirSync(join(dir, 'scratch', 'zero'))).toHaveLength(5);
    }
  }
}

describe('a few recorded cases through the real bin', () => {
  for (const id of ['v-valid-bundle', 'v-error-order', 'tb-invalid-json']) {
    it(id, async () => {
      const c = cases.find((x) => x.id === id) as RecordedCase;
      const result = await runBin(c.argv, sharedScratch(), c.env);
      expect(result.stdout).toBe(c.expected.stdout);
      expect(result.code).toBe(c.expected.exit_code);
    });
  }
});
