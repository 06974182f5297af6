// Packs every public package with `pnpm pack`, installs the tarballs with npm into an empty
// project outside the workspace, and runs the installed CLI: what a user of the npm packages gets.
// Needs `pnpm build` first. A missing build fails this test with that instruction; it never skips.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackage, publicPackages, requireBuilt, type PublicPackage } from '../releasing/workspace.js';

/** The environment without the npm_/pnpm_ variables a `pnpm test` parent sets, so npm behaves as for a user. */
const userEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|PNPM_)/i.test(key)));

const exec = (command: string, args: string[], cwd: string, input?: string) =>
  spawnSync(command, args, { cwd, input, encoding: 'utf8', env: userEnv(), timeout: 240_000 });

let work: string;
let project: string;
let packages: PublicPackage[];
let cliVersion: string;

beforeAll(() => {
  packages = publicPackages();
  requireBuilt(packages); // throws "build output missing (run `pnpm build` first): ..."
  cliVersion = packages.find((p) => p.name === '@cavra/cli')?.version ?? '';
  work = mkdtempSync(join(tmpdir(), 'cavra-pack-install-'));
  const tarballs = join(work, 'tarballs');
  project = join(work, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  const dependencies = Object.fromEntries(
    packages.map((pkg) => [pkg.name, `file:../tarballs/${basename(packPackage(pkg, tarballs))}`]),
  );
  // The tarballs depend on each other by semver range (pnpm rewrote workspace:^); the overrides make
  // npm take those from the local tarballs, while yaml and zod come from the registry as for any user.
  const overrides = Object.fromEntries(packages.map((pkg) => [pkg.name, `$${pkg.name}`]));
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'cavra-pack-install-check', private: true, type: 'module', dependencies, overrides }, null, 2)}\n`,
  );
  const install = exec(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    project,
  );
  if (install.status !== 0)
    throw new Error(`npm install of the tarballs failed:\n${install.stderr}${install.stdout}`);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed npm tarballs, installed with npm into an empty project', () => {
  it('provide the cavra-runtime bin, which prints its version', () => {
    const result = exec(join(project, 'node_modules', '.bin', 'cavra-runtime'), ['--version'], project);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toContain(cliVersion);
  });

  it('decide a request through the installed bin', () => {
    const request = JSON.stringify({
      action_type: 'read_file',
      target: '.env',
      policy_pack: 'cavra-ai-agent-baseline',
    });
    const result = exec(join(project, 'node_modules', '.bin', 'cavra-runtime'), [], project, request);
    expect(result.status, result.stderr).toBe(0);
    const decision = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(decision).toMatchObject({
      decision: 'block',
      rule_id: 'filesystem.read.block',
      severity: 'high',
      target: '.env',
    });
    expect(decision.decision_id).toMatch(/^dec_[0-9a-f]{12}$/);
  });

  it('resolve every package by name with named ESM exports, and nothing outside the tarballs', () => {
    const names = packages.map((p) => p.name);
    const script = `const names = ${JSON.stringify(names)};
for (const name of names) {
  const mod = await import(name);
  const keys = Object.keys(mod);
  if (keys.length === 0 || 'default' in mod) throw new Error(name + ': no named exports or a default export');
  const url = import.meta.resolve(name);
  if (!url.includes('/node_modules/')) throw new Error(name + ' resolved outside node_modules: ' + url);
}
console.log('ok');`;
    const result = exec(process.execPath, ['--input-type=module', '-e', script], project);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('ok');
  });

  it('carry no workspace: specifiers and resolve the third-party dependencies', () => {
    const script = `import { readFileSync } from 'node:fs';
const names = ${JSON.stringify(packages.map((p) => p.name))};
const out = {};
for (const name of names) {
  const manifest = JSON.parse(readFileSync('node_modules/' + name + '/package.json', 'utf8'));
  out[name] = manifest.dependencies ?? {};
}
for (const dep of ['yaml', 'zod']) out[dep] = JSON.parse(readFileSync('node_modules/' + dep + '/package.json', 'utf8')).version;
console.log(JSON.stringify(out));`;
    const result = exec(process.execPath, ['--input-type=module', '-e', script], project);
    expect(result.status, result.stderr).toBe(0);
    const installed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(JSON.stringify(installed)).not.toContain('workspace:');
    expect(installed.yaml).toMatch(/^2\./);
    expect(installed.zod).toMatch(/^4\./);
  });
});
