import { createDecisionEngine } from '@cavra/engine';
import {
  dumpsPyJson,
  fromPlainJson,
  isCavraError,
  isPyDict,
  pyTruthy,
  toPlainJson,
  type PackSource,
  type PyDict,
} from '@cavra/policy-model';
import type { Outcome, ParityCase } from './cases.js';

type Engine = ReturnType<typeof createDecisionEngine>;

/** The decision as a Python-model mapping, whatever container the engine returns. */
function asPyDict(decision: unknown): PyDict {
  if (decision instanceof Map) return decision as PyDict;
  const value = fromPlainJson(decision);
  if (!isPyDict(value)) throw new TypeError('engine returned a non-object decision');
  return value;
}

/**
 * The TypeScript side, in-process: one engine per (policy route, registry), cached like the
 * adapter caches guards, so a run of thousands of cases builds a handful of engines.
 */
export class TypeScriptSide {
  private readonly engines = new Map<string, Engine>();

  constructor(private readonly packs: PackSource) {}

  private engineFor(c: ParityCase): Engine {
    const policyKey = c.policy ? `policy:${c.policy.ref}` : 'packs';
    const registryKey = c.registry ? dumpsPyJson(c.registry.value) : '';
    const key = `${policyKey}\u0000${registryKey}`;
    let engine = this.engines.get(key);
    if (!engine) {
      // Python's path join for pack ids, and its truthiness for an inline registry (a file is always one).
      const registry = c.registry && (c.registry.ref !== undefined || pyTruthy(c.registry.value)) ? c.registry : undefined;
      engine = createDecisionEngine({
        packs: this.packs,
        allowPackPaths: true,
        ...(c.policy ? { compiledPolicy: c.policy.value } : {}),
        ...(registry ? { registry: registry.value } : {}),
      });
      this.engines.set(key, engine);
    }
    return engine;
  }

  decide(c: ParityCase): Outcome {
    try {
      return { kind: 'decision', decision: asPyDict(this.engineFor(c).decide(toPlainJson(c.request))) };
    } catch (error) {
      if (isCavraError(error)) {
        return {
          kind: 'error',
          error: error.python ?? `<no Python equivalent> ${error.code}: ${error.message}`,
        };
      }
      // A crash is not an answer Python could give; it still must show up as a difference.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { kind: 'error', error: `<typescript crash> ${message}` };
    }
  }
}
