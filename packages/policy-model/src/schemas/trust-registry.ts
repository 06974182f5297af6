import * as z from 'zod/mini';

export const TRUST_TIERS = ['approved', 'blocked', 'experimental', 'trusted', 'unknown'] as const;
export const trustTierSchema = z.enum(TRUST_TIERS);
export type TrustTier = z.infer<typeof trustTierSchema>;

export const APPROVAL_STATES = ['approved', 'denied', 'not_required', 'pending'] as const;
export const approvalStateSchema = z.enum(APPROVAL_STATES);
export type ApprovalState = z.infer<typeof approvalStateSchema>;

/** One MCP server record after Python's normalisation (`normalize_mcp_server_record`). */
export const mcpServerRecordSchema = z.object({
  server_id: z.string().check(z.minLength(1)),
  name: z.string(),
  trust_tier: trustTierSchema,
  approval_state: approvalStateSchema,
  capabilities: z.array(z.string()),
  allowed_tools: z.array(z.string()),
  evidence_refs: z.array(z.string()),
});
export type McpServerRecord = z.infer<typeof mcpServerRecordSchema>;

/**
 * A trust-registry file as written by people: only `mcp_servers` is read (other keys such as
 * `agents` are ignored). Records are loose: Python normalises ids, defaults, string-or-list
 * fields and `str()` of items (see `@cavra/registry`), so the record shape is checked there.
 */
export const trustRegistryFileSchema = z.looseObject({
  mcp_servers: z.optional(z.array(z.unknown())),
});
export type TrustRegistryFile = z.infer<typeof trustRegistryFileSchema>;
