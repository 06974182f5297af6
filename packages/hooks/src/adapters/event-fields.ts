import { CavraError } from '@cavra/policy-model';
import type { HookAction } from '../types.js';

export type JsonObject = Record<string, unknown>;

export function invalidEvent(message: string): CavraError {
  return new CavraError('hook_event_invalid', message);
}

export function objectOf(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidEvent(`${what} must be a JSON object`);
  }
  return value as JsonObject;
}

export function optionalString(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidEvent(`${key} must be a string`);
  return value;
}

export function requiredString(object: JsonObject, key: string, what: string): string {
  const value = optionalString(object, key);
  if (value === undefined || value === '') throw invalidEvent(`${what}: ${key} is required`);
  return value;
}

/** The first of `keys` that holds a string (agents have renamed path fields across versions). */
export function firstString(object: JsonObject, keys: readonly string[], what: string): string {
  for (const key of keys) {
    const value = optionalString(object, key);
    if (value !== undefined && value !== '') return value;
  }
  throw invalidEvent(`${what}: one of ${keys.join(', ')} is required`);
}

/** Tool arguments that some agents send as a JSON string. */
export function argumentsObject(value: unknown, what: string): JsonObject {
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalidEvent(`${what} is not valid JSON`);
    }
    return objectOf(parsed, what);
  }
  if (value === undefined || value === null) return {};
  return objectOf(value, what);
}

/** `mcp__<server>__<tool>` (Claude Code, Codex): server and tool, or `undefined` for other names. */
export function mcpToolName(name: string): { server: string; tool: string } | undefined {
  if (!name.startsWith('mcp__')) return undefined;
  const rest = name.slice('mcp__'.length);
  const split = rest.indexOf('__');
  if (split <= 0 || split + 2 >= rest.length) return undefined;
  return { server: rest.slice(0, split), tool: rest.slice(split + 2) };
}

/** A command given as an argument vector (`["bash", "-lc", "..."]`): one shell string for the parser. */
export function commandString(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((word) => typeof word === 'string')) {
    return value.map(shellQuote).join(' ');
  }
  throw invalidEvent(`${what}: command is required`);
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The files an `apply_patch` envelope touches (`*** Add File:`, `*** Update File:`, `*** Delete File:`, `*** Move to:`). */
export function applyPatchWrites(patch: string): HookAction[] {
  const writes: HookAction[] = [];
  for (const line of patch.split(/\r?\n/)) {
    const match = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+)$/.exec(line);
    if (match) writes.push({ kind: 'write', path: (match[1] as string).trim() });
  }
  if (writes.length === 0) throw invalidEvent('apply_patch: the patch names no file');
  return writes;
}
