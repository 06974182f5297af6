import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import { lockPathOf, openEvidenceLog, verifyEvidenceLogFile, type EvidenceLog } from '../../src/index.js';

const CHILD = fileURLToPath(new URL('./support/append-forever.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cavra-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a writer, lets it append at least `minRecords`, then SIGKILLs it mid-loop. */
function appendThenKill(path: string, minRecords: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const last = Number(chunk.toString().trim().split('\n').pop());
      if (!killed && last >= minRecords) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited without being killed: ${stderr}`));
    });
  });
}

/** Reopens after a crash: a clean tail resumes, a torn one is reported and then moved aside. */
function reopen(path: string): { log: EvidenceLog; torn: boolean } {
  try {
    return { log: openEvidenceLog(path), torn: false };
  } catch (error) {
    expect(error).toBeInstanceOf(CavraError);
    expect((error as CavraError).code).toBe('evidence_log_torn');
    return { log: openEvidenceLog(path, { recoverTornTail: true }), torn: true };
  }
}

describe('kill -9 of a writing process', () => {
  it('leaves a log whose chain resumes and verifies, twice over', async () => {
    const path = join(dir, 'evidence.jsonl');
    for (const round of [1, 2]) {
      await appendThenKill(path, round * 300);
      // The dead writer's lock is stale and taken over.
      expect(existsSync(lockPathOf(path))).toBe(true);
      const { log, torn } = reopen(path);
      const resumedAt = log.nextSequence;
      const before = verifyEvidenceLogFile(`${path}`);
      if (!torn) {
        expect(before.ok).toBe(true);
        expect(resumedAt).toBe((before.last_sequence ?? 0) + 1);
      }
      expect(log.append({ request: { after: round }, decision: {} })).toMatch(
        new RegExp(`^evidence-log:${resumedAt}:`),
      );
      await log.close();
      const report = verifyEvidenceLogFile(path);
      expect(report).toMatchObject({ ok: true, first_sequence: 1, last_sequence: resumedAt });
      expect(report.records).toBeGreaterThanOrEqual(round * 300);
      const lastLine = readFileSync(path, 'utf8').trimEnd().split('\n').pop() as string;
      expect(JSON.parse(lastLine)).toMatchObject({ request: { after: round }, sequence: resumedAt });
    }
  }, 60_000);
});
