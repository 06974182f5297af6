import * as z from 'zod/mini';
import { fromPlainJson } from '../python/json-parse.js';
import { POLICY_JSON_SCHEMA } from './policy-json-schema.generated.js';
import { validatePolicy } from '../validate/policy.js';
import type { JsonSchema } from '../validate/json-schema.js';

/*
 * The policy document has one definition: the vendored JSON Schema (`schema/policy.schema.json`,
 * embedded as `POLICY_JSON_SCHEMA`) and one validator, `validatePolicy` (jsonschema's messages).
 * The zod schemas below are views of it for code that works on plain JS data: each runs
 * `validatePolicy` on its part of the JSON Schema, so zod and `policy validate` accept the same
 * documents and report the same messages (`1 is not of type 'string'`). The TypeScript types
 * spell out what the schema guarantees.
 */

// Python applies `pattern` with re.search, where `$` also matches before one final "\n".
export const POLICY_ID_PATTERN = /^cavra-[a-z0-9-]+\n?$/;

type SchemaObject = { readonly [keyword: string]: unknown };
const ROOT = POLICY_JSON_SCHEMA as SchemaObject;
const definitions = ROOT.$defs;
const propertiesOf = (schema: unknown): SchemaObject => (schema as { properties: SchemaObject }).properties;

/** A part of the policy JSON Schema, made self-contained (its `$ref`s resolve against the root's `$defs`). */
const part = (schema: unknown): JsonSchema => ({ ...(schema as SchemaObject), $defs: definitions });

/** A zod schema whose only check is the JSON Schema validator on `schema`; issues carry its paths and messages. */
function jsonSchemaView<T>(schema: JsonSchema): z.ZodMiniType<T> {
  return z.custom<T>().check(
    z.superRefine((value, ctx) => {
      for (const error of validatePolicy(fromPlainJson(value), schema)) {
        ctx.addIssue({ code: 'custom', message: error.message, path: [...error.path], input: value });
      }
    }),
  );
}

export interface PolicyMetadata {
  id: string;
  title: string;
  description: string;
  version: string;
  inherits?: string | string[];
  mode?: 'audit_only' | 'enforce' | 'strict_regulated' | 'break_glass';
  [key: string]: unknown;
}
export interface FilesystemRules {
  block_read?: string[];
  block_write?: string[];
  require_approval_write?: string[];
}
export interface CommandRules {
  block?: string[];
  allow?: string[];
  require_approval?: string[];
}
export interface GitRules {
  require_pull_request?: boolean;
  block_direct_push_to_protected_branch?: boolean;
  require_human_reviewer?: boolean;
  require_ai_attestation?: boolean;
  [key: string]: unknown;
}
export interface McpPolicyRules {
  allowlist_enabled?: boolean;
  block_unknown_servers?: boolean;
  allowed_servers?: string[];
  blocked_servers?: string[];
  risk_scoring?: Record<string, 'low' | 'medium' | 'high' | 'critical'>;
  [key: string]: unknown;
}
export interface PolicyShape {
  metadata: PolicyMetadata;
  filesystem?: FilesystemRules;
  commands?: CommandRules;
  git?: GitRules;
  mcp?: McpPolicyRules;
  compliance?: { maps_to?: string[]; [key: string]: unknown };
  approvals?: Record<string, unknown>;
  evidence?: Record<string, unknown>;
  [key: string]: unknown;
}

export const stringListSchema = jsonSchemaView<string[]>(part((definitions as SchemaObject).stringList));
export const policyMetadataSchema = jsonSchemaView<PolicyMetadata>(part(propertiesOf(ROOT).metadata));
export const filesystemRulesSchema = jsonSchemaView<FilesystemRules>(part(propertiesOf(ROOT).filesystem));
export const commandRulesSchema = jsonSchemaView<CommandRules>(part(propertiesOf(ROOT).commands));
export const gitRulesSchema = jsonSchemaView<GitRules>(part(propertiesOf(ROOT).git));
export const mcpRulesSchema = jsonSchemaView<McpPolicyRules>(part(propertiesOf(ROOT).mcp));

/** A policy document: a pack's YAML as written, or a compiled policy JSON. */
export const policySchema = jsonSchemaView<PolicyShape>(POLICY_JSON_SCHEMA);
export type Policy = z.infer<typeof policySchema>;

/** A compiled policy (`policy compile` output, the `--policy FILE` route) obeys the same schema. */
export const compiledPolicySchema = policySchema;
export type CompiledPolicy = Policy;
