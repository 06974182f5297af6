import { SigningError } from './errors.js';

export interface ChecksumEntry {
  name: string;
  /** 64 lowercase hex digits */
  sha256: string;
}

/**
 * Release file names are plain base names: no directories, no leading dot, no characters that
 * `sha256sum` would escape. Anything else could point outside the release directory.
 */
const SAFE_NAME = /^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*$/;
const LINE = /^([0-9a-fA-F]{64}) ([ *])(.*)$/;

export const isSafeReleaseFileName = (name: string): boolean => SAFE_NAME.test(name) && name !== '..';

/** `sha256sum` text mode output: `<hex>  <name>` per line, in the order given. */
export const formatChecksums = (entries: readonly ChecksumEntry[]): string =>
  entries.map((entry) => `${entry.sha256}  ${entry.name}\n`).join('');

/**
 * Parses `sha256sum` output (text `  ` or binary ` *` separator). Throws
 * `SigningError('invalid_checksums')` naming every malformed, unsafe or duplicated line.
 */
export const parseChecksums = (text: string): ChecksumEntry[] => {
  const entries: ChecksumEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  // A trailing newline is normal; an empty line elsewhere is not sha256sum output.
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) problems.push('no entries');
  lines.forEach((line, index) => {
    const match = LINE.exec(line);
    const where = `line ${index + 1}`;
    if (!match) {
      problems.push(`${where}: not "<sha256>  <name>"`);
      return;
    }
    const name = match[3] ?? '';
    if (!isSafeReleaseFileName(name)) {
      problems.push(`${where}: unsafe file name ${JSON.stringify(name)}`);
      return;
    }
    if (seen.has(name)) {
      problems.push(`${where}: ${name} listed twice`);
      return;
    }
    seen.add(name);
    entries.push({ name, sha256: (match[1] ?? '').toLowerCase() });
  });
  if (problems.length > 0)
    throw new SigningError('invalid_checksums', `checksums.txt: ${problems.join('; ')}`);
  return entries;
};
