import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';

async function run(argv: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdin = new PassThrough();
  stdin.end(input);
  let stdout = '';
  let stderr = '';
  const io = {
    stdin,
    stdout: { write: (s: string | Uint8Array) => (stdout += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: process.cwd(),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('release_governance_record through cavra-runtime', () => {
  it('single mode prints the decision with Python number types, 2-space indented', async () => {
    const got = await run([], '{"action_type": "release_governance_record", "record": {"approval_state": "pending"}, "target": 1.0, "session_id": null}');
    expect(got.code).toBe(0);
    expect(got.stdout).toContain('\n  "target": 1.0,\n');
    expect(got.stdout).toContain('"session_id": null');
    expect(got.stdout).toMatch(/"evidence_refs": \[\n {4}"evidence:\/\/None\/dec_[0-9a-f]{12}"\n {2}\]/);
    expect(got.stdout).toContain('"reason": "1.0 is waiting for release governance approval."');
  });

  it('fails with Python\'s exception line where Python raises, NaN included (exit 2)', async () => {
    const overflow = await run([], '{"action_type": "release_governance_record", "record": {"blocked_count": 1e400}}');
    expect(overflow.code).toBe(2);
    expect(JSON.parse(overflow.stderr)).toEqual({
      error: {
        code: 'release_governance_invalid',
        message: 'cannot convert float infinity to integer',
        python: 'OverflowError: cannot convert float infinity to integer',
      },
    });
    const nan = await run([], '{"action_type": "release_governance_record", "record": {"critical_count": NaN}}');
    expect(JSON.parse(nan.stderr)).toMatchObject({ error: { python: 'ValueError: cannot convert float NaN to integer' } });
    const notJson = await run([], '{"action_type": "release_governance_record", "record": NaN');
    expect(JSON.parse(notJson.stderr)).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('--batch answers release-governance and other lines in order, errors in place', async () => {
    const lines = [
      '{"action_type": "release_governance_record", "record": {"metadata_kind": "release-connector-delivery", "delivery_success": "Succeeded"}}',
      '{"action_type": "read_file", "target": ".env"}',
      '{"action_type": "release_governance_record", "record": "approved"}',
      '{"action_type": "release_governance_record", "record": {"approval_required_count": 1000000000000000000000000000000}, "target": "release_governance_record"}',
    ];
    const got = await run(['--batch'], lines.join('\n'));
    expect(got.code).toBe(0);
    const out = got.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o.rule_id ?? (o.error as { python: string }).python)).toEqual([
      'release_governance.record.verified',
      'filesystem.read.block',
      "AttributeError: 'str' object has no attribute 'get'",
      'release_governance.approval.required',
    ]);
    expect(got.stdout.split('\n')[0]).toMatch(/^\{"decision_id":"dec_[0-9a-f]{12}","session_id":"local",/);
  });
});
