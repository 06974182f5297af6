import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderBundledData } from '../../../../scripts/generate-bundled-data.js';
import { bundledPackSource } from '../../src/packs/bundled-pack-source.js';
import { loadPyYaml } from '../../src/yaml/index.js';

describe('embedded pack data', () => {
  it('is generated from the vendored files (run `pnpm generate` after editing them)', () => {
    for (const [file, text] of Object.entries(renderBundledData())) expect(readFileSync(file, 'utf8'), file).toBe(text);
  });

  it('pre-parsed documents equal what the YAML loader reads, and are fresh copies', () => {
    for (const id of bundledPackSource.listPackIds()) {
      expect(bundledPackSource.readPackDocument(id)).toEqual(loadPyYaml(bundledPackSource.readPackText(id)));
      expect(bundledPackSource.readPackDocument(id)).not.toBe(bundledPackSource.readPackDocument(id));
    }
  });

  it('resolves ids as paths relative to the pack root', () => {
    expect(bundledPackSource.readPackText('./cavra-hipaa/')).toBe(bundledPackSource.readPackText('cavra-hipaa'));
    for (const id of ['/cavra-hipaa', 'x/cavra-hipaa', 'CAVRA-HIPAA', '', '.']) {
      expect(() => bundledPackSource.readPackDocument(id), id).toThrowError(expect.objectContaining({ code: 'pack_not_found' }) as Error);
    }
  });
});
