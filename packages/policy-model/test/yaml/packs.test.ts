import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { pyStr } from '../../src/python/repr.js';
import { type PyValue } from '../../src/python/value.js';
import { loadPyYaml } from '../../src/yaml/index.js';

const PACKS_DIR = fileURLToPath(new URL('../../packs/', import.meta.url));
const OVERLAY = fileURLToPath(new URL('../../../../fixtures/oracle/compile/overlays/yaml11-scalars.yaml', import.meta.url));
const PACKS = readdirSync(PACKS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Plain-JSON-like projection that keeps key order and int/float apart as far as JSON can. */
function project(value: unknown): unknown {
  if (value instanceof Map) return { map: [...value].map(([k, v]) => [project(k), project(v)]) };
  if (Array.isArray(value)) return value.map(project);
  if (typeof value === 'bigint') return Number(value);
  return value;
}

const asMap = (value: PyValue | undefined): Map<PyValue, PyValue> => {
  if (!(value instanceof Map)) throw new Error('expected a mapping');
  return value;
};

describe('bundled packs', () => {
  it('there are 16 of them', () => {
    expect(PACKS).toHaveLength(16);
  });

  it.each(PACKS)('%s loads to the same data as the yaml package (keys in order)', (pack) => {
    const text = readFileSync(`${PACKS_DIR}${pack}/policy.yaml`, 'utf8');
    const reference: unknown = parseDocument(text).toJS({ mapAsMap: true });
    const loaded = loadPyYaml(text);
    expect(project(loaded)).toEqual(project(reference));
    expect(JSON.stringify(project(loaded))).toBe(JSON.stringify(project(reference)));
  });
});

describe('yaml11-scalars overlay (YAML 1.1 scalars in a user overlay)', () => {
  const overlay = asMap(loadPyYaml(readFileSync(OVERLAY, 'utf8')));
  const allow = asMap(overlay.get('commands')).get('allow') as PyValue[];
  const blockWrite = asMap(overlay.get('filesystem')).get('block_write') as PyValue[];

  it('reads YAML 1.1 scalars with Python types', () => {
    expect(allow).toEqual([true, true, 'y', 1, 493n, 1000n, 31n, null, 'quoted']);
    expect(typeof allow[3]).toBe('number'); // 1.0 is a float, not an int
    expect(blockWrite).toEqual([false, 'n', 750n]);
    expect(asMap(overlay.get('metadata')).get('version')).toBe('1.0');
  });

  it('str() of each item is what compile sorts', () => {
    expect(allow.map(pyStr)).toEqual(['True', 'True', 'y', '1.0', '493', '1000', '31', 'None', 'quoted']);
    expect(blockWrite.map(pyStr)).toEqual(['False', 'n', '750']);
  });
});
