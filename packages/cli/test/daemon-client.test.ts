import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InternalFaultCounter, defaultSocketPath } from '../src/daemon-client.js';

const internal = '{"error":{"code":"internal","message":"TypeError: x"}}';
const other = '{"error":{"code":"invalid_json","message":"internal"}}';
const decision = '{"decision_id":"dec_1","reason":"{\\"error\\":{\\"code\\":\\"internal\\""}';

describe('InternalFaultCounter', () => {
  it('counts answer lines that report an internal fault, and nothing else', () => {
    const counter = new InternalFaultCounter();
    counter.scan(Buffer.from(`${internal}\n${other}\n${decision}\n${internal}\n`));
    expect(counter.count).toBe(2);
  });

  test.prop([fc.array(fc.constantFrom(internal, other, decision), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 })])(
    'counts the same whatever the chunking',
    (lines, cuts) => {
      const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(''));
      const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
      const counter = new InternalFaultCounter();
      let from = 0;
      for (const point of [...points, bytes.length]) {
        counter.scan(bytes.subarray(from, point));
        from = point;
      }
      expect(counter.count).toBe(lines.filter((line) => line === internal).length);
    },
  );
});

describe('defaultSocketPath', () => {
  it('is $CAVRA_SOCKET, else under $XDG_RUNTIME_DIR', () => {
    expect(defaultSocketPath({ env: { CAVRA_SOCKET: 'x.sock' }, cwd: '/srv' })).toBe('/srv/x.sock');
    expect(defaultSocketPath({ env: { XDG_RUNTIME_DIR: '/run/user/7' }, cwd: '/' })).toMatch(/^\/run\/user\/7\/cavra-runtime-.+\.sock$/);
  });
});
