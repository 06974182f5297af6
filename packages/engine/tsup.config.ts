import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node/index.ts', 'src/node/batch-worker-entry.ts'],
  format: ['esm'],
  target: 'node20',
  dts: { compilerOptions: { paths: {} } },
  clean: true,
  sourcemap: true,
});
