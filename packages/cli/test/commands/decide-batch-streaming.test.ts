import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decideBatch } from '../../src/commands/decide.js';
import { createDecisionEngine, type DecisionEngine } from '@cavra/engine';
import { main } from '../../src/main.js';

function harness() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let err = '';
  const lines: string[] = [];
  let partial = '';
  stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  const io = { stdin, stdout, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: process.cwd() };
  return { stdin, lines, io, stderr: () => err };
}

describe('--batch streams', () => {
  it('answers lines while the input is still open, in order, one line per line', async () => {
    const { stdin, lines, io } = harness();
    const done = main(['--batch'], io);
    const request = JSON.stringify({ action_type: 'execute_command', target: 'terraform plan' });
    // Enough to pass the 64 KiB flush threshold, then wait for output before closing the input.
    for (let i = 0; i < 2000; i++) stdin.write(`${request}\n`);
    await expect.poll(() => lines.length, { timeout: 5000 }).toBeGreaterThan(0);
    stdin.write('{"action_type": "read_file", "target": ".env"}'); // no trailing newline: still answered
    stdin.end();
    expect(await done).toBe(0);
    expect(lines).toHaveLength(2001);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ decision: 'allow' });
    expect(JSON.parse(lines[2000] as string)).toMatchObject({ decision: 'block' });
  });

  it('splits lines correctly across arbitrary chunk boundaries, multi-byte characters included', async () => {
    const { stdin, lines, io } = harness();
    const done = main(['--batch'], io);
    const text = [
      JSON.stringify({ action_type: 'read_file', target: 'é😀/.env', session_id: 'ü' }),
      JSON.stringify({ action_type: 'git_operation', target: 'origin/main' }),
    ].join('\n');
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 3) stdin.write(bytes.subarray(i, i + 3));
    stdin.end();
    expect(await done).toBe(0);
    expect(lines.map((line) => (JSON.parse(line) as { target: string }).target)).toEqual(['é😀/.env', 'origin/main']);
  });
});

describe('--batch faults', () => {
  it('answers a line that meets an internal fault with an internal error, goes on, and exits 1', async () => {
    const { stdin, lines, io } = harness();
    const real = createDecisionEngine();
    // A test double around the real engine: fails like a bug would, on one request only.
    const faultyEngineDouble: DecisionEngine = {
      decideCore: (request) => real.decideCore(request),
      decide: (request) => real.decide(request),
      writeDecisionLine: (request, out) => {
        if ((request as { target?: string }).target === 'boom') throw new TypeError('simulated bug');
        return real.writeDecisionLine(request, out);
      },
    };
    const done = decideBatch(faultyEngineDouble, stdin, io);
    stdin.end(['{"action_type": "read_file", "target": "boom"}', '{"action_type": "read_file", "target": ".env"}', ''].join('\n'));
    expect(await done).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      { error: { code: 'internal', message: 'TypeError: simulated bug' } },
      expect.objectContaining({ decision: 'block', target: '.env' }),
    ]);
  });
});
