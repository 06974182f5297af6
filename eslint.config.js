import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const namedExportsOnly = { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' };

// @cavra/evaluator and @cavra/registry decide; they must give the same answer anywhere, so they
// import no Node built-in, read no clock and draw no randomness (I/O lives in the */node
// subpaths, the CLI and the harness; ids and time are added by @cavra/evidence).
const PURE_MESSAGE = 'The pure decision packages use no Node built-ins, clock or randomness (see CONTRIBUTING.md).';
const purity = {
  files: ['packages/evaluator/src/**/*.ts', 'packages/registry/src/**/*.ts'],
  ignores: ['packages/registry/src/node/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: builtinModules.map((name) => ({ name, message: PURE_MESSAGE })),
        patterns: [
          { group: ['node:*'], message: PURE_MESSAGE },
          { group: ['@cavra/*/node'], message: PURE_MESSAGE },
        ],
      },
    ],
    'no-restricted-globals': [
      'error',
      ...['Date', 'performance', 'process', 'crypto', 'Buffer', 'require', 'setTimeout', 'setInterval', 'setImmediate', 'fetch'].map(
        (name) => ({ name, message: PURE_MESSAGE }),
      ),
    ],
    'no-restricted-properties': [
      'error',
      { object: 'Math', property: 'random', message: PURE_MESSAGE },
      ...['Date', 'performance', 'process', 'crypto', 'Buffer'].map((property) => ({ object: 'globalThis', property, message: PURE_MESSAGE })),
    ],
    'no-restricted-syntax': [
      'error',
      namedExportsOnly,
      { selector: 'ImportExpression', message: PURE_MESSAGE },
      { selector: "MemberExpression[object.name='globalThis'][computed=true]", message: PURE_MESSAGE },
    ],
  },
};

// eslint-disable-next-line no-restricted-syntax -- eslint reads a config file's default export
export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'parity-report/**', '**/*.generated.ts', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', namedExportsOnly],
    },
  },
  purity,
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
