import { PY_WHITESPACE, pyPathString, pyStrip } from '@cavra/policy-model';
import { describe, expect, it } from 'vitest';
import * as evaluator from '../src/index.js';

describe('@cavra/evaluator index', () => {
  it('re-exports the one str.strip() and pathlib helper of @cavra/policy-model under its old names', () => {
    expect(evaluator.pythonStrip).toBe(pyStrip);
    expect(evaluator.pyStrip).toBe(pyStrip);
    expect(evaluator.PYTHON_WHITESPACE).toBe(PY_WHITESPACE);
    expect(evaluator.pythonPathString).toBe(pyPathString);
    expect(evaluator.pyPathString).toBe(pyPathString);
  });
});
