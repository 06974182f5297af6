import { Counter, Histogram, Registry } from 'prom-client';

/** The server's Prometheus metrics, in a registry of its own (not prom-client's global one). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly decisions = new Counter({
    name: 'cavra_decisions_total',
    help: 'Decisions answered, by decision and rule.',
    labelNames: ['decision', 'rule_id'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'cavra_decision_duration_seconds',
    help: 'Time to decide one request (parse to answer line), in seconds.',
    buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly reloads = new Counter({
    name: 'cavra_policy_reloads_total',
    help: 'Policy reloads, by result (ok: swapped in; failed: refused, the last good policy keeps serving).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'cavra_errors_total',
    help: 'Requests answered with an error, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /** The counter child per (decision, rule): prom-client hashes a label object on every `inc` otherwise. */
  private readonly decisionCounters = new Map<string, { inc(): void }>();

  /** Counts one decision (a bounded label set: decisions x rules of the loaded policies). */
  countDecision(decision: string, ruleId: string): void {
    const key = `${decision}\u0000${ruleId}`;
    let child = this.decisionCounters.get(key);
    if (!child) {
      child = this.decisions.labels({ decision, rule_id: ruleId });
      this.decisionCounters.set(key, child);
    }
    child.inc();
  }

  constructor() {
    // Present from the start so that dashboards see zeros rather than nothing.
    this.reloads.inc({ result: 'ok' }, 0);
    this.reloads.inc({ result: 'failed' }, 0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
