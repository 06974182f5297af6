import { z } from 'zod';

/**
 * The policy document, as TypeScript types and zod checks. The same rules as the Python
 * project's `schema/policy.schema.json` (draft 2020-12; embedded as `POLICY_JSON_SCHEMA`), which
 * stays the authority for `policy validate`/`compile` messages; a property test keeps both in
 * agreement.
 */
const nonEmptyString = z.string().min(1);
// Python applies `pattern` with re.search, where `$` also matches before one final "\n".
export const POLICY_ID_PATTERN = /^cavra-[a-z0-9-]+\n?$/;

const uniqueStrings = (items: readonly string[]): boolean => new Set(items).size === items.length;
export const stringListSchema = z
  .array(nonEmptyString)
  .refine(uniqueStrings, { message: 'has non-unique elements' });

export const policyMetadataSchema = z.looseObject({
  id: nonEmptyString.regex(POLICY_ID_PATTERN),
  title: nonEmptyString,
  description: nonEmptyString,
  version: nonEmptyString,
  inherits: z.union([nonEmptyString, z.array(nonEmptyString).min(1).refine(uniqueStrings)]).optional(),
  mode: z.enum(['audit_only', 'enforce', 'strict_regulated', 'break_glass']).optional(),
});
export type PolicyMetadata = z.infer<typeof policyMetadataSchema>;

export const filesystemRulesSchema = z.strictObject({
  block_read: stringListSchema.optional(),
  block_write: stringListSchema.optional(),
  require_approval_write: stringListSchema.optional(),
});

export const commandRulesSchema = z.strictObject({
  block: stringListSchema.optional(),
  allow: stringListSchema.optional(),
  require_approval: stringListSchema.optional(),
});

export const gitRulesSchema = z.looseObject({
  require_pull_request: z.boolean().optional(),
  block_direct_push_to_protected_branch: z.boolean().optional(),
  require_human_reviewer: z.boolean().optional(),
  require_ai_attestation: z.boolean().optional(),
});

export const mcpRulesSchema = z.looseObject({
  allowlist_enabled: z.boolean().optional(),
  block_unknown_servers: z.boolean().optional(),
  allowed_servers: stringListSchema.optional(),
  blocked_servers: stringListSchema.optional(),
  risk_scoring: z.record(z.string(), z.enum(['low', 'medium', 'high', 'critical'])).optional(),
});

/** A policy document: a pack's YAML as written, or a compiled policy JSON. */
export const policySchema = z.looseObject({
  metadata: policyMetadataSchema,
  filesystem: filesystemRulesSchema.optional(),
  commands: commandRulesSchema.optional(),
  git: gitRulesSchema.optional(),
  mcp: mcpRulesSchema.optional(),
  compliance: z.looseObject({ maps_to: stringListSchema.optional() }).optional(),
  approvals: z.looseObject({}).optional(),
  evidence: z.looseObject({}).optional(),
});
export type Policy = z.infer<typeof policySchema>;

/** A compiled policy (`policy compile` output, the `--policy FILE` route) obeys the same schema. */
export const compiledPolicySchema = policySchema;
export type CompiledPolicy = Policy;
