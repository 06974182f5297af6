import { describe, expect, it } from 'vitest';
import { CavraError, ERROR_CODES } from '@cavra/policy-model';
import { EXIT_TABLE, ExitStatus, errorPayload, exitStatusFor, reportError, writeError } from '../src/exit-codes.js';
import { runMain } from './support/memory-io.js';

describe('the exit table', () => {
  it('keeps the documented values', () => {
    expect(ExitStatus).toEqual({ Ok: 0, Failure: 1, BadInput: 2, VerificationFailed: 3 });
  });

  it('maps every error code of a decision: our faults 1, bad input 2', () => {
    for (const code of ERROR_CODES) {
      const expected = ['internal', 'compile_failed', 'output_failed', 'evidence_unwritable'].includes(code) ? 1 : 2;
      expect([code, exitStatusFor('decide', new CavraError(code, 'x'))]).toEqual([code, expected]);
    }
  });

  it('gives policy commands Python\'s statuses: usage 2, every other failure 1', () => {
    for (const code of ERROR_CODES) {
      expect([code, exitStatusFor('policy', new CavraError(code, 'x'))]).toEqual([code, code === 'usage' ? 2 : 1]);
    }
  });

  it('uses the default rows for a command without its own, and 1 for anything not a CavraError', () => {
    expect(Object.hasOwn(EXIT_TABLE, 'hook')).toBe(false);
    expect(exitStatusFor('hook', new CavraError('pack_not_allowed', 'x'))).toBe(2);
    expect(exitStatusFor('hook', new CavraError('internal', 'x'))).toBe(1);
    expect(exitStatusFor('decide', new TypeError('boom'))).toBe(1);
    expect(exitStatusFor('policy', 'a string')).toBe(1);
    expect(exitStatusFor('toString', new CavraError('usage', 'x'))).toBe(2); // not an inherited row
  });
});

describe('the error writer', () => {
  it('writes one JSON line with code, message, issues and python', () => {
    let stderr = '';
    const error = new CavraError('registry_invalid', 'bad', {
      issues: [{ path: 'mcp_servers.0', message: 'bad' }],
      python: "AttributeError: 'NoneType' object has no attribute 'get'",
    });
    writeError({ stderr: { write: (s: string) => (stderr += s) } }, error);
    expect(stderr.endsWith('\n')).toBe(true);
    expect(JSON.parse(stderr)).toEqual({
      error: {
        code: 'registry_invalid',
        message: 'bad',
        issues: [{ path: 'mcp_servers.0', message: 'bad' }],
        python: "AttributeError: 'NoneType' object has no attribute 'get'",
      },
    });
  });

  it('turns anything else into an internal error without a stack', () => {
    const payload = errorPayload(new RangeError('Maximum call stack size exceeded'));
    expect(payload).toEqual({ error: { code: 'internal', message: 'RangeError: Maximum call stack size exceeded' } });
  });

  it('reportError writes and returns the status of the command', () => {
    let stderr = '';
    const io = { stderr: { write: (s: string) => (stderr += s) } };
    expect(reportError(io, 'policy', new CavraError('pack_not_found', 'x'))).toBe(1);
    expect(reportError(io, 'decide', new CavraError('pack_not_found', 'x'))).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(2);
  });
});

describe('main uses the table under the subcommand\'s name', () => {
  it('policy errors are written once by main, with the policy rows', async () => {
    const missingPack = await runMain(['policy', 'compile', '--policy-pack', 'cavra-nope']);
    expect(missingPack.code).toBe(1);
    expect(JSON.parse(missingPack.stderr)).toMatchObject({
      error: { code: 'pack_not_found', python: "PolicyRegistryError: Policy pack 'cavra-nope' not found." },
    });
    const usage = await runMain(['policy', 'compile', '--nope']);
    expect(usage.code).toBe(2);
  });

  it('a decision error includes the python line too', async () => {
    const result = await runMain([], '{"target": "x"}');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'invalid_request', python: "KeyError: 'action_type'" } });
  });

  it('an unknown command is a usage error', async () => {
    const result = await runMain(['frobnicate']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: 'usage' } });
  });
});
