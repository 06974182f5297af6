import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.js';

/** How to run the Python CAVRA checkout (docs/python-compatibility.md, "Driving Python for live parity"). */
export interface PythonCheckout {
  /** Absolute checkout root: contains `src/cavra/`. */
  root: string;
  /** Interpreter command, default `python3`. */
  python: string;
  /** The pack directory Python is pointed at; set explicitly so the cwd cannot change it. */
  policyDir: string;
}

const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/** Validate a `--python-root`; a wrong path is a setup error with a clear message. */
export function resolveCheckout(root: string, python: string, policyDir: string): PythonCheckout {
  const absolute = resolve(root);
  if (!isDir(absolute)) {
    throw new HarnessError(
      'python_not_found',
      `Python CAVRA checkout not found: ${absolute} is not a directory`,
    );
  }
  if (!isDir(join(absolute, 'src', 'cavra'))) {
    throw new HarnessError(
      'python_not_found',
      `Python CAVRA checkout not found: ${absolute} has no src/cavra/ (expected a CAVRA checkout root)`,
    );
  }
  if (!isDir(policyDir))
    throw new HarnessError('python_not_found', `policy directory not found: ${policyDir}`);
  return { root: absolute, python, policyDir: resolve(policyDir) };
}

/** Environment for every Python process: import path, wide Rich console, UTF-8, explicit packs. */
export function pythonEnv(
  checkout: PythonCheckout,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const pythonPath = [join(checkout.root, 'src'), process.env.PYTHONPATH].filter(Boolean).join(':');
  return {
    PYTHONPATH: pythonPath,
    COLUMNS: '100000',
    PYTHONIOENCODING: 'utf-8',
    PYTHONDONTWRITEBYTECODE: '1',
    CAVRA_POLICY_DIR: checkout.policyDir,
    ...extra,
  };
}
