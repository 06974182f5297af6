import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PyValue } from '@cavra/policy-model';
import type { CaseFamily, Oracle } from '../family.js';
import { compareCompileOutput, safeTypescriptCompile } from '../run/compile-check.js';

/** `policy compile --policy-pack <pack>`: both sides print the compiled policy. */
export interface CompileCase {
  pack: string;
}

/** What a side printed, or why it printed nothing. */
export type CompileAnswer = { kind: 'output'; text: string } | { kind: 'failed'; error: string };

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

const command = (c: CompileCase): string => `policy compile --policy-pack ${c.pack}`;

/**
 * Compile parity, byte for byte, one case per pack. Recorded: fixtures/oracle/compiled/<pack>.json.
 * Live: the preflight already ran Python's `policy compile` for every pack (its output is also
 * the compiled policy the decision cases send), so the oracle reads those results.
 */
export const compileFamily: CaseFamily<CompileCase, CompileAnswer> = {
  id: 'compile',
  title: '`policy compile --policy-pack <id>` output, byte for byte',
  counts: 'checks',

  recorded({ oracleDir, packSource }) {
    return packSource.listPackIds().flatMap((pack) => {
      const path = join(oracleDir, 'compiled', `${pack}.json`);
      if (!existsSync(path)) return [];
      return [
        {
          id: pack,
          source: 'compiled',
          case: { pack },
          expected: { kind: 'output' as const, text: readFileSync(path, 'utf8') },
        },
      ];
    });
  },
  generate: ({ pack }) => ({ kind: 'list', cases: [{ pack }] }),
  liveOracle({ pythonCompile }): Oracle<CompileCase, CompileAnswer> {
    return {
      hasVolatile: false,
      answer: (cases) =>
        Promise.resolve(
          cases.map(({ pack }) => {
            const result = pythonCompile.get(pack);
            if (!result) return { kind: 'failed', error: 'python was not asked to compile this pack' };
            return result.exitCode === 0
              ? { kind: 'output', text: result.stdout }
              : {
                  kind: 'failed',
                  error: `python exited ${result.exitCode}: ${lastLine(result.stderr || result.stdout)}`,
                };
          }),
        ),
    };
  },
  typescript({ pack }, { packSource }) {
    const ts = safeTypescriptCompile(packSource, pack);
    return ts.output === undefined
      ? { kind: 'failed', error: `typescript failed: ${ts.error}` }
      : { kind: 'output', text: ts.output };
  },
  compare(python, ts) {
    if (python.kind === 'output' && ts.kind === 'output') {
      const check = compareCompileOutput(python.text, ts.text);
      if (check.status === 'match') return { status: 'match' };
      return {
        status: 'mismatch',
        fields: [{ field: 'compile', python: python.text, typescript: ts.text, note: check.detail }],
      };
    }
    const show = (a: CompileAnswer): string => (a.kind === 'output' ? a.text : a.error);
    return {
      status: 'mismatch',
      fields: [
        {
          field: 'compile',
          python: show(python),
          typescript: show(ts),
          note: python.kind === 'failed' ? python.error : ts.kind === 'failed' ? ts.error : undefined,
        },
      ],
    };
  },

  pack: (c) => c.pack,
  show: command,
  showAnswer: (a): PyValue => (a.kind === 'output' ? a.text : a.error),
};
