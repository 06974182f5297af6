import { CavraError, PyJsonSyntaxError, parsePyJson, type PyValue } from '@cavra/policy-model';
import { readPythonTextFile } from '@cavra/policy-model/node';
import { buildTrustRegistry, type TrustRegistry } from '../trust-registry.js';

/**
 * Read and parse a registry JSON file as Python does (`json.loads(read_text(encoding='utf-8'))`):
 * a regular file of bounded size only (a FIFO or `/dev/zero` is `registry_unreadable` at once),
 * strict UTF-8 (an invalid byte is `registry_invalid` with Python's `UnicodeDecodeError` line,
 * not a U+FFFD), a BOM refused as `json.loads` refuses it, nesting bounded like Python's.
 */
export function readTrustRegistryDocument(path: string): PyValue {
  return parseTrustRegistryText(readTrustRegistryText(path), path);
}

/** The text of a registry file, read as `readTrustRegistryDocument` reads it. */
export function readTrustRegistryText(path: string): string {
  return readPythonTextFile(path, {
    unreadable: 'registry_unreadable',
    undecodable: 'registry_invalid',
    what: 'trust registry',
  });
}

/** A registry file's text (read from `path`) parsed as `readTrustRegistryDocument` parses it. */
export function parseTrustRegistryText(text: string, path: string): PyValue {
  try {
    return parsePyJson(text);
  } catch (error) {
    if (error instanceof PyJsonSyntaxError) {
      throw new CavraError('registry_invalid', `trust registry ${path} is not valid JSON: ${error.message}`, {
        python: error.pythonLine,
      });
    }
    throw error;
  }
}

/** Load a trust-registry JSON file and normalise it exactly as Python does. */
export function loadTrustRegistryFile(path: string): TrustRegistry {
  return buildTrustRegistry(readTrustRegistryDocument(path));
}
