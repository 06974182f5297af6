/** A problem at one place in an input document; `path` is a dot path (`mcp_servers.2.trust_tier`), `''` for the root. */
export interface Issue {
  path: string;
  message: string;
}

/**
 * Every error code the enforcement plane can report. Codes are stable (machine-readable);
 * the CLI turns them into exit codes in exactly one place (`@cavra/cli` `exitCodeFor`).
 */
export const ERROR_CODES = [
  'usage',
  'input_unreadable',
  'invalid_json',
  'invalid_request',
  'request_too_large',
  'pack_not_found',
  'pack_not_allowed',
  'pack_invalid',
  'policy_yaml',
  'policy_unreadable',
  'policy_invalid',
  'registry_unreadable',
  'registry_invalid',
  'compile_failed',
  'output_failed',
  'evidence_unreadable',
  'evidence_invalid',
  'release_verification_failed',
  'release_governance_invalid',
  'decision_invalid',
  'routing_invalid',
  'routing_file_unreadable',
  'routing_file_invalid',
  'approval_invalid',
  'hook_event_invalid',
  'hook_timeout',
  'config_invalid',
  'config_unreadable',
  // the server, its client and the daemon lifecycle (`cavra-runtime serve` / `--daemon` / `daemon`)
  'evidence_unavailable',
  'daemon_unavailable',
  'server_unavailable',
  'not_found',
  'unauthorized',
  'socket_in_use',
  'internal',
  // evidence log (@cavra/evidence openEvidenceLog / verify-log)
  'evidence_unwritable',
  'evidence_log_locked',
  'evidence_log_torn',
  'evidence_log_corrupt',
  'evidence_key_invalid',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A typed, expected failure. `python` is the line the Python reference prints for the same
 * cause (`"PolicyRegistryError: Policy pack 'x' not found."`) where there is one, so a parity
 * harness can compare failures as well as decisions.
 */
export class CavraError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly Issue[] | undefined;
  readonly python: string | undefined;

  constructor(code: ErrorCode, message: string, options: { issues?: readonly Issue[]; python?: string } = {}) {
    super(message);
    this.name = 'CavraError';
    this.code = code;
    this.issues = options.issues;
    this.python = options.python;
  }

  toJSON(): { code: ErrorCode; message: string; issues?: readonly Issue[]; python?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.issues ? { issues: this.issues } : {}),
      ...(this.python ? { python: this.python } : {}),
    };
  }
}

export const isCavraError = (error: unknown): error is CavraError => error instanceof CavraError;
