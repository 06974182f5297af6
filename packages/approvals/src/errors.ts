import { CavraError, type ErrorCode } from '@cavra/policy-model';

/** A Python exception of the approvals module, as a typed error carrying Python's line. */
export function approvalsError(code: ErrorCode, pythonType: string, message: string): CavraError {
  return new CavraError(code, message, { python: `${pythonType}: ${message}` });
}
