import {
  compilePolicy,
  dumpsPyJson,
  isCavraError,
  loadPackPolicy,
  type PackSource,
} from '@cavra/policy-model';
import type { CompileCheck } from './types.js';

/** What `cavra-runtime policy compile --policy-pack ID` prints: Python's `json.dumps(indent=2, ensure_ascii=False)` + newline. */
export function typescriptCompileOutput(packs: PackSource, id: string): string {
  return dumpsPyJson(compilePolicy(loadPackPolicy(packs, id)), { indent: 2, ensureAscii: false }) + '\n';
}

/** Byte comparison with Python's output; the first differing line is the detail a person needs. */
export function compareCompileOutput(python: string, typescript: string): CompileCheck {
  if (python === typescript) return { status: 'match' };
  const p = python.split('\n');
  const t = typescript.split('\n');
  const line = p.findIndex((text, i) => text !== t[i]);
  const at = line < 0 ? Math.min(p.length, t.length) : line;
  return {
    status: 'mismatch',
    detail: `line ${at + 1}: python ${JSON.stringify(p[at] ?? '<eof>')} vs typescript ${JSON.stringify(t[at] ?? '<eof>')}`,
  };
}

export function safeTypescriptCompile(packs: PackSource, id: string): { output?: string; error?: string } {
  try {
    return { output: typescriptCompileOutput(packs, id) };
  } catch (error) {
    return { error: isCavraError(error) ? (error.python ?? error.message) : String(error) };
  }
}
