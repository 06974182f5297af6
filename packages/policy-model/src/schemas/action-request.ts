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

/**
 * The schema's fields, read from the schema itself: each is a required or an optional string.
 * Batch mode checks millions of requests; this lets it skip building zod's result objects for
 * the requests that pass, and ask zod only for the issues of those that fail.
 */
const [REQUIRED_FIELDS, OPTIONAL_FIELDS] = ((): [string[], string[]] => {
  const required: string[] = [];
  const optional: string[] = [];
  for (const [key, field] of Object.entries(actionRequestSchema.def.shape)) {
    if (field.def.type === 'string') required.push(key);
    else if (field.def.type === 'optional' && field.def.innerType.def.type === 'string') optional.push(key);
    else throw new Error(`actionRequestSchema.${key}: the fast check handles string fields only`);
  }
  return [required, optional];
})();

/** Exactly `actionRequestSchema.safeParse(value).success`, without allocating. */
export function isActionRequest(value: unknown): value is ActionRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  for (const key of REQUIRED_FIELDS) if (!Object.hasOwn(record, key) || typeof record[key] !== 'string') return false;
  for (const key of OPTIONAL_FIELDS) {
    if (Object.hasOwn(record, key) && record[key] !== undefined && typeof record[key] !== 'string') return false;
  }
  return true;
}
