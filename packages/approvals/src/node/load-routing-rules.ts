import { resolve } from 'node:path';
import { pythonPathString } from '@cavra/evaluator';
import { CavraError, pyStrRepr } from '@cavra/policy-model';
import { isFileReadError, readRegularFile } from '@cavra/policy-model/node';
import { approvalsError } from '../errors.js';
import { defaultRoutingRules, type RoutingRule } from '../route.js';
import { parseRoutingFile } from '../routing-file.js';

/**
 * Python's `load_routing_rules(path)`: the default rules without a path; otherwise the file's
 * validated rules. A relative path is resolved from `cwd`; messages quote the path as given,
 * normalised as Python's `Path` prints it.
 */
export function loadRoutingRules(path?: string | null, options: { cwd?: string } = {}): RoutingRule[] {
  if (path === undefined || path === null) return defaultRoutingRules();
  const shown = pythonPathString(path);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(resolve(options.cwd ?? process.cwd(), path));
  } catch (error) {
    if (!isFileReadError(error)) throw error;
    if (error.reason === 'not_found') {
      throw approvalsError('routing_file_unreadable', 'FileNotFoundError', `approval routing file not found: ${shown}`);
    }
    if (error.reason === 'is_directory') {
      throw approvalsError('routing_file_unreadable', 'IsADirectoryError', `[Errno 21] Is a directory: ${pyStrRepr(shown)}`);
    }
    // FIFOs, devices and oversized files are refused outright (Python would block or read them).
    throw new CavraError('routing_file_unreadable', `cannot read approval routing file ${shown}: ${error.message}`);
  }
  return parseRoutingFile(bytes, shown);
}
