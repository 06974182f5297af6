import { describe, expect, it } from 'vitest';
import { PyBytes, PyDate, PyDateTime, loadPyYaml, type PyValue } from '../../src/index.js';
import {
  formatValidationError,
  formatValidationErrorLines,
  validatePolicy,
} from '../../src/validate/policy.js';
import { iterSchemaErrors } from '../../src/validate/json-schema.js';

/** Plain JS → Python model: objects become Maps, `bigint` is int, `number` is float. */
type Plain = PyValue | readonly Plain[] | { readonly [key: string]: Plain };
function py(value: Plain): PyValue {
  if (Array.isArray(value)) return value.map((v: Plain) => py(v));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return new Map(Object.entries(value).map(([k, v]) => [k, py(v as Plain)]));
  }
  return value as PyValue;
}

const meta = (over: Record<string, Plain> = {}): Plain => ({
  id: 'cavra-ok',
  title: 'T',
  description: 'D',
  version: '1',
  ...over,
});
const doc = (over: Record<string, Plain> = {}, metadata: Plain = meta()): PyValue =>
  py({ metadata, ...over });
const lines = (value: PyValue): string[] => validatePolicy(value).map(formatValidationError);
const MODES = "['audit_only', 'enforce', 'strict_regulated', 'break_glass']";
const RISKS = "['low', 'medium', 'high', 'critical']";

// Every expectation below was produced by jsonschema 4.26.0 (Draft202012Validator over the
// policy schema, errors sorted by list(path)) on the same Python values.
describe('validatePolicy: jsonschema 4.26 messages', () => {
  const cases: ReadonlyArray<readonly [string, PyValue, readonly string[]]> = [
    ['required at the root', py({}), ["<root>: 'metadata' is a required property"]],
    ['root type', py([1n]), ["<root>: [1] is not of type 'object'"]],
    [
      'one missing metadata key',
      py({ metadata: { id: 'cavra-ok', title: 'T', version: '1' } }),
      ["metadata: 'description' is a required property"],
    ],
    ['metadata a list', py({ metadata: [] }), ["metadata: [] is not of type 'object'"]],
    ['metadata None', py({ metadata: null }), ["metadata: None is not of type 'object'"]],
    [
      'required keys in schema order (equal paths keep validator order)',
      py({ metadata: {} }),
      [
        "metadata: 'id' is a required property",
        "metadata: 'title' is a required property",
        "metadata: 'description' is a required property",
        "metadata: 'version' is a required property",
      ],
    ],
    [
      'pattern',
      doc({}, meta({ id: 'Not-A-Cavra-Id' })),
      ["metadata.id: 'Not-A-Cavra-Id' does not match '^cavra-[a-z0-9-]+$'"],
    ],
    [
      'empty id: minLength before pattern',
      doc({}, meta({ id: '' })),
      ["metadata.id: '' should be non-empty", "metadata.id: '' does not match '^cavra-[a-z0-9-]+$'"],
    ],
    ['re.search $ accepts one final newline', doc({}, meta({ id: 'cavra-x\n' })), []],
    [
      're.search $ rejects two final newlines',
      doc({}, meta({ id: 'cavra-x\n\n' })),
      ["metadata.id: 'cavra-x\\n\\n' does not match '^cavra-[a-z0-9-]+$'"],
    ],
    [
      'non-ASCII id',
      doc({}, meta({ id: 'cavra-é' })),
      ["metadata.id: 'cavra-é' does not match '^cavra-[a-z0-9-]+$'"],
    ],
    ['minLength 1', doc({}, meta({ title: '' })), ["metadata.title: '' should be non-empty"]],
    ['float type', doc({}, meta({ version: 1.0 })), ["metadata.version: 1.0 is not of type 'string'"]],
    [
      'date type',
      doc({}, meta({ version: new PyDate(2024, 1, 1) })),
      ["metadata.version: datetime.date(2024, 1, 1) is not of type 'string'"],
    ],
    [
      'aware datetime type',
      doc({}, meta({ version: new PyDateTime(2024, 1, 1, 10, 0, 0, 0, 0) })),
      [
        "metadata.version: datetime.datetime(2024, 1, 1, 10, 0, tzinfo=datetime.timezone.utc) is not of type 'string'",
      ],
    ],
    [
      'oneOf, empty list',
      doc({}, meta({ inherits: [] })),
      ['metadata.inherits: [] is not valid under any of the given schemas'],
    ],
    [
      'oneOf, empty string',
      doc({}, meta({ inherits: '' })),
      ["metadata.inherits: '' is not valid under any of the given schemas"],
    ],
    [
      'oneOf, duplicates',
      doc({}, meta({ inherits: ['a', 'a'] })),
      ["metadata.inherits: ['a', 'a'] is not valid under any of the given schemas"],
    ],
    ['oneOf, valid list', doc({}, meta({ inherits: ['a', 'b'] })), []],
    ['enum', doc({}, meta({ mode: 'strict' })), [`metadata.mode: 'strict' is not one of ${MODES}`]],
    [
      'enum, repr with a quote',
      doc({}, meta({ mode: "it's" })),
      [`metadata.mode: "it's" is not one of ${MODES}`],
    ],
    [
      'enum, repr escapes',
      doc({}, meta({ mode: '😀\u200b\u0000\u007f\ue000\\\t' })),
      [`metadata.mode: '😀\\u200b\\x00\\x7f\\ue000\\\\\\t' is not one of ${MODES}`],
    ],
    [
      'additionalProperties, one',
      doc({ filesystem: { extra: [] } }),
      ["filesystem: Additional properties are not allowed ('extra' was unexpected)"],
    ],
    [
      'additionalProperties, names sorted',
      doc({ filesystem: { zeta: [], alpha: [], block_read: [] } }),
      ["filesystem: Additional properties are not allowed ('alpha', 'zeta' were unexpected)"],
    ],
    [
      'additionalProperties, a non-string key sorted by str()',
      doc({
        filesystem: new Map<PyValue, PyValue>([
          ['b', []],
          [1n, []],
        ]),
      }),
      ["filesystem: Additional properties are not allowed (1, 'b' were unexpected)"],
    ],
    [
      'uniqueItems, item type, minLength in path order',
      doc({ filesystem: { block_read: ['.env', '.env', 1n, ''] } }),
      [
        "filesystem.block_read: ['.env', '.env', 1, ''] has non-unique elements",
        "filesystem.block_read.2: 1 is not of type 'string'",
        "filesystem.block_read.3: '' should be non-empty",
      ],
    ],
    ['array type', doc({ commands: { block: 'x' } }), ["commands.block: 'x' is not of type 'array'"]],
    [
      'boolean type, other git keys allowed',
      doc({ git: { require_pull_request: 'yes', other: 'kept' } }),
      ["git.require_pull_request: 'yes' is not of type 'boolean'"],
    ],
    [
      'None item',
      doc({ mcp: { allowed_servers: [null] } }),
      ["mcp.allowed_servers.0: None is not of type 'string'"],
    ],
    [
      'risk_scoring enum',
      doc({ mcp: { risk_scoring: { a: 'extreme' } } }),
      [`mcp.risk_scoring.a: 'extreme' is not one of ${RISKS}`],
    ],
    [
      'risk_scoring errors sorted by key',
      doc({ mcp: { risk_scoring: { z: 'extreme', a: null, m: 'low', b: 1n } } }),
      [
        `mcp.risk_scoring.a: None is not one of ${RISKS}`,
        `mcp.risk_scoring.b: 1 is not one of ${RISKS}`,
        `mcp.risk_scoring.z: 'extreme' is not one of ${RISKS}`,
      ],
    ],
    [
      'a None key adds nothing to the path (jsonschema descends with path=None)',
      doc({
        mcp: {
          risk_scoring: new Map<PyValue, PyValue>([
            [null, 'x'],
            ['b', 'y'],
            ['a', 'low'],
          ]),
        },
      }),
      [`mcp.risk_scoring: 'x' is not one of ${RISKS}`, `mcp.risk_scoring.b: 'y' is not one of ${RISKS}`],
    ],
    [
      'numeric indices sort numerically (9 before 11)',
      doc({
        filesystem: {
          block_read: Array.from({ length: 12 }, (_, i) => ([2, 9, 11].includes(i) ? '' : `p${i}`)),
        },
      }),
      [
        "filesystem.block_read: ['p0', 'p1', '', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', '', 'p10', ''] has non-unique elements",
        "filesystem.block_read.2: '' should be non-empty",
        "filesystem.block_read.9: '' should be non-empty",
        "filesystem.block_read.11: '' should be non-empty",
      ],
    ],
    [
      '1 == 1.0 for uniqueness',
      doc({ compliance: { maps_to: [1n, 1.0] } }),
      [
        'compliance.maps_to: [1, 1.0] has non-unique elements',
        "compliance.maps_to.0: 1 is not of type 'string'",
        "compliance.maps_to.1: 1.0 is not of type 'string'",
      ],
    ],
    [
      'True != 1 for uniqueness',
      doc({ compliance: { maps_to: [true, 1n] } }),
      [
        "compliance.maps_to.0: True is not of type 'string'",
        "compliance.maps_to.1: 1 is not of type 'string'",
      ],
    ],
    [
      "uniq's sorted branch compares neighbours only: [[1], [True], [1]] is unique",
      doc({ compliance: { maps_to: [[1n], [true], [1n]] } }),
      [
        "compliance.maps_to.0: [1] is not of type 'string'",
        "compliance.maps_to.1: [True] is not of type 'string'",
        "compliance.maps_to.2: [1] is not of type 'string'",
      ],
    ],
    [
      'mappings compare by value',
      doc({ compliance: { maps_to: [{ a: 1n }, { a: 1.0 }] } }),
      [
        "compliance.maps_to: [{'a': 1}, {'a': 1.0}] has non-unique elements",
        "compliance.maps_to.0: {'a': 1} is not of type 'string'",
        "compliance.maps_to.1: {'a': 1.0} is not of type 'string'",
      ],
    ],
    [
      'sections of the wrong type, sorted by name',
      doc({
        filesystem: ['a'],
        commands: null,
        git: 'x',
        mcp: 1n,
        compliance: true,
        approvals: [],
        evidence: 'e',
      }),
      [
        "approvals: [] is not of type 'object'",
        "commands: None is not of type 'object'",
        "compliance: True is not of type 'object'",
        "evidence: 'e' is not of type 'object'",
        "filesystem: ['a'] is not of type 'object'",
        "git: 'x' is not of type 'object'",
        "mcp: 1 is not of type 'object'",
      ],
    ],
    [
      'reprs of bytes, floats, nested values',
      doc({
        git: { require_ai_attestation: new PyBytes(new TextEncoder().encode('hi')) },
        mcp: { block_unknown_servers: 1e16, allowlist_enabled: { k: [1n, "it's", null, true, 0.5] } },
      }),
      [
        "git.require_ai_attestation: b'hi' is not of type 'boolean'",
        `mcp.allowlist_enabled: {'k': [1, "it's", None, True, 0.5]} is not of type 'boolean'`,
        "mcp.block_unknown_servers: 1e+16 is not of type 'boolean'",
      ],
    ],
    [
      'many at once',
      py({ metadata: { id: 1n, mode: null, inherits: 3n }, filesystem: { block_write: ['a', 'a'], x: 1n } }),
      [
        "filesystem: Additional properties are not allowed ('x' was unexpected)",
        "filesystem.block_write: ['a', 'a'] has non-unique elements",
        "metadata: 'title' is a required property",
        "metadata: 'description' is a required property",
        "metadata: 'version' is a required property",
        "metadata.id: 1 is not of type 'string'",
        'metadata.inherits: 3 is not valid under any of the given schemas',
        `metadata.mode: None is not one of ${MODES}`,
      ],
    ],
  ];

  it.each(cases)('%s', (_name, value, expected) => {
    expect(lines(value)).toEqual(expected);
  });

  it('treats YAML NaNs as one object (PyYAML shares it), so they are duplicates', () => {
    const value = loadPyYaml(
      'metadata: {id: cavra-ok, title: T, description: D, version: "1"}\ncompliance: {maps_to: [.nan, .nan, .NaN]}\n',
    );
    expect(lines(value)).toEqual([
      'compliance.maps_to: [nan, nan, nan] has non-unique elements',
      "compliance.maps_to.0: nan is not of type 'string'",
      "compliance.maps_to.1: nan is not of type 'string'",
      "compliance.maps_to.2: nan is not of type 'string'",
    ]);
  });

  it('all bundled-style valid documents give no errors', () => {
    expect(
      validatePolicy(doc({ filesystem: { block_read: ['a', 'b'] }, approvals: { anything: [1n, 1n] } })),
    ).toEqual([]);
  });

  it('returns structured paths (indices as numbers) and formats CLI lines', () => {
    const errors = validatePolicy(doc({ filesystem: { block_read: ['', 'x'] } }));
    expect(errors).toEqual([{ path: ['filesystem', 'block_read', 0], message: "'' should be non-empty" }]);
    expect(formatValidationErrorLines(errors)).toEqual([
      "  - filesystem.block_read.0: '' should be non-empty",
    ]);
  });

  it('fails like Python when error paths cannot be ordered (int and str keys side by side)', () => {
    const value = doc({
      mcp: {
        risk_scoring: new Map<PyValue, PyValue>([
          [1n, 'x'],
          ['a', 'y'],
        ]),
      },
    });
    expect(() => validatePolicy(value)).toThrowError(
      expect.objectContaining({
        code: 'policy_invalid',
        python: expect.stringMatching(/^TypeError: '<' not supported between instances of/) as unknown,
      }) as Error,
    );
  });
});

describe('iterSchemaErrors: the generic interpreter', () => {
  it('oneOf valid under several subschemas (jsonschema lists the later ones, then the first)', () => {
    const schema = { oneOf: [{ type: 'string' }, { minLength: 1 }, { maxLength: 3 }] };
    expect(iterSchemaErrors('x', schema).map((e) => e.message)).toEqual([
      "'x' is valid under each of {'minLength': 1}, {'maxLength': 3}, {'type': 'string'}",
    ]);
  });

  it.each([
    ['minItems 1', { minItems: 1 }, [] as PyValue, [{ path: [], message: '[] should be non-empty' }]],
    ['minItems 2', { minItems: 2 }, [1n], [{ path: [], message: '[1] is too short' }]],
    ['minLength 2', { minLength: 2 }, 'a', [{ path: [], message: "'a' is too short" }]],
    ['maxLength 0', { maxLength: 0 }, 'a', [{ path: [], message: "'a' is expected to be empty" }]],
    ['maxItems 1', { maxItems: 1 }, [1n, 2n], [{ path: [], message: '[1, 2] is too long' }]],
    [
      'type list',
      { type: ['string', 'null'] },
      1n,
      [{ path: [], message: "1 is not of type 'string', 'null'" }],
    ],
    [
      'items before uniqueItems, in schema order',
      { items: { type: 'string' }, uniqueItems: true },
      [1n, true, 1.0],
      [
        { path: [0n], message: "1 is not of type 'string'" },
        { path: [1n], message: "True is not of type 'string'" },
        { path: [2n], message: "1.0 is not of type 'string'" },
        { path: [], message: '[1, True, 1.0] has non-unique elements' },
      ],
    ],
    [
      '$ref to $defs, enum with mixed values',
      { properties: { a: { $ref: '#/$defs/x' } }, $defs: { x: { enum: [1, 'a', null] } } },
      new Map<PyValue, PyValue>([['a', true]]),
      [{ path: ['a'], message: "True is not one of [1, 'a', None]" }],
    ],
  ])('%s (jsonschema 4.26 iter_errors)', (_name, schema, instance, errors) => {
    expect(iterSchemaErrors(instance, schema)).toEqual(errors);
  });

  it('fails loudly on a keyword it does not implement', () => {
    expect(() => iterSchemaErrors('x', { contains: {} })).toThrow(/not supported/);
  });

  it('false schema', () => {
    expect(iterSchemaErrors(1n, false)).toEqual([{ path: [], message: 'False schema does not allow 1' }]);
  });
});
