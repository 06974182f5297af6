import * as z from 'zod/mini';

export const decisionValueSchema = z.enum(['allow', 'block', 'require_approval']);
export type DecisionValue = z.infer<typeof decisionValueSchema>;

export const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof severitySchema>;

export const approverGroupSchema = z.nullable(
  z.enum(['Platform Security', 'Repository Owners', 'AI Governance', 'Release Governance']),
);
export type ApproverGroup = z.infer<typeof approverGroupSchema>;

/** The deterministic part of a decision: everything except the four volatile fields. */
export const decisionCoreSchema = z.strictObject({
  session_id: z.string(),
  agent_id: z.string(),
  actor: z.string(),
  action_type: z.string(),
  target: z.nullable(z.string()),
  requested_operation: z.nullable(z.string()),
  policy_pack: z.string(),
  policy_id: z.string(),
  rule_id: z.string(),
  decision: decisionValueSchema,
  severity: severitySchema,
  reason: z.string(),
  approver_group: approverGroupSchema,
});
export type DecisionCore = z.infer<typeof decisionCoreSchema>;

export const DECISION_ID_PATTERN = /^dec_[0-9a-f]{12}$/;
export const CORRELATION_ID_PATTERN = /^corr_[0-9a-f]{12}$/;
/** Python `datetime.isoformat()` of a UTC time: 6 fraction digits, or none when the microsecond is 0. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{6})?\+00:00$/;

/** Python's `ActionDecision.to_dict()` key order. */
export const DECISION_KEYS = [
  'decision_id',
  'session_id',
  'agent_id',
  'actor',
  'action_type',
  'target',
  'requested_operation',
  'policy_pack',
  'policy_id',
  'rule_id',
  'decision',
  'severity',
  'reason',
  'evidence_refs',
  'approver_group',
  'timestamp',
  'correlation_id',
] as const;

export const VOLATILE_DECISION_KEYS = [
  'decision_id',
  'evidence_refs',
  'timestamp',
  'correlation_id',
] as const;

/** The full 17-key decision object, as Python's `to_dict()` returns it. */
export const decisionSchema = z
  .strictObject({
    ...decisionCoreSchema.shape,
    decision_id: z.string().check(z.regex(DECISION_ID_PATTERN)),
    evidence_refs: z.tuple([z.string()]),
    timestamp: z.string().check(z.regex(TIMESTAMP_PATTERN)),
    correlation_id: z.string().check(z.regex(CORRELATION_ID_PATTERN)),
  })
  .check(
    z.superRefine((decision, ctx) => {
      const expected = `evidence://${decision.session_id}/${decision.decision_id}`;
      if (decision.evidence_refs[0] !== expected) {
        ctx.addIssue({
          code: 'custom',
          path: ['evidence_refs', 0],
          message: `expected ${expected}`,
          input: decision,
        });
      }
      if (decision.policy_id !== decision.policy_pack) {
        ctx.addIssue({
          code: 'custom',
          path: ['policy_id'],
          message: 'must equal policy_pack',
          input: decision,
        });
      }
    }),
  );
export type Decision = z.infer<typeof decisionSchema>;
