import { readFileSync } from 'node:fs';
import { CavraError, PyJsonSyntaxError, parsePyJson, type PyValue } from '@cavra/policy-model';
import { buildTrustRegistry, type TrustRegistry } from './trust-registry.js';

/** Read and parse a registry JSON file (UTF-8, Python `json.load` semantics). */
export function readTrustRegistryDocument(path: string): PyValue {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : String(error);
    throw new CavraError('registry_unreadable', `cannot read trust registry ${path}: ${reason}`, {
      python: `FileNotFoundError: [Errno 2] No such file or directory: '${path}'`,
    });
  }
  try {
    return parsePyJson(text);
  } catch (error) {
    if (error instanceof PyJsonSyntaxError) {
      throw new CavraError('registry_invalid', `trust registry ${path} is not valid JSON: ${error.message}`, {
        python: `JSONDecodeError: ${error.message}`,
      });
    }
    throw error;
  }
}

/** Load a trust-registry JSON file and normalise it exactly as Python does. */
export function loadTrustRegistryFile(path: string): TrustRegistry {
  return buildTrustRegistry(readTrustRegistryDocument(path));
}
