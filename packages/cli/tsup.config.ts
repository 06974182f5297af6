import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library, and run.js (the CLI as modules): @cavra/* and third-party packages stay external.
    entry: ['src/index.ts', 'src/run.ts'],
    format: ['esm'],
    target: 'node20',
    dts: { entry: 'src/index.ts', compilerOptions: { paths: {} } },
    clean: false,
    sourcemap: true,
  },
  {
    // The bin, as a small CommonJS file (faster to start than an ES module entry).
    entry: ['src/bin.ts'],
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    target: 'node20',
    platform: 'node',
    external: ['./run.js'],
    // readRegularFile is inlined: the bin must not load the ESM policy-model before the bundle runs.
    noExternal: ['@cavra/policy-model/node'],
    clean: false,
    sourcemap: true,
  },
  {
    // The whole CLI as one CommonJS file, which bin.cjs runs with V8's code cache: a single
    // decision then loads one pre-compiled file instead of resolving and compiling many modules.
    // batch-worker.cjs: the thread `--batch --workers N` starts, found next to the running bundle.
    entry: { 'cavra-runtime': 'src/bundle-entry.ts', 'batch-worker': 'src/batch-worker.ts' },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    target: 'node20',
    platform: 'node',
    noExternal: [/.*/],
    // The shell parser (1.5 MB) is loaded from node_modules only by `hook`, not read by every decision.
    esbuildOptions(options) {
      options.external = [...(options.external ?? []), 'mvdan-sh'];
    },
    minify: true,
    sourcemap: false,
    clean: false,
  },
]);
