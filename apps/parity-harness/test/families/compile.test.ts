import { describe, expect, it } from 'vitest';
import { bundledPackSource } from '@cavra/policy-model';
import { ORACLE_DIR } from '@cavra/test-fixtures';
import { compileFamily } from '../../src/families/compile.js';
import type { LiveContext } from '../../src/family.js';
import type { CliResult } from '../../src/oracle/python-cli.js';
import { TypeScriptSide } from '../../src/typescript-side.js';

const typescript = { decisions: new TypeScriptSide(bundledPackSource), packSource: bundledPackSource };
const sources = { lines: [], oracleDir: ORACLE_DIR, packSource: bundledPackSource };

describe('compileFamily', () => {
  it('has one recorded case per bundled pack, and TypeScript prints the recorded bytes', () => {
    const recorded = compileFamily.recorded(sources);
    expect(recorded.map((r) => r.case.pack)).toEqual(bundledPackSource.listPackIds());
    const [first] = recorded;
    if (!first) throw new Error('no recorded compile output');
    const ts = compileFamily.typescript(first.case, typescript);
    expect(compileFamily.compare(first.expected, ts, { pythonHasVolatile: false })).toEqual({
      status: 'match',
    });
    expect(compileFamily.show(first.case)).toBe(`policy compile --policy-pack ${first.case.pack}`);
  });

  it('names the first differing line, and a side that failed', () => {
    const verdict = compileFamily.compare(
      { kind: 'output', text: '{\n  "a": 1\n}\n' },
      { kind: 'output', text: '{\n  "a": 2\n}\n' },
      { pythonHasVolatile: false },
    );
    expect(verdict).toMatchObject({
      status: 'mismatch',
      fields: [{ field: 'compile', note: 'line 2: python "  \\"a\\": 1" vs typescript "  \\"a\\": 2"' }],
    });
    const unknown = compileFamily.typescript({ pack: 'cavra-nope' }, typescript);
    expect(unknown.kind).toBe('failed');
    expect(
      compileFamily.compare({ kind: 'output', text: 'x' }, unknown, { pythonHasVolatile: false }),
    ).toMatchObject({
      status: 'mismatch',
      fields: [{ field: 'compile', typescript: expect.stringContaining('typescript failed') as unknown }],
    });
  });

  it('answers live from the preflight: Python output, its exit status and last error line, or not asked', async () => {
    const pythonCompile = new Map<string, CliResult>([
      ['ok-pack', { exitCode: 0, stdout: '{}\n', stderr: '' }],
      ['bad-pack', { exitCode: 1, stdout: '', stderr: 'Traceback\nKeyError: bad-pack\n' }],
    ]);
    const oracle = compileFamily.liveOracle({ pythonCompile } as unknown as LiveContext);
    expect(await oracle.answer([{ pack: 'ok-pack' }, { pack: 'bad-pack' }, { pack: 'other' }])).toEqual([
      { kind: 'output', text: '{}\n' },
      { kind: 'failed', error: 'python exited 1: KeyError: bad-pack' },
      { kind: 'failed', error: 'python was not asked to compile this pack' },
    ]);
  });
});
