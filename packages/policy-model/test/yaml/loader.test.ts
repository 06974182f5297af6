import { describe, expect, it } from 'vitest';
import { pyRepr } from '../../src/python/repr.js';
import { PyBytes, PyDate, PyDateTime, type PyValue } from '../../src/python/value.js';
import { PyYamlError, loadPyYaml } from '../../src/yaml/index.js';

const asMap = (value: PyValue | undefined): Map<PyValue, PyValue> => {
  if (!(value instanceof Map)) throw new Error('expected a mapping');
  return value;
};

const errorOf = (text: string): PyYamlError => {
  try {
    loadPyYaml(text);
  } catch (error) {
    if (error instanceof PyYamlError) return error;
    throw error;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
};

describe('loadPyYaml: Python types', () => {
  it('keeps int, float, bool, null, date, datetime and bytes apart', () => {
    const doc = asMap(
      loadPyYaml('i: 1\nf: 1.0\nb: yes\nn: ~\nd: 2024-01-01\nt: 2024-01-01 10:00:00.5+01:30\nx: !!binary aGk=\n'),
    );
    expect(doc.get('i')).toBe(1n);
    expect(doc.get('f')).toBe(1);
    expect(doc.get('b')).toBe(true);
    expect(doc.get('n')).toBeNull();
    expect(doc.get('d')).toEqual(new PyDate(2024, 1, 1));
    expect(doc.get('t')).toEqual(new PyDateTime(2024, 1, 1, 10, 0, 0, 500000, 90));
    expect(doc.get('x')).toEqual(new PyBytes(new Uint8Array([104, 105])));
  });

  it('gives naive datetimes a null offset and Z an offset of 0', () => {
    expect(loadPyYaml('2001-12-14 21:59:43')).toEqual(new PyDateTime(2001, 12, 14, 21, 59, 43, 0, null));
    expect(loadPyYaml('2001-12-14T21:59:43Z')).toEqual(new PyDateTime(2001, 12, 14, 21, 59, 43, 0, 0));
    expect(loadPyYaml('2001-12-14 21:59:43.1234567 -5')).toEqual(new PyDateTime(2001, 12, 14, 21, 59, 43, 123456, -300));
  });

  it('keeps arbitrary-precision ints exact', () => {
    expect(loadPyYaml('123456789012345678901234567890')).toBe(123456789012345678901234567890n);
    expect(loadPyYaml('-0x_FFFF_FFFF_FFFF_FFFF_FF')).toBe(-0xffffffffffffffffffn);
  });
});

describe('loadPyYaml: mappings', () => {
  it('uses Map with insertion order and no special keys', () => {
    const doc = asMap(loadPyYaml('"10": a\n"2": b\n__proto__: c\nconstructor: d'));
    expect([...doc.keys()]).toEqual(['10', '2', '__proto__', 'constructor']);
  });

  it('duplicate keys: first position, last value', () => {
    expect([...asMap(loadPyYaml('a: 1\nb: 2\na: 3'))]).toEqual([
      ['a', 3n],
      ['b', 2n],
    ]);
  });

  it('1, 1.0 and True are one key: the first key object stays, the last value wins', () => {
    expect([...asMap(loadPyYaml('{1: a, 1.0: b, true: c}'))]).toEqual([[1n, 'c']]);
    expect([...asMap(loadPyYaml('{on: high, 1: low}'))]).toEqual([[true, 'low']]);
    expect([...asMap(loadPyYaml('{1.0: a, 1: b}'))]).toEqual([[1, 'b']]);
    expect(asMap(loadPyYaml('{"1": a, 1: b}')).size).toBe(2);
  });

  it('aware datetimes are the same key when they denote the same instant', () => {
    const doc = asMap(loadPyYaml('{2024-01-01 10:00:00+01:00: a, 2024-01-01 09:00:00Z: b, 2024-01-01 09:00:00: c}'));
    expect([...doc.values()]).toEqual(['b', 'c']);
  });

  it('rejects unhashable keys like PyYAML', () => {
    const error = errorOf('{[1]: a}');
    expect(error.pythonType).toBe('ConstructorError');
    expect(error.problem).toBe('found unhashable key');
    expect(error.python).toBe('ConstructorError: while constructing a mapping');
    expect(errorOf('? {a: 1}\n: b').pythonType).toBe('ConstructorError');
  });
});

describe('loadPyYaml: merge keys and aliases', () => {
  it('<<: [*x, *y] lays y down first so x wins; own keys come last and win', () => {
    const doc = asMap(loadPyYaml('x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nz:\n  <<: [*x, *y]\n  d: 0'));
    expect([...asMap(doc.get('z'))]).toEqual([
      ['b', 1n],
      ['c', 2n],
      ['a', 1n],
      ['d', 0n],
    ]);
  });

  it('a single merged mapping: merged pairs first, own values win', () => {
    const doc = asMap(loadPyYaml('base: &b {a: 1, b: 1}\nc:\n  b: 2\n  <<: *b\n  c: 3'));
    expect([...asMap(doc.get('c'))]).toEqual([
      ['a', 1n],
      ['b', 2n],
      ['c', 3n],
    ]);
  });

  it('two << keys merge in order, so the later one wins', () => {
    const doc = asMap(loadPyYaml('a: &a {x: 1}\nb:\n  <<: *a\n  <<: {x: 2, y: 3}'));
    expect(pyRepr(doc.get('b') ?? null)).toBe("{'x': 2, 'y': 3}");
  });

  it('<< and = as values, and merging a non-mapping, are ConstructorErrors', () => {
    expect(errorOf('a: <<').problem).toBe("could not determine a constructor for the tag 'tag:yaml.org,2002:merge'");
    expect(errorOf('a: =').problem).toBe("could not determine a constructor for the tag 'tag:yaml.org,2002:value'");
    expect(errorOf('<<: [1]').problem).toBe('expected a mapping for merging, but found scalar');
    expect(errorOf('<<: 1').problem).toBe('expected a mapping or list of mappings for merging, but found scalar');
    expect(loadPyYaml('"<<": x')).toEqual(new Map([['<<', 'x']]));
  });

  it('aliases share one object, as in Python', () => {
    const doc = asMap(loadPyYaml('a: &a [1, 2]\nb: *a'));
    expect(doc.get('b')).toBe(doc.get('a'));
  });

  it('a recursive alias builds a recursive list', () => {
    const list = loadPyYaml('&a [1, *a]') as PyValue[];
    expect(list[0]).toBe(1n);
    expect(list[1]).toBe(list);
  });

  it('undefined aliases and duplicate anchors are ComposerErrors', () => {
    expect(errorOf('*nope').python).toBe("ComposerError: found undefined alias 'nope'");
    expect(errorOf('[&a x, &a y]').pythonType).toBe('ComposerError');
  });
});

describe('loadPyYaml: stream and reader', () => {
  it('an empty stream, a comment-only stream and an empty document are None', () => {
    for (const text of ['', '\n', '# nothing\n', '---\n', '--- # c\n', '\ufeff']) expect(loadPyYaml(text)).toBeNull();
  });

  it('more than one document is a ComposerError', () => {
    const error = errorOf('a: 1\n---\nb: 2\n');
    expect(error.pythonType).toBe('ComposerError');
    expect(error.python).toBe('ComposerError: expected a single document in the stream');
    expect(error.message).toContain('but found another document');
    expect(error.problemMark).toEqual({ index: 5, line: 1, column: 0 });
  });

  it('ignores a leading BOM and reads CRLF and CR as LF', () => {
    expect(loadPyYaml('\ufeffa: 1\r\nb: |\r\n  x\r\n  y\r\n')).toEqual(
      new Map<PyValue, PyValue>([
        ['a', 1n],
        ['b', 'x\ny\n'],
      ]),
    );
    expect(loadPyYaml('a: "x\r\r  y"')).toEqual(new Map([['a', 'x\ny']]));
  });

  it('rejects raw control characters with a ReaderError, accepts escaped ones', () => {
    const error = errorOf('a: 1\nb: "\u0007"');
    expect(error.pythonType).toBe('ReaderError');
    expect(error.problem).toBe('unacceptable character #x0007: special characters are not allowed');
    expect(error.problemMark?.index).toBe(9);
    for (const ch of ['\u0000', '\u007f', '\u0080', '\u009f', '\ud800', '\ufffe', '\uffff']) {
      expect(errorOf(`a: ${ch}`).pythonType).toBe('ReaderError');
    }
    expect(loadPyYaml('a: "\\a\\x07\\u00e9\\U0001F600"')).toEqual(new Map([['a', '\u0007\u0007é😀']]));
    expect(loadPyYaml('a: é😀\u00a0\ue000')).toEqual(new Map([['a', 'é😀\u00a0\ue000']]));
  });

  it('rejects tabs where PyYAML cannot start a token, keeps them in quotes, comments and block text', () => {
    for (const text of ['a:\t1', 'a: 1\t', 'a: b\tc', '\ta: 1', '- \tx', '[a,\tb]']) {
      const error = errorOf(text);
      expect(error.pythonType).toBe('ScannerError');
      expect(error.problem).toBe("found character '\\t' that cannot start any token");
    }
    expect(loadPyYaml('a: "x\ty" # c\td\nb: |\n  p\n  \tq\n')).toEqual(
      new Map([
        ['a', 'x\ty'],
        ['b', 'p\n\tq\n'],
      ]),
    );
  });

  it('accepts quoted continuation lines at any indentation, as PyYAML does', () => {
    expect(loadPyYaml('description: "a long\ntext"\nnext: 1')).toEqual(
      new Map<PyValue, PyValue>([
        ['description', 'a long text'],
        ['next', 1n],
      ]),
    );
    expect(loadPyYaml("- 'it''s\nfine'")).toEqual(["it's fine"]);
  });

  it('accepts flow-collection lines at any indentation, as PyYAML does', () => {
    expect(loadPyYaml('fs:\n  b: [\n  x,\n y]\n')).toEqual(new Map([['fs', new Map([['b', ['x', 'y']]])]]));
    expect(loadPyYaml('- [a,\nb]')).toEqual([['a', 'b']]);
    expect(loadPyYaml('["a\nb", {? "c\nd": 1}]')).toEqual(['a b', new Map([['c d', 1n]])]);
  });

  it('rejects what PyYAML rejects in flow context: `?` inside plain scalars, multi-line implicit keys', () => {
    expect(errorOf('[a?b]').pythonType).toBe('ParserError');
    expect(errorOf('{a: b?c}').pythonType).toBe('ParserError');
    expect(errorOf('{"a\nb": 1}').pythonType).toBe('ParserError');
    expect(errorOf('[:x]').pythonType).toBe('ParserError');
  });

  it('folds an escaped line break followed by empty lines as PyYAML does', () => {
    expect(loadPyYaml('"x\\\n  \ny"')).toBe('x\ny');
    expect(loadPyYaml('a: "p\\\n\n\n  q \\\n r"')).toEqual(new Map([['a', 'p\n\nq r']]));
  });

  it('very deep nesting is a RecursionError, as in PyYAML, not a crash', () => {
    expect(loadPyYaml(`${'['.repeat(100)}${']'.repeat(100)}`)).toBeInstanceOf(Array);
    expect(errorOf(`${'['.repeat(50_000)}${']'.repeat(50_000)}`).pythonType).toBe('RecursionError');
    expect(errorOf(Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}- `).join('\n')).pythonType).toBe('RecursionError');
  });

  it('maps syntax errors to ScannerError / ParserError', () => {
    expect(errorOf('a: "x').pythonType).toBe('ScannerError');
    expect(errorOf('a: b: c').pythonType).toBe('ScannerError');
    expect(errorOf('a: [1, 2').pythonType).toBe('ParserError');
    expect(errorOf(': x').pythonType).toBe('ParserError');
    expect(errorOf('a: 1\n...\nb: 2').pythonType).toBe('ParserError');
  });

  it('builtin exceptions escape from constructors with their Python class', () => {
    expect(errorOf('0b_').python).toBe("ValueError: invalid literal for int() with base 2: ''");
    expect(errorOf('!!int x').python).toBe("ValueError: invalid literal for int() with base 10: 'x'");
    expect(errorOf('2024-02-30').python).toBe('ValueError: day is out of range for month');
    expect(errorOf('!!bool maybe').python).toBe("KeyError: 'maybe'");
  });

  it('unknown tags are ConstructorErrors', () => {
    expect(errorOf('!!python/object:os.system x').python).toBe(
      "ConstructorError: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object:os.system'",
    );
    expect(errorOf('a: !custom x').pythonType).toBe('ConstructorError');
  });
});
