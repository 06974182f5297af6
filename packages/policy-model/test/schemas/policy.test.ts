import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  EVALUATED_POLICY_FIELDS,
  POLICY_JSON_SCHEMA,
  commandRulesSchema,
  filesystemRulesSchema,
  fromPlainJson,
  mcpRulesSchema,
  policySchema,
  validatePolicy,
} from '../../src/index.js';

// Values that the policy schema treats differently: right and wrong types, empty strings,
// duplicates, ids that do and do not match the id pattern.
const scalar = fc.oneof(
  fc.constantFrom('', 'a', 'cavra-x', 'Cavra-X', 'cavra-x\n', '*.pem', 'audit_only', 'low', 'nope'),
  fc.integer({ min: -2, max: 2 }),
  fc.boolean(),
  fc.constant(null),
);
const stringList = fc.oneof(fc.array(fc.constantFrom('', 'a', 'b', '**/*.pem'), { maxLength: 3 }), scalar);
const section = (keys: readonly string[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.dictionary(fc.constantFrom(...keys, 'extra'), fc.oneof(stringList, scalar), {
        maxKeys: 3,
      }),
    },
    { weight: 1, arbitrary: scalar },
  );
const metadata = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        id: scalar,
        title: scalar,
        description: scalar,
        version: scalar,
        inherits: fc.oneof(stringList, scalar),
        mode: scalar,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: scalar },
);
const policyDocument = fc.record(
  {
    metadata,
    filesystem: section(['block_read', 'block_write', 'require_approval_write']),
    commands: section(['block', 'allow', 'require_approval']),
    mcp: section(['allowed_servers', 'blocked_servers', 'block_unknown_servers', 'allowlist_enabled']),
    compliance: section(['maps_to']),
  },
  { requiredKeys: [] },
);

const zodIssues = (result: {
  success: boolean;
  error?: { issues: readonly { path: PropertyKey[]; message: string }[] };
}) =>
  result.success
    ? []
    : (result.error?.issues ?? []).map((issue) => ({ path: issue.path.map(String), message: issue.message }));
const schemaIssues = (document: unknown) =>
  validatePolicy(fromPlainJson(document)).map((error) => ({
    path: error.path.map(String),
    message: error.message,
  }));

describe('policySchema (zod) is a view of the one JSON-Schema validator', () => {
  test.prop([policyDocument], { numRuns: 300 })(
    'accepts exactly what validatePolicy accepts, with the same messages',
    (document) => {
      expect(zodIssues(policySchema.safeParse(document))).toEqual(schemaIssues(document));
    },
  );

  test.prop([policyDocument], { numRuns: 200 })(
    'each section schema reports what validatePolicy reports under that section',
    (document) => {
      const views = [
        ['filesystem', filesystemRulesSchema],
        ['commands', commandRulesSchema],
        ['mcp', mcpRulesSchema],
      ] as const;
      for (const [name, schema] of views) {
        const value = (document as Record<string, unknown>)[name];
        if (value === undefined) continue;
        const expected = schemaIssues(document)
          .filter((issue) => issue.path[0] === name)
          .map((issue) => ({ path: issue.path.slice(1), message: issue.message }));
        expect(zodIssues(schema.safeParse(value))).toEqual(expected);
      }
    },
  );

  it('gives jsonschema\'s wording, not zod\'s "Invalid input"', () => {
    const result = policySchema.safeParse({
      metadata: { id: 1, title: 't', description: 'd', version: '1' },
    });
    expect(zodIssues(result)).toEqual([{ path: ['metadata', 'id'], message: "1 is not of type 'string'" }]);
  });
});

describe('EVALUATED_POLICY_FIELDS', () => {
  const properties = (
    POLICY_JSON_SCHEMA as { properties: Record<string, { properties?: Record<string, unknown> }> }
  ).properties;

  it('names only sections and fields that the policy JSON Schema defines', () => {
    for (const [sectionName, fields] of Object.entries(EVALUATED_POLICY_FIELDS)) {
      const sectionSchema = properties[sectionName];
      expect(sectionSchema, sectionName).toBeDefined();
      for (const field of Object.values(fields))
        expect(sectionSchema?.properties, `${sectionName}.${field}`).toHaveProperty(field);
    }
  });
});
