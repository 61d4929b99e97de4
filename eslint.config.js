// Flat config. The import rules enforce the process boundaries of docs/architecture.md:
// only electron/main and electron/preload may import 'electron'; the renderer reaches the
// core only through the typed API object; shared/ knows neither Node nor the DOM.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const noElectron = {
  paths: [
    {
      name: 'electron',
      message:
        "Only electron/main and electron/preload may import 'electron'; use the interfaces in electron/core/platform.",
    },
  ],
  patterns: [{ group: ['electron/*'], message: "Only electron/main and electron/preload may import 'electron'." }],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      'release/',
      '.tsbuild/',
      '**/.svelte-check/',
      'test-results/',
      'playwright-report/',
      'bench/results.json',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', noElectron],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Unit tests of the shell replace 'electron' with a fake via vi.mock.
    files: ['tests/unit/main/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.svelte', 'renderer/src/**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [
            ...noElectron.patterns,
            {
              group: ['**/electron/**', '**/server/**', 'node:*'],
              message: 'The renderer talks to the core only through window.klinikfunk (shared/api).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron.paths,
          patterns: [
            ...noElectron.patterns,
            {
              group: ['node:*', '**/electron/**', '**/renderer/**', '**/server/**'],
              message: 'shared/ runs anywhere: no Node, no DOM, no app code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/harness/browser/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // A rejected promise nobody awaits ends the process (Node's default), so every promise is
    // awaited, returned, or given a .catch that logs; `void` does not count as handling it. A switch
    // over a union names every member, even when a default follows (with `const _unhandled: never`
    // there, the typecheck lists each switch a new member must reach). Type-aware, so on every .ts
    // file: product, tests, harness, benchmarks, scripts. Not on .svelte scripts: the Svelte parser
    // hands each one to the type checker as a changed file: measured, that doubled the lint's CPU
    // time (renderer/src alone 93 s, most of it svelte/require-store-reactive-access turning
    // type-aware).
    files: ['**/*.ts'],
    // The boundary test lints probe files that exist only in memory: they get the default project.
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['electron/*/__probe.ts', 'renderer/src/__probe.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    // The renderer has no process to lose and call() turns every failure into a Result the screen
    // shows, so `void` marks work started on purpose without waiting (with a comment saying why).
    files: ['renderer/src/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }] },
  },
);
