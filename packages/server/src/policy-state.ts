import { CavraError } from '@cavra/policy-model';
import type { DecisionEngine } from '@cavra/engine';

/** One fully loaded, validated policy: the engine and what it was built from. */
export interface LoadedPolicy {
  engine: DecisionEngine;
  /** SHA-256 (hex) over the policy sources the engine was built from. */
  digest: string;
  /** Files and directories whose change should trigger a reload. */
  watchPaths: readonly string[];
}

/** Builds and validates a policy from its sources; throws (a `CavraError`) when they are invalid. */
export type PolicyLoader = () => LoadedPolicy;

/** Computes the digest of the current sources without loading them (cheap; used to detect changes). */
export type PolicyDigester = () => string;

export interface PolicyStatus {
  digest: string;
  /** When the serving policy was loaded (ISO 8601, UTC). */
  loadedAt: string;
  /** The last refused reload, if it came after the serving policy was loaded. */
  lastReloadError: { code: string; message: string; at: string } | null;
  reloads: { ok: number; failed: number };
}

export type ReloadResult =
  | { ok: true; changed: boolean; digest: string }
  | { ok: false; error: { code: string; message: string } };

/**
 * The serving policy. A reload builds and validates a complete new policy off to the side and
 * only then swaps one reference, so a request (which reads `current` once) always sees either the
 * old or the new policy whole, never a mix; a refused reload leaves the last good one serving.
 */
export class PolicyHolder {
  private policy: LoadedPolicy;
  private loadedAt: Date;
  private lastError: PolicyStatus['lastReloadError'] = null;
  private readonly counts = { ok: 0, failed: 0 };

  constructor(
    private readonly load: PolicyLoader,
    private readonly now: () => Date = () => new Date(),
    private readonly onReload: (result: ReloadResult) => void = () => undefined,
  ) {
    this.policy = load();
    this.loadedAt = now();
  }

  get current(): LoadedPolicy {
    return this.policy;
  }

  reload(): ReloadResult {
    let result: ReloadResult;
    try {
      const next = this.load();
      const changed = next.digest !== this.policy.digest;
      this.policy = next;
      this.loadedAt = this.now();
      this.lastError = null;
      this.counts.ok++;
      result = { ok: true, changed, digest: next.digest };
    } catch (error) {
      const code = error instanceof CavraError ? error.code : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      this.lastError = { code, message, at: this.now().toISOString() };
      this.counts.failed++;
      result = { ok: false, error: { code, message } };
    }
    this.onReload(result);
    return result;
  }

  status(): PolicyStatus {
    return {
      digest: this.policy.digest,
      loadedAt: this.loadedAt.toISOString(),
      lastReloadError: this.lastError,
      reloads: { ...this.counts },
    };
  }
}
