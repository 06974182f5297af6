import { describe, expect, it } from 'vitest';
import {
  PY_JSON_MAX_DEPTH,
  PyJsonRecursionError,
  PyJsonSyntaxError,
  parsePyJson,
} from '../../src/python/json-parse.js';

const lineOf = (text: string): string => {
  try {
    parsePyJson(text);
  } catch (error) {
    return (error as PyJsonSyntaxError).pythonLine;
  }
  return 'parsed';
};

describe('parsePyJson: what json.loads refuses', () => {
  it("refuses a leading BOM with Python's message", () => {
    expect(lineOf('\uFEFF{}')).toBe(
      'JSONDecodeError: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
    );
  });

  it('accepts nesting up to the recursion limit', () => {
    expect(parsePyJson('['.repeat(PY_JSON_MAX_DEPTH) + ']'.repeat(PY_JSON_MAX_DEPTH))).toBeInstanceOf(Array);
  });

  it.each([
    ['array', '[', ']', 3000],
    ['object', '{"a":', '}', 3000],
    ['array', '[', ']', 100_000],
  ])('nesting a JSON %s %#: RecursionError, not a stack overflow', (kind, open, close, depth) => {
    let error: unknown;
    try {
      parsePyJson(open.repeat(depth) + '1' + close.repeat(depth));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PyJsonRecursionError);
    expect((error as PyJsonSyntaxError).pythonLine).toBe(
      `RecursionError: maximum recursion depth exceeded while decoding a JSON ${kind} from a unicode string`,
    );
  });
});
