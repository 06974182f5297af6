import { describe, expect, it } from 'vitest';
import { CavraError } from '@cavra/policy-model';
import { LineAnswerer, createDecisionEngine, engineAnswerer, type RequestAnswerer } from '@cavra/engine';

const core: RequestAnswerer = (request) => JSON.stringify(createDecisionEngine().decideCore(request));
const line = (answers: LineAnswerer, text: string | Buffer): string => {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(`xx${text}yy`);
  return Buffer.isBuffer(text) ? answers.line(bytes, 0, bytes.length) : answers.line(bytes, 2, bytes.length - 2);
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
    expect(JSON.parse(answers.oversize())).toMatchObject({ error: { code: 'request_too_large' } });
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
    expect(JSON.parse(answers.error(new RangeError('lost')))).toEqual({ error: { code: 'internal', message: 'RangeError: lost' } });
    expect(answers.internalFaults).toBe(2);
    expect(answers.answered).toBe(3);
  });

  it('gives the engine answerer\'s full decision line', () => {
    const answers = new LineAnswerer(engineAnswerer(createDecisionEngine()));
    expect(JSON.parse(line(answers, '{"action_type":"read_file","target":"a"}'))).toMatchObject({
      decision: 'allow',
      decision_id: expect.stringMatching(/^dec_/) as unknown,
    });
  });
});
