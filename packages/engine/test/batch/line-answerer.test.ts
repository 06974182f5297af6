import { describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import { AnswerSlab, LineAnswerer, createDecisionEngine, engineAnswerer, textAnswerer, type RequestAnswerer } from '@cavra/engine';

const core: RequestAnswerer = textAnswerer((request) => JSON.stringify(createDecisionEngine().decideCore(request)));

/** What one call emitted: exactly one line, returned without its newline. */
function emitted(answer: (out: AnswerSlab) => void): string {
  const out = new AnswerSlab();
  answer(out);
  const text = out.take()?.toString('utf8') ?? '';
  expect(text.endsWith('\n') && text.indexOf('\n') === text.length - 1).toBe(true);
  return text.slice(0, -1);
}
const line = (answers: LineAnswerer, text: string | Buffer): string => {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(`xx${text}yy`);
  return emitted((out) =>
    Buffer.isBuffer(text) ? answers.line(bytes, 0, bytes.length, out) : answers.line(bytes, 2, bytes.length - 2, out),
  );
};

describe('LineAnswerer', () => {
  it('answers the bytes [start, end) of a line: a decision, or its error in place, and counts them', () => {
    const errors: unknown[] = [];
    const answers = new LineAnswerer(core, (error) => errors.push(error));
    expect(JSON.parse(line(answers, '{"action_type":"read_file","target":".env"}'))).toMatchObject({ decision: 'block' });
    expect(JSON.parse(line(answers, ' \t'))).toEqual({
      error: { code: 'invalid_request', message: 'empty request line', python: 'ValueError: empty request line' },
    });
    expect(JSON.parse(line(answers, '{'))).toMatchObject({ error: { code: 'invalid_json' } });
    expect(JSON.parse(line(answers, Buffer.from([0x7b, 0xff, 0x7d])))).toMatchObject({ error: { code: 'invalid_json', message: 'request is not valid UTF-8' } });
    expect(JSON.parse(emitted((out) => answers.oversize(out)))).toMatchObject({ error: { code: 'request_too_large' } });
    expect(answers.answered).toBe(5);
    expect(answers.internalFaults).toBe(0);
    expect(errors).toHaveLength(4);
  });

  it('answers a fault of ours with code "internal" and counts it; a CavraError is not a fault', () => {
    const answers = new LineAnswerer((request) => {
      if ((request as { target?: string }).target === 'boom') throw new TypeError('boom');
      throw new CavraError('invalid_request', 'no');
    });
    expect(JSON.parse(line(answers, '{"target":"boom"}'))).toEqual({ error: { code: 'internal', message: 'TypeError: boom' } });
    expect(JSON.parse(line(answers, '{}'))).toEqual({ error: { code: 'invalid_request', message: 'no' } });
    expect(JSON.parse(emitted((out) => answers.error(new RangeError('lost'), out)))).toEqual({ error: { code: 'internal', message: 'RangeError: lost' } });
    expect(answers.internalFaults).toBe(2);
    expect(answers.answered).toBe(3);
  });

  it('answers with the error alone when an answerer fails after emitting part of its answer', () => {
    const halfway: RequestAnswerer = (_request, out) => {
      out.emit('{"partial":');
      throw new CavraError('evidence_unavailable', 'not recorded');
    };
    const answers = new LineAnswerer(halfway);
    const out = new AnswerSlab();
    out.emit('before');
    answers.line(Buffer.from('{}'), 0, 2, out);
    expect(out.take()?.toString('utf8')).toBe('before\n{"error":{"code":"evidence_unavailable","message":"not recorded"}}\n');
  });

  it('gives the engine answerer\'s full decision line', () => {
    const answers = new LineAnswerer(engineAnswerer(createDecisionEngine()));
    expect(JSON.parse(line(answers, '{"action_type":"read_file","target":"a"}'))).toMatchObject({
      decision: 'allow',
      decision_id: expect.stringMatching(/^dec_/) as unknown,
    });
  });
});
