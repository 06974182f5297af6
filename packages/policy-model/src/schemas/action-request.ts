import * as z from 'zod/mini';

export const ACTION_TYPES = [
  'read_file',
  'write_file',
  'execute_command',
  'git_operation',
  'mcp_tool_call',
] as const;
export const actionTypeSchema = z.enum(ACTION_TYPES);
export type ActionType = z.infer<typeof actionTypeSchema>;

const optionalString = z.optional(z.string());

/**
 * One action request. Every known field is a string; "absent" is meaningful (only an absent
 * identity field gets its default, only an absent git `operation` means `push`), so fields are
 * optional, never defaulted here. Unknown keys are accepted and ignored, as Python ignores them
 * (`requested_operation` is one of them). `action_type` is any string: unknown types fail closed
 * in the evaluator.
 */
export const actionRequestSchema = z.looseObject({
  action_type: z.string(),
  target: optionalString,
  policy_pack: optionalString,
  session_id: optionalString,
  agent_id: optionalString,
  actor: optionalString,
  operation: optionalString,
  requested_operation: optionalString,
  server: optionalString,
  tool: optionalString,
  capability: optionalString,
});
export type ActionRequest = z.infer<typeof actionRequestSchema>;
