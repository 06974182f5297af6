import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePyJson, type PyValue } from '@cavra/policy-model';

// The same depth from src/ and dist/, so sources (tests) and the build (bench, harness) agree.
/** `fixtures/oracle/` (with a trailing slash): data recorded from the Python runtime. */
export const ORACLE_DIR = fileURLToPath(new URL('../../../fixtures/oracle/', import.meta.url));
/** `fixtures/regressions/`: counterexamples the parity harness recorded (`--record`). */
export const REGRESSIONS_DIR = fileURLToPath(new URL('../../../fixtures/regressions/', import.meta.url));

/** Absolute path of a file under `fixtures/oracle/` (corpus references are relative to it). */
export const oraclePath = (relativePath: string): string =>
  fileURLToPath(new URL(relativePath, `file://${ORACLE_DIR}`));

/** A recorded JSON file (compiled policy, registry) in the Python value model. */
export const readOracleJson = (relativePath: string): PyValue =>
  parsePyJson(readFileSync(oraclePath(relativePath), 'utf8'));

/** A recorded file's text, byte for byte (compile outputs are compared as text). */
export const readOracleText = (relativePath: string): string =>
  readFileSync(oraclePath(relativePath), 'utf8');
