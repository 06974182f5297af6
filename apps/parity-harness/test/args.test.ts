import { describe, expect, it } from 'vitest';
import { parseParityArgs, reproduceCommand } from '../src/args.js';

describe('parseParityArgs', () => {
  it('parses every option', () => {
    const o = parseParityArgs(
      [
        '--python-root',
        '/py',
        '--python',
        'python3.11',
        '--pack',
        'a',
        '--pack',
        'b',
        '--seed=-7',
        '--num-runs',
        '50',
        '--report',
        'out',
        '--record',
      ],
      {},
    );
    expect(o).toMatchObject({
      pythonRoot: '/py',
      python: 'python3.11',
      packs: ['a', 'b'],
      seed: -7,
      seedGiven: true,
      numRuns: 50,
      report: 'out',
      record: true,
    });
    expect(reproduceCommand(o)).toBe(
      'pnpm parity --seed -7 --pack a --pack b --python-root /py --num-runs 50',
    );
  });

  it('defaults: recorded mode, random seed, 2000 runs, parity-report/', () => {
    const o = parseParityArgs([], {});
    expect(o).toMatchObject({
      pythonRoot: undefined,
      python: 'python3',
      packs: [],
      seedGiven: false,
      numRuns: 2000,
      report: 'parity-report',
      record: false,
    });
    expect(Number.isInteger(o.seed)).toBe(true);
  });

  it('reads CAVRA_PYTHON_ROOT and FC_SEED from the environment', () => {
    expect(parseParityArgs([], { CAVRA_PYTHON_ROOT: '/env/py', FC_SEED: '99' })).toMatchObject({
      pythonRoot: '/env/py',
      seed: 99,
    });
  });

  it.each([[['--seed', 'x']], [['--num-runs', '0']], [['--bogus']], [['positional']]])(
    'rejects %j as a usage error',
    (argv) => {
      expect(() => parseParityArgs(argv, {})).toThrow(expect.objectContaining({ code: 'usage' }));
    },
  );
});
