import { describe, expect, it } from 'vitest';
import { isYamlRoutingPath, parseRoutingFile, pathSuffix } from '../src/routing-file.js';
import { decodePythonText } from '../src/python-text.js';

const parse = (text: string | Uint8Array, path: string) =>
  parseRoutingFile(typeof text === 'string' ? Buffer.from(text) : text, path);
const pythonErrorOf = (text: string | Uint8Array, path: string): string | undefined => {
  try {
    parse(text, path);
    return undefined;
  } catch (error) {
    return (error as { python?: string }).python;
  }
};

const MUST_BE_LIST = 'ValueError: approval routing file must contain a list of rules';
const NEEDS_GROUP = 'ValueError: each approval routing rule must include approver_group';

describe('suffixes', () => {
  it.each([
    ['a/list.yaml', true],
    ['UPPER.YML', true],
    ['Mixed.Yaml', true],
    ['rules.yaml.json', false],
    ['.yaml', false],
    ['rules.txt', false],
    ['no-suffix', false],
    ['x.', false],
  ])('%s is YAML: %s', (path, yaml) => expect(isYamlRoutingPath(path)).toBe(yaml));
  it('takes the last suffix of the last segment', () => {
    expect(pathSuffix('a.b/c')).toBe('');
    expect(pathSuffix('a/b.tar.gz')).toBe('.gz');
  });
});

describe('parseRoutingFile', () => {
  it('accepts a list, or approval_routing (first) / routing_rules of a mapping', () => {
    expect(parse('[{"approver_group": "A"}]', 'r.json')).toHaveLength(1);
    expect(parse('{"routing_rules": [{"approver_group": "R"}], "approval_routing": [{"approver_group": "From approval_routing"}]}', 'b.json')[0]?.get('approver_group')).toBe(
      'From approval_routing',
    );
    expect(parse('[]', 'empty-list.json')).toEqual([]);
    expect(parse('{"approval_routing": []}', 'w.json')).toEqual([]);
  });
  it.each([
    ['{"approval_routing": null, "routing_rules": []}', 'x.json'],
    ['{"approval_routing": {}}', 'x.json'],
    ['{"routing_rules": "x"}', 'x.json'],
    ['{"a": 1}', 'x.json'],
    ['{}', 'x.json'],
    ['null', 'x.json'],
    ['true', 'x.json'],
    ['"s"', 'x.json'],
    ['5', 'x.json'],
    ['', 'x.yaml'],
    ['# only a comment\n', 'x.yaml'],
    ['false', 'x.yaml'],
    ['0', 'x.yaml'],
    ['~', 'x.yaml'],
    ['scalar', 'x.yaml'],
    ['[]', 'x.yaml'],
  ])('%j (%s) must contain a list', (text, path) => expect(pythonErrorOf(text, path)).toBe(MUST_BE_LIST));
  it.each([
    '[{"rule_id": "x"}]',
    '[{"approver_group": ""}]',
    '[{"approver_group": 0}]',
    '[{"approver_group": false}]',
    '[{"approver_group": null}]',
    '[{"approver_group": []}]',
    '["x"]',
    '[{"approver_group": "A"}, 5]',
    '[[{"approver_group": "A"}]]',
  ])('%s: every rule needs a truthy approver_group', (text) => expect(pythonErrorOf(text, 'x.json')).toBe(NEEDS_GROUP));
  it('reads YAML 1.1 scalars as PyYAML does, and skips a YAML BOM', () => {
    const [rule] = parse('\ufeff- rule_id_prefix: 0755\n  severity: on\n  approver_group: yes\n', 'y.yaml');
    expect(rule?.get('rule_id_prefix')).toBe(493n);
    expect(rule?.get('severity')).toBe(true);
    expect(rule?.get('approver_group')).toBe(true);
  });
  it('reports JSON errors with Python\'s text', () => {
    expect(pythonErrorOf('', 'empty.json')).toBe('JSONDecodeError: Expecting value: line 1 column 1 (char 0)');
    expect(pythonErrorOf("{'a': 1}", 's.json')).toBe(
      'JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',
    );
    expect(pythonErrorOf('\ufeff[]', 'bom.json')).toBe(
      'JSONDecodeError: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
    );
    expect(pythonErrorOf('[1, NaN, Infinity]', 'n.json')).toBe(NEEDS_GROUP);
  });
  it('reads CRLF files like Python\'s universal newlines', () => {
    expect(parse('- approver_group: A\r\n- approver_group: B\r\n', 'crlf.yml')).toHaveLength(2);
  });
});

describe('decodePythonText', () => {
  it.each([
    [[0x61, 0xc9, 0x62], "'utf-8' codec can't decode byte 0xc9 in position 1: invalid continuation byte"],
    [[0x80], "'utf-8' codec can't decode byte 0x80 in position 0: invalid start byte"],
    [[0xff, 0x61], "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"],
    [[0xe2, 0x82], "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data"],
    [[0xe2, 0x82, 0x41], "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"],
    [[0xed, 0xa0, 0x80], "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte"],
    [[0xf0, 0x80], "'utf-8' codec can't decode byte 0xf0 in position 0: invalid continuation byte"],
  ])('%j → %s', (bytes, message) => {
    expect(() => decodePythonText(Uint8Array.from(bytes))).toThrow(expect.objectContaining({ python: `UnicodeDecodeError: ${message}` }));
  });
  it('keeps a BOM and turns CRLF and CR into LF', () => {
    expect(decodePythonText(Buffer.from('\ufeffa\r\nb\rc'))).toBe('\ufeffa\nb\nc');
  });
});
