import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createJsonLinesEvidenceSink } from '../../src/node/index.js';

const root = mkdtempSync(join(tmpdir(), 'cavra-evidence-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createJsonLinesEvidenceSink (real file)', () => {
  it('appends one JSON line per record, in order, across sinks on the same file', async () => {
    const file = join(root, 'log.jsonl');
    const first = createJsonLinesEvidenceSink(file);
    const refs = [0, 1, 2].map((n) => first.append({ request: { n }, decision: { decision: 'allow', n } }));
    await first.close();
    const second = createJsonLinesEvidenceSink(file);
    second.append({ request: { n: 3 }, decision: { decision: 'block', n: 3 } });
    await second.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { ref: string; request: { n: number }; decision: { n: number } });
    expect(lines.map((line) => line.request.n)).toEqual([0, 1, 2, 3]);
    expect(lines.map((line) => line.decision.n)).toEqual([0, 1, 2, 3]);
    expect(lines.slice(0, 3).map((line) => line.ref)).toEqual(refs);
    expect(new Set(lines.map((line) => line.ref)).size).toBe(4);
  });

  it('throws when the log cannot be opened, and after close', async () => {
    const missingDir = createJsonLinesEvidenceSink(join(root, 'no/such/dir/log.jsonl'));
    expect(() => missingDir.append({ request: {}, decision: {} })).toThrow(/cannot open evidence log/);
    const sink = createJsonLinesEvidenceSink(join(root, 'closed.jsonl'));
    await sink.close();
    expect(() => sink.append({ request: {}, decision: {} })).toThrow(/closed/);
  });
});
