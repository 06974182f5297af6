import { PyBytes, pyQualifiedTypeName, type PyValue } from './value.js';

/*
 * The Python exception lines that more than one package reproduces, built in one place so the
 * wording cannot drift (see docs/python-compatibility.md, "Python exception lines").
 */

/** `TypeError: '<type>' object is not iterable` (a `for` loop over a number, bool, None, date…). */
export const pyNotIterableLine = (value: PyValue): string =>
  `TypeError: '${pyQualifiedTypeName(value)}' object is not iterable`;

/** `AttributeError: '<type>' object has no attribute '<name>'` (`.get` on something that is not a dict). */
export const pyNoAttributeLine = (value: PyValue, attribute: string): string =>
  `AttributeError: '${pyQualifiedTypeName(value)}' object has no attribute '${attribute}'`;

/**
 * What a Python `for item in value` loop yields: a list its items, a string its characters
 * (code points), a dict its keys, bytes its byte values as ints. `undefined` where Python raises
 * `TypeError: … object is not iterable` (None, bool, int, float, date, datetime).
 */
export function pyIterate(value: PyValue): PyValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (value instanceof Map) return [...value.keys()];
  if (value instanceof PyBytes) return Array.from(value.bytes, (byte) => BigInt(byte));
  return undefined;
}
