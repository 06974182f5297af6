import * as z from 'zod/mini';

/**
 * The policy document, as TypeScript types and zod checks. The same rules as the Python
 * project's `schema/policy.schema.json` (draft 2020-12; embedded as `POLICY_JSON_SCHEMA`), which
 * stays the authority for `policy validate`/`compile` messages; a property test keeps both in
 * agreement.
 */
const nonEmptyString = z.string().check(z.minLength(1));
// Python applies `pattern` with re.search, where `$` also matches before one final "\n".
export const POLICY_ID_PATTERN = /^cavra-[a-z0-9-]+\n?$/;

const uniqueStrings = (items: readonly string[]): boolean => new Set(items).size === items.length;
export const stringListSchema = z
  .array(nonEmptyString)
  .check(z.refine(uniqueStrings, { message: 'has non-unique elements' }));

export const policyMetadataSchema = z.looseObject({
  id: z.string().check(z.minLength(1), z.regex(POLICY_ID_PATTERN)),
  title: nonEmptyString,
  description: nonEmptyString,
  version: nonEmptyString,
  inherits: z.optional(
    z.union([
      nonEmptyString,
      z
        .array(nonEmptyString)
        .check(z.minLength(1), z.refine(uniqueStrings, { message: 'has non-unique elements' })),
    ]),
  ),
  mode: z.optional(z.enum(['audit_only', 'enforce', 'strict_regulated', 'break_glass'])),
});
export type PolicyMetadata = z.infer<typeof policyMetadataSchema>;

export const filesystemRulesSchema = z.strictObject({
  block_read: z.optional(stringListSchema),
  block_write: z.optional(stringListSchema),
  require_approval_write: z.optional(stringListSchema),
});

export const commandRulesSchema = z.strictObject({
  block: z.optional(stringListSchema),
  allow: z.optional(stringListSchema),
  require_approval: z.optional(stringListSchema),
});

export const gitRulesSchema = z.looseObject({
  require_pull_request: z.optional(z.boolean()),
  block_direct_push_to_protected_branch: z.optional(z.boolean()),
  require_human_reviewer: z.optional(z.boolean()),
  require_ai_attestation: z.optional(z.boolean()),
});

export const mcpRulesSchema = z.looseObject({
  allowlist_enabled: z.optional(z.boolean()),
  block_unknown_servers: z.optional(z.boolean()),
  allowed_servers: z.optional(stringListSchema),
  blocked_servers: z.optional(stringListSchema),
  risk_scoring: z.optional(z.record(z.string(), z.enum(['low', 'medium', 'high', 'critical']))),
});

/** A policy document: a pack's YAML as written, or a compiled policy JSON. */
export const policySchema = z.looseObject({
  metadata: policyMetadataSchema,
  filesystem: z.optional(filesystemRulesSchema),
  commands: z.optional(commandRulesSchema),
  git: z.optional(gitRulesSchema),
  mcp: z.optional(mcpRulesSchema),
  compliance: z.optional(z.looseObject({ maps_to: z.optional(stringListSchema) })),
  approvals: z.optional(z.looseObject({})),
  evidence: z.optional(z.looseObject({})),
});
export type Policy = z.infer<typeof policySchema>;

/** A compiled policy (`policy compile` output, the `--policy FILE` route) obeys the same schema. */
export const compiledPolicySchema = policySchema;
export type CompiledPolicy = Policy;
