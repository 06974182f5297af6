import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createDecisionEngine, type DecisionEngine } from '@cavra/engine';
import { isPyDict, parsePyJson, type PackSource, type PyDict } from '@cavra/policy-model';
import { HarnessError } from '../errors.js';
import type { LiveSettings } from '../family.js';

/**
 * The lines of a gzipped JSON Lines recording, parsed with Python's JSON rules. Fails closed: a
 * line that is not an object is a broken fixture, never a case quietly left out.
 */
export function readRecordings(path: string): PyDict[] {
  let text: string;
  try {
    text = gunzipSync(readFileSync(path)).toString('utf8');
  } catch (error) {
    throw new HarnessError('fixture_invalid', `cannot read recording ${path}: ${(error as Error).message}`);
  }
  const out: PyDict[] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    const value = parsePyJson(line);
    if (!isPyDict(value))
      throw new HarnessError('fixture_invalid', `${path}:${index + 1}: a recorded line is not a JSON object`);
    out.push(value);
  });
  return out;
}

/** Live cases per pack for the release-governance and approval-routing families: a quarter of `--num-runs`. */
export const liveCasesPerPack = (settings: LiveSettings): number => Math.max(20, Math.ceil(settings.numRuns / 4));

const engines = new WeakMap<PackSource, DecisionEngine>();

/** One plain pack-route engine per pack source (the decision family's engine cache is keyed by case). */
export function engineFor(packSource: PackSource): DecisionEngine {
  let engine = engines.get(packSource);
  if (!engine) {
    engine = createDecisionEngine({ packs: packSource });
    engines.set(packSource, engine);
  }
  return engine;
}
