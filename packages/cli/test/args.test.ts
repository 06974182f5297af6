import { describe, expect, it } from 'vitest';
import { booleanFlag, parseArgs, stringFlag, stringsFlag } from '../src/args.js';

const SPEC = { input: 'string', batch: 'boolean', overlay: 'strings' } as const;

describe('parseArgs', () => {
  it('reads --flag value, --flag=value, Go-style -flag and repeated flags', () => {
    const args = parseArgs(['--input', 'a', '-batch', '--overlay=x', '-overlay', 'y', 'pos', '--', '--input'], SPEC);
    expect(stringFlag(args, 'input')).toBe('a');
    expect(booleanFlag(args, 'batch')).toBe(true);
    expect(stringsFlag(args, 'overlay')).toEqual(['x', 'y']);
    expect(args.positionals).toEqual(['pos', '--input']);
  });

  it.each([
    [['--nope'], 'unknown option: --nope'],
    [['--input'], 'option --input needs a value'],
    [['--batch=1'], 'option --batch takes no value'],
    [['--input='], 'option --input needs a non-empty value'],
    [['--input', ''], 'option --input needs a non-empty value'],
    [['--overlay='], 'option --overlay needs a non-empty value'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgs(argv, SPEC)).toThrow(expect.objectContaining({ code: 'usage', message }));
  });

  it('applies aliases', () => {
    expect(booleanFlag(parseArgs(['-h'], { help: 'boolean' }, { h: 'help' }), 'help')).toBe(true);
  });
});
