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
  PROJECT_RECORDING_DIR,
  RECORDING_DIR,
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
/** A private key cryptography cannot decode: its message is printed (the detail after "Details:" is library text). */
const isUndecodableKeyCase = (c: RecordedCase): boolean =>
  c.argv[1] === 'bundle' && c.expected.stdout.startsWith('Could not deserialize key data.');

/**
 * What a failing command leaves behind, as the recording's notes state it ("<dir> exists and is
 * empty", "<dir> holds a, b and no c"); a failed `bundle` never writes its manifest.
 */
function checkSideEffects(c: RecordedCase, dir: string): void {
  const empty = /side effect: (\S+) exists and is empty/.exec(c.notes ?? '');
  if (empty) expect(readdirSync(join(dir, empty[1] as string))).toEqual([]);
  const holds = /side effect: (\S+) holds (.+) and no (\S+)$/.exec(c.notes ?? '');
  if (holds) {
    const expected = (holds[2] as string).split(', ').sort();
    expect(readdirSync(join(dir, holds[1] as string)).sort()).toEqual(expected);
  }
  const output = optionOf(c.argv, '--output');
  if (c.argv[1] === 'bundle' && c.expected.exit_code !== 0 && output !== undefined) {
    expect(existsSync(join(dir, output, 'manifest.json'))).toBe(false);
  }
}

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
    // The unsigned input is in the recording only sometimes; without it, it is the recorded
    // output without its signature (which the recorded signature then has to reproduce).
    const inputPath = join(dir, input as string);
    const payload = parsePyJson(
      (existsSync(inputPath) ? readFileSync(inputPath) : recordedBytes(output as string)).toString('utf8'),
    ) as PyDict;
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
  it("has the recorded cases (127 in the project's recording)", () => {
    if (RECORDING_DIR === PROJECT_RECORDING_DIR) expect(cases).toHaveLength(127);
    else expect(cases.length).toBeGreaterThan(0);
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
      const privateKey = optionOf(c.argv, '--private-key');
      if (isUndecodableKeyCase(c) && privateKey !== undefined && !existsSync(join(dir, privateKey))) {
        // Not in the recording: a stand-in key file whose DER is not a key (the recorded message names a 0x00 tag).
        writeFileSync(
          join(dir, privateKey),
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
      if (isUndecodableKeyCase(c)) {
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
      checkSideEffects(c, dir);
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
