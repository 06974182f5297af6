import { CavraError } from '../errors.js';
import { pyStr } from '../python/repr.js';
import { type PyValue } from '../python/value.js';
import { POLICY_JSON_SCHEMA } from '../schemas/policy-json-schema.generated.js';
import { iterSchemaErrors, type JsonSchema, type RawSchemaError } from './json-schema.js';
import { PyOrderTypeError, pyLess, pySorted } from '../python/order.js';

/** The policy JSON Schema (draft 2020-12) that `policy validate` and `policy compile` apply. */
export const POLICY_SCHEMA: JsonSchema = POLICY_JSON_SCHEMA;

/**
 * One schema violation. `path` is the instance path (list indices as numbers, mapping keys as
 * Python `str()` of the key); `message` is jsonschema 4.26's wording.
 */
export interface ValidationError {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The errors of `validate_policy(payload, schema)`: jsonschema's errors sorted by path as a list
 * (so `block_read.9` precedes `block_read.11`), stable for equal paths. Empty when valid.
 *
 * Throws `CavraError('policy_invalid')` where Python's sort raises TypeError: two paths that
 * differ first at mapping keys of incomparable types (e.g. `risk_scoring` keys `1` and `'a'`).
 */
export function validatePolicy(value: PyValue, schema: JsonSchema = POLICY_SCHEMA): ValidationError[] {
  const errors: RawSchemaError[] = iterSchemaErrors(value, schema);
  let sorted: RawSchemaError[];
  try {
    // CPython's sort, so that a TypeError names its operands in Python's order.
    // Python list `<` over the two error paths (element `==` first, then `<`).
    sorted = pySorted(errors, (a, b) => pyLess([...a.path], [...b.path]));
  } catch (cause) {
    if (!(cause instanceof PyOrderTypeError)) throw cause;
    throw new CavraError('policy_invalid', `cannot order validation errors: ${cause.message}`, {
      python: `TypeError: ${cause.message}`,
    });
  }
  return sorted.map((e) => ({
    path: e.path.map((p) =>
      typeof p === 'string'
        ? p
        : typeof p === 'bigint' && p <= BigInt(Number.MAX_SAFE_INTEGER) && p >= 0n
          ? Number(p)
          : pyStr(p),
    ),
    message: e.message,
  }));
}

/** `"{path}: {message}"` as Python builds it: path elements joined with `.`, or `<root>`. */
export function formatValidationError(error: ValidationError): string {
  const path = error.path.map(String).join('.');
  return `${path || '<root>'}: ${error.message}`;
}

/** The CLI's lines for a list of errors: `  - {path}: {message}`, one per error. */
export function formatValidationErrorLines(errors: readonly ValidationError[]): string[] {
  return errors.map((e) => `  - ${formatValidationError(e)}`);
}
