import { describe, expect, it } from 'vitest';
import { dumpsPyJson, parsePyJson } from '../../src/index.js';

describe('dumpsPyJson separators', () => {
  it('writes json.dumps(separators=(",", ":")) and keeps the defaults otherwise', () => {
    const value = parsePyJson('{"a": [1, 1.0, 1e400, null], "b": {"c": "é"}}');
    expect(dumpsPyJson(value, { separators: [',', ':'], ensureAscii: false })).toBe('{"a":[1,1.0,Infinity,null],"b":{"c":"é"}}');
    expect(dumpsPyJson(value)).toBe('{"a": [1, 1.0, Infinity, null], "b": {"c": "\\u00e9"}}');
    expect(dumpsPyJson(value, { indent: 1, separators: [',', ': '] })).toBe(dumpsPyJson(value, { indent: 1 }));
  });
});
