/**
 * Where decisions are recorded as evidence. The CLI, the agent hooks and the server write every
 * decision they answer through one of these; the tamper-evident, hash-chained file log is the
 * production implementation (`--evidence-log FILE`).
 */
export interface EvidenceEntry {
  /** The request as it was parsed (a JSON object). */
  request: unknown;
  /** The decision as it will be answered (the 17-key object), before the log's own reference is added. */
  decision: Readonly<Record<string, unknown>>;
}

export interface EvidenceSink {
  /**
   * Records one decision and returns the reference to its record (for the decision's
   * `evidence_refs`). Synchronous so that records keep the order of the answers; durability is
   * the sink's own policy (see its documentation), completed by `flush`/`close`.
   * Throws when the record cannot be written: callers must then not answer `allow`.
   */
  append(entry: EvidenceEntry): string;
  /** Makes every record appended so far durable. */
  flush(): Promise<void>;
  /** Flushes and releases the file; later appends throw. */
  close(): Promise<void>;
}
