import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CavraError } from '@cavra/policy-model';
import { MAX_RECORD_LINE_BYTES } from './file-log.js';
import {
  GENESIS_HASH,
  parseRecordLine,
  signatureProblem,
  type EvidenceVerificationKey,
  type RecordProblemCode,
} from './record.js';

/** The first record that is not intact, and why. */
export interface BrokenRecord {
  /** 1-based line number in the file. */
  line: number;
  /** The sequence the record states, when it could be read; else null. */
  sequence: number | null;
  code: RecordProblemCode;
  message: string;
}

/** The outcome of checking a whole log. */
export interface LogVerificationReport {
  ok: boolean;
  /** Intact records (before the first broken one, if any). */
  records: number;
  first_sequence: number | null;
  last_sequence: number | null;
  /** `record_hash` of the last intact record (the genesis value when there is none). */
  head_hash: string;
  /** How many intact records carry a signature. */
  signed_records: number;
  /** `verified`: a key was given and every record's signature checked; `not_checked`: no key given. */
  signatures: 'verified' | 'not_checked';
  broken?: BrokenRecord;
}

export interface VerifyLogOptions {
  /** Check every record's signature with this key (an unsigned record is then broken). */
  key?: EvidenceVerificationKey;
}

/**
 * Checks a log line by line: each line is the canonical JSON of its record, its `record_hash` is
 * the hash of the rest, sequences run 1, 2, 3, … and each `previous_hash` is the record before's
 * hash (the first: the genesis value), and, with a key, each signature verifies. Stops at the
 * first broken record. A log cut exactly at a line boundary reads as a shorter intact log: compare
 * `head_hash` or `records` with a value kept elsewhere to detect that.
 */
export class EvidenceLogVerifier {
  private readonly key: EvidenceVerificationKey | undefined;
  private lineNumber = 0;
  private records = 0;
  private signed = 0;
  private firstSequence: number | null = null;
  private lastSequence: number | null = null;
  private head = GENESIS_HASH;
  private broken: BrokenRecord | undefined;

  constructor(options: VerifyLogOptions = {}) {
    this.key = options.key;
  }

  get done(): boolean {
    return this.broken !== undefined;
  }

  /** One complete line, without its newline. */
  line(bytes: Uint8Array): void {
    if (this.broken) return;
    this.lineNumber++;
    const parsed = parseRecordLine(bytes);
    if ('problem' in parsed) {
      this.broken = { line: this.lineNumber, sequence: sequenceOf(bytes), ...parsed.problem };
      return;
    }
    const { record } = parsed;
    const expected = this.records + 1;
    const fail = (code: RecordProblemCode, message: string): void => {
      this.broken = { line: this.lineNumber, sequence: record.sequence, code, message };
    };
    if (record.sequence !== expected) {
      return fail(
        'sequence_mismatch',
        `sequence ${record.sequence} where ${expected} was expected (a record was deleted, moved or inserted)`,
      );
    }
    if (record.previous_hash !== this.head) {
      return fail(
        'previous_hash_mismatch',
        `previous_hash ${record.previous_hash} is not the hash of the record before (${this.head})`,
      );
    }
    if (this.key) {
      const problem = signatureProblem(record, this.key);
      if (problem) return fail(problem.code, problem.message);
    }
    if (record.signature) this.signed++;
    this.records++;
    this.firstSequence ??= record.sequence;
    this.lastSequence = record.sequence;
    this.head = record.record_hash;
  }

  /** Bytes after the last newline of the file (a torn or truncated record), when there are any. */
  tail(bytes: Uint8Array): void {
    if (this.broken || bytes.length === 0) return;
    this.lineNumber++;
    this.broken = {
      line: this.lineNumber,
      sequence: sequenceOf(bytes),
      code: 'torn',
      message: `the last line (${bytes.length} bytes) has no newline: a write was cut short or the record was truncated`,
    };
  }

  tooLong(): void {
    if (this.broken) return;
    this.lineNumber++;
    this.broken = {
      line: this.lineNumber,
      sequence: null,
      code: 'line_too_long',
      message: `line is longer than ${MAX_RECORD_LINE_BYTES} bytes`,
    };
  }

  report(): LogVerificationReport {
    return {
      ok: this.broken === undefined,
      records: this.records,
      first_sequence: this.firstSequence,
      last_sequence: this.lastSequence,
      head_hash: this.head,
      signed_records: this.signed,
      signatures: this.key ? 'verified' : 'not_checked',
      ...(this.broken ? { broken: this.broken } : {}),
    };
  }
}

/**
 * The `"sequence":N` a damaged line states, for the report; null when there is none. The last
 * match: the top-level key sorts after `request`, which may hold a `sequence` key of its own.
 */
function sequenceOf(bytes: Uint8Array): number | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let stated: number | null = null;
  for (const match of text.matchAll(/"sequence":(\d{1,15})[,}]/g)) stated = Number(match[1]);
  return stated;
}

/** Checks a whole log held in memory. */
export function verifyEvidenceLogBytes(
  bytes: Uint8Array,
  options: VerifyLogOptions = {},
): LogVerificationReport {
  const verifier = new EvidenceLogVerifier(options);
  let start = 0;
  for (
    let newline = bytes.indexOf(0x0a);
    newline !== -1 && !verifier.done;
    newline = bytes.indexOf(0x0a, start)
  ) {
    verifier.line(bytes.subarray(start, newline));
    start = newline + 1;
  }
  if (!verifier.done) verifier.tail(bytes.subarray(start));
  return verifier.report();
}

/** Checks the log file at `path`, reading it in chunks (memory stays bounded by the longest line). */
export function verifyEvidenceLogFile(path: string, options: VerifyLogOptions = {}): LogVerificationReport {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CavraError(
      'input_unreadable',
      `cannot read evidence log ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    if (!fstatSync(fd).isFile())
      throw new CavraError('input_unreadable', `evidence log ${path} is not a regular file`);
    const verifier = new EvidenceLogVerifier(options);
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let skipping = false; // inside an over-long line
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      let start = 0;
      for (
        let newline = chunk.indexOf(0x0a, 0);
        newline !== -1 && newline < read;
        newline = chunk.indexOf(0x0a, start)
      ) {
        if (skipping) verifier.tooLong();
        else if (carryBytes + newline - start > MAX_RECORD_LINE_BYTES) verifier.tooLong();
        else
          verifier.line(
            carryBytes === 0
              ? chunk.subarray(start, newline)
              : Buffer.concat([...carry, chunk.subarray(start, newline)]),
          );
        carry = [];
        carryBytes = 0;
        skipping = false;
        start = newline + 1;
        if (verifier.done) return verifier.report();
      }
      if (start < read && !skipping) {
        carry.push(Buffer.from(chunk.subarray(start, read)));
        carryBytes += read - start;
        if (carryBytes > MAX_RECORD_LINE_BYTES) {
          skipping = true;
          carry = [];
          carryBytes = 0;
        }
      }
    }
    if (skipping) verifier.tooLong();
    else verifier.tail(Buffer.concat(carry));
    return verifier.report();
  } catch (error) {
    if (error instanceof CavraError) throw error;
    throw new CavraError(
      'input_unreadable',
      `cannot read evidence log ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  } finally {
    closeSync(fd);
  }
}
