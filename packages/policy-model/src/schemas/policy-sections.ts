/**
 * Every policy field a decision reads, named once. The evaluator reads the policy through these
 * names, and a test checks each one against the policy JSON Schema, so a renamed or misspelt
 * field cannot silently read as "absent".
 */
export const EVALUATED_POLICY_FIELDS = {
  metadata: { id: 'id' },
  filesystem: {
    blockRead: 'block_read',
    blockWrite: 'block_write',
    requireApprovalWrite: 'require_approval_write',
  },
  commands: { block: 'block', allow: 'allow' },
  mcp: {
    allowedServers: 'allowed_servers',
    blockedServers: 'blocked_servers',
    blockUnknownServers: 'block_unknown_servers',
  },
} as const;

export type EvaluatedPolicySection = keyof typeof EVALUATED_POLICY_FIELDS;
