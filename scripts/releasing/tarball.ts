import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ReleaseToolError } from './workspace.js';

/** Regular files of an npm tarball (gzip'd ustar), by path, with their bytes. */
export const readTarball = (path: string): Map<string, Buffer> => {
  const tar = gunzipSync(readFileSync(path));
  const files = new Map<string, Buffer>();
  let offset = 0;
  let paxPath: string | undefined;
  const text = (start: number, length: number): string => {
    const raw = tar.subarray(start, start + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
  };
  while (offset + 512 <= tar.length) {
    if (tar.subarray(offset, offset + 512).every((byte) => byte === 0)) break; // end-of-archive block
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = text(offset + 156, 1) || '0';
    const prefix = text(offset + 345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    paxPath = undefined;
    if (type === 'x') {
      // PAX extended header: only `path` matters for comparing contents.
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    } else if (type === '0' || type === '\0') {
      files.set(name, Buffer.from(body));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  if (files.size === 0) throw new ReleaseToolError(`${path}: no files in the tarball`);
  return files;
};

const canonicalJson = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonicalJson((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

/**
 * Digest of each file; `package.json` is compared as JSON with sorted keys, because pnpm may
 * write the workspace dependencies it resolves in a different order from one pack to the next.
 */
export const tarballDigests = (path: string): Map<string, string> => {
  const digests = new Map<string, string>();
  for (const [name, bytes] of readTarball(path)) {
    const content =
      name === 'package/package.json'
        ? JSON.stringify(canonicalJson(JSON.parse(bytes.toString('utf8'))))
        : bytes;
    digests.set(name, createHash('sha256').update(content).digest('hex'));
  }
  return digests;
};

/** Files whose contents (or presence) differ between two npm tarballs; empty when they are the same package. */
export const tarballDifferences = (a: string, b: string): string[] => {
  const [x, y] = [tarballDigests(a), tarballDigests(b)];
  return [...new Set([...x.keys(), ...y.keys()])].filter((name) => x.get(name) !== y.get(name)).sort();
};
