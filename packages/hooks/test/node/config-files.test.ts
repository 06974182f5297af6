import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyAgentConfig } from '../../src/node/index.js';

const root = mkdtempSync(join(tmpdir(), 'cavra-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CMD = '/usr/bin/node /opt/cavra/bin.cjs hook claude-code --project /p';

describe('applyAgentConfig (real files)', () => {
  it('creates, leaves unchanged, and removes', () => {
    const project = join(root, 'a');
    mkdirSync(project);
    expect(applyAgentConfig(project, 'claude-code', CMD)).toMatchObject({ change: 'created' });
    const written = readFileSync(join(project, '.claude/settings.json'), 'utf8');
    expect(applyAgentConfig(project, 'claude-code', CMD)).toMatchObject({ change: 'unchanged' });
    expect(readFileSync(join(project, '.claude/settings.json'), 'utf8')).toBe(written);
    expect(applyAgentConfig(project, 'claude-code', CMD, true)).toMatchObject({ change: 'updated' });
    expect(readFileSync(join(project, '.claude/settings.json'), 'utf8')).toBe('{}\n');
    expect(readdirSync(join(project, '.claude'))).toEqual(['settings.json']); // no temp file left
  });

  it('leaves a bad file untouched and says why', () => {
    const project = join(root, 'b');
    mkdirSync(join(project, '.claude'), { recursive: true });
    writeFileSync(join(project, '.claude/settings.json'), '{ "hooks": ');
    expect(() => applyAgentConfig(project, 'claude-code', CMD)).toThrow(/not valid JSON.*left untouched/);
    expect(readFileSync(join(project, '.claude/settings.json'), 'utf8')).toBe('{ "hooks": ');
  });

  it('refuses a config path that is not a regular file', () => {
    const project = join(root, 'c');
    mkdirSync(join(project, '.claude/settings.json'), { recursive: true });
    expect(() => applyAgentConfig(project, 'claude-code', CMD)).toThrow(/cannot read it \(is_directory\)/);
  });

  it('keeps the file mode', () => {
    const project = join(root, 'd');
    mkdirSync(join(project, '.cursor'), { recursive: true });
    writeFileSync(join(project, '.cursor/hooks.json'), '{"version": 1, "hooks": {}}');
    chmodSync(join(project, '.cursor/hooks.json'), 0o600);
    applyAgentConfig(project, 'cursor', CMD.replace('claude-code', 'cursor'));
    expect(readFileSync(join(project, '.cursor/hooks.json'), 'utf8')).toContain('beforeShellExecution');
  });

  it('deletes its own Copilot file on remove', () => {
    const project = join(root, 'e');
    mkdirSync(project);
    applyAgentConfig(project, 'copilot', CMD.replace('claude-code', 'copilot'));
    expect(existsSync(join(project, '.github/hooks/cavra.json'))).toBe(true);
    expect(applyAgentConfig(project, 'copilot', '', true)).toMatchObject({ change: 'removed' });
    expect(existsSync(join(project, '.github/hooks/cavra.json'))).toBe(false);
  });
});
