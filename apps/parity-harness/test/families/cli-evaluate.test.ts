import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bundledPackSource, parsePyJson, toPlainJson, fromPlainJson, type PyDict } from '@cavra/policy-model';
import { oraclePath } from '@cavra/test-fixtures';
import { cliEquivalent, cliEvaluateFamily } from '../../src/families/cli-evaluate.js';

const request = (fields: Record<string, string>) => ({
  pack: 'cavra-hipaa',
  request: fromPlainJson(fields) as PyDict,
});

describe('cliEquivalent', () => {
  it('maps the requests `evaluate ACTION TARGET` can express to the request it is equivalent to', () => {
    const git = cliEquivalent(
      request({ action_type: 'git_operation', target: 'main', policy_pack: 'cavra-hipaa' }),
    );
    expect(
      git && { action: git.action, target: git.target, request: toPlainJson(git.request.request) },
    ).toEqual({
      action: 'git_operation',
      target: 'main',
      request: {
        action_type: 'git_operation',
        target: 'main',
        operation: 'push',
        policy_pack: 'cavra-hipaa',
      },
    });
    const mcp = cliEquivalent(
      request({ action_type: 'mcp_tool_call', server: 'github', tool: 'x', policy_pack: 'cavra-hipaa' }),
    );
    expect(mcp && toPlainJson(mcp.request.request)).toEqual({
      action_type: 'mcp_tool_call',
      server: 'github',
      tool: 'unknown',
      capability: 'filesystem',
      policy_pack: 'cavra-hipaa',
    });
  });

  it.each([
    [
      'identity fields',
      { action_type: 'read_file', target: 'a', policy_pack: 'cavra-hipaa', session_id: 's' },
    ],
    ['no pack label', { action_type: 'read_file', target: 'a' }],
    ['a NUL in the target', { action_type: 'read_file', target: 'a\u0000b', policy_pack: 'cavra-hipaa' }],
    ['an unknown action', { action_type: 'pull_request', target: 'a', policy_pack: 'cavra-hipaa' }],
  ])('refuses requests the CLI cannot express: %s', (_name, fields) => {
    expect(cliEquivalent(request(fields))).toBeUndefined();
  });
});

describe('cliEvaluateFamily.generate', () => {
  const policy = {
    ref: oraclePath('compiled/cavra-hipaa.json'),
    value: parsePyJson(readFileSync(oraclePath('compiled/cavra-hipaa.json'), 'utf8')),
  };
  const generate = (packIndex: number, cliChecksPerPack: number) => {
    const g = cliEvaluateFamily.generate({
      pack: 'cavra-hipaa',
      packIndex,
      packSource: bundledPackSource,
      policy,
      settings: { seed: 3, numRuns: 10, cliChecksPerPack },
    });
    return g?.kind === 'list' ? g.cases : undefined;
  };

  it('picks one of each action type first, starting at a different type per pack', () => {
    expect(generate(0, 5)?.map((c) => c.action)).toEqual([
      'read_file',
      'write_file',
      'execute_command',
      'git_operation',
      'mcp_tool_call',
    ]);
    expect(generate(2, 1)?.map((c) => c.action)).toEqual(['execute_command']);
    expect(generate(0, 7)).toHaveLength(7);
  });

  it('generates nothing without checks or without a compiled policy', () => {
    expect(generate(0, 0)).toBeUndefined();
    expect(
      cliEvaluateFamily.generate({
        pack: 'x',
        packIndex: 0,
        packSource: bundledPackSource,
        settings: { seed: 1, numRuns: 1, cliChecksPerPack: 1 },
      }),
    ).toBeUndefined();
  });
});
