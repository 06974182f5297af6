/**
 * The canonical JSON form of the evidence log (RFC 8785, JSON Canonicalization Scheme): object
 * keys sorted by UTF-16 code units (JavaScript's default sort) at every level, no whitespace,
 * strings and numbers exactly as `JSON.stringify` prints them. The one difference from RFC 8785:
 * a lone surrogate is written as its `\udXXX` escape (as `JSON.stringify` does) instead of being
 * refused, so any request that parsed can be recorded.
 *
 * Written by hand (not `JSON.parse(JSON.stringify())` into a sorted object): building a new object
 * would turn an own `__proto__` key of a parsed request into a prototype and lose it.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // JSON has no NaN or infinities; JSON.stringify would silently print null.
      if (!Number.isFinite(value)) throw new TypeError(`cannot record the number ${value} in JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const item = record[key];
        // As JSON.stringify: an undefined member is absent.
        if (item !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`cannot record a ${typeof value} in JSON`);
  }
}
