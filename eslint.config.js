// Flat config. The import rules enforce the package and process boundaries of
// docs/architecture.md ("Layout"): every package and app imports only what its package.json
// declares and never reaches above its own folder by a relative path; only apps/desktop/electron/main
// and /preload may import 'electron'; the renderer reaches the core only through the typed API
// object; packages/protocol knows neither Node nor the DOM. tests/unit/boundaries.test.ts probes them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const noElectron = {
  paths: [
    {
      name: 'electron',
      message:
        "Only apps/desktop/electron/main and /preload may import 'electron'; use the interfaces in electron/core/platform.",
    },
  ],
  patterns: [{ group: ['electron/*'], message: "Only apps/desktop/electron/main and /preload may import 'electron'." }],
};

/**
 * svelte-check --incremental (npm run typecheck) resolves an import of a missing .svelte file to
 * svelte's own `declare module '*.svelte'` and passes it; this rule fails it instead.
 */
const svelteImportExists = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const check = (source) => {
      const name = source?.type === 'Literal' ? source.value : undefined;
      if (typeof name !== 'string' || !name.startsWith('.') || !name.endsWith('.svelte')) return;
      if (!existsSync(resolve(dirname(context.filename), name)))
        context.report({
          node: source,
          message: `No component ${name} next to this file: fix the path or the component's name.`,
        });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
    };
  },
};

/**
 * no-restricted-imports sees static imports only: an `import('electron')` in the relay would pass
 * the boundary rules and the typecheck (the root node_modules has it) and fail only where the relay
 * is installed alone. So import() takes a file of its own package (a relative path) and nothing else.
 */
const dynamicImportOwnFiles = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    return {
      ImportExpression(node) {
        const { source } = node;
        const name =
          source.type === 'Literal'
            ? source.value
            : source.type === 'TemplateLiteral' && source.expressions.length === 0
              ? source.quasis[0].value.cooked
              : undefined;
        if (typeof name === 'string' && /^\.{1,2}\//.test(name)) return;
        context.report({
          node: source,
          message:
            'import() only of a file of this package (a relative path); import other modules statically, where the boundary rules check them.',
        });
      },
    };
  },
};

const klinikfunkRules = {
  rules: { 'svelte-import-exists': svelteImportExists, 'dynamic-import-own-files': dynamicImportOwnFiles },
};

const SOURCES = ['*.ts', '*.svelte', '*.svelte.ts'];
const MAX_DEPTH = 8;

/** The desktop core's feature folders are built by core/wiring.ts alone (see "Feature folders" below). */
const noFeatureFromOutside = {
  regex: '(^|/)core/features/',
  message: 'Only the core reaches its feature folders, through core/wiring.ts and features/registry.ts.',
};

/** A module name pattern: `node:*` is every Node built-in, `@klinikfunk/*` every workspace package. */
function moduleRegex(name) {
  const escaped = name.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return escaped.endsWith('*') ? escaped.slice(0, -1) : `${escaped}(/|$)`;
}

/**
 * no-restricted-imports for the files of one package or app: relative imports stay inside `root`
 * (a file d folders deep may climb at most d levels), bare imports only from `allowed` (module
 * names, `x/*` for a scope or prefix) or, without `allowed`, anything but `denied`.
 * Returns one config object per depth, since each needs its own bound. `within` narrows the files
 * to these subfolders of `root` (the bound still counts from `root`, one level per `within` entry);
 * `electron` lets them import it; `ignores` leaves files out; `also(depth)` adds patterns.
 */
function boundary(
  root,
  { allowed, denied = [], electron = false, within, ignores, also = () => [], message, extra = {} },
) {
  const bare = allowed
    ? [{ regex: `^(?!\\.{1,2}/|${allowed.map(moduleRegex).join('|')})`, message }]
    : denied.length > 0
      ? [{ regex: `^(${denied.map(moduleRegex).join('|')})`, message }]
      : [];
  // A brace with one entry is no alternation to minimatch: it would match the braces literally.
  const under = within && (within.length === 1 ? within[0] : `{${within.join(',')}}`);
  const folders = (depth) => (within ? `${under}/${'*/'.repeat(depth - 1)}` : '*/'.repeat(depth));
  return Array.from({ length: MAX_DEPTH }, (_, depth) => depth)
    .filter((depth) => !within || depth > 0)
    .map((depth) => ({
      ...extra,
      files: SOURCES.map((ext) => `${root}/${folders(depth)}${ext}`),
      ...(ignores ? { ignores } : {}),
      rules: {
        'no-restricted-imports': [
          'error',
          {
            ...(electron ? {} : { paths: noElectron.paths }),
            patterns: [
              ...(electron ? [] : noElectron.patterns),
              { regex: `^(\\.\\./){${depth + 1},}`, message: `Stays inside ${root}/: ${message}` },
              ...bare,
              ...also(depth),
            ],
          },
        ],
      },
    }));
}

export default tseslint.config(
  {
    // Build output at any depth (apps/desktop/dist/, apps/desktop/release/), as in .gitignore: a
    // pattern without `**/` matches only beside this file.
    ignores: [
      'node_modules/',
      '**/dist/',
      '**/out/',
      '**/release/',
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
    plugins: { klinikfunk: klinikfunkRules },
  },
  {
    files: [
      'packages/**/*.ts',
      'apps/relay/**/*.ts',
      'apps/desktop/electron/**/*.ts',
      'apps/desktop/renderer/src/**/*.{ts,svelte}',
    ],
    rules: { 'klinikfunk/dynamic-import-own-files': 'error' },
  },
  // The workspace packages (package.json "dependencies" each).
  ...boundary('packages/protocol', {
    allowed: ['zod'],
    message: 'packages/protocol runs anywhere: zod and its own files only (no Node, no DOM, no app code).',
    extra: { languageOptions: { globals: {} } },
  }),
  ...boundary('packages/crypto', {
    allowed: ['@klinikfunk/protocol', 'libsodium-wrappers-sumo', 'node:crypto'],
    message: 'packages/crypto runs in the relay and the desktop core: protocol, libsodium and node:crypto only.',
  }),
  ...boundary('packages/node-common', {
    allowed: ['node:*'],
    message: 'packages/node-common runs in the relay and the desktop main process: Node built-ins only.',
  }),
  // The relay ships alone (npm ci --omit=dev -w klinikfunk-relay): the workspace packages and its
  // own dependencies, never a file of the desktop app.
  ...boundary('apps/relay', {
    allowed: ['@klinikfunk/*', 'node:*', 'better-sqlite3-multiple-ciphers', 'ldapts', 'pg', 'ws', 'zod'],
    message: 'the relay imports only packages/* and its own dependencies (apps/relay/package.json).',
  }),
  // The desktop app: core and IPC under plain Node (no 'electron'), the shell with Electron. Neither
  // the IPC layer nor the shell reaches a feature folder (below): the core's wiring.ts builds them.
  ...boundary('apps/desktop/electron', {
    denied: ['klinikfunk-relay'],
    message: 'the desktop app imports the workspace packages by name, never the relay.',
    also: () => [noFeatureFromOutside],
  }),
  ...boundary('apps/desktop/electron', {
    within: ['main', 'preload'],
    electron: true,
    denied: ['klinikfunk-relay'],
    message: 'the desktop app imports the workspace packages by name, never the relay.',
    also: () => [noFeatureFromOutside],
  }),
  // Feature folders (apps/desktop/electron/core/features/<name>/, registered in features/registry.ts):
  // they build on the core's shared folders (store, sync, crypto, client, app's runtime), never the
  // reverse: only the composition root (core/wiring.ts) imports the registry. A feature reaches no
  // other feature; what they share is the port in features/kit/.
  ...boundary('apps/desktop/electron', {
    within: ['core'],
    ignores: ['apps/desktop/electron/core/features/**'],
    denied: ['klinikfunk-relay'],
    message: 'the desktop app imports the workspace packages by name, never the relay.',
    // Any path naming the features folder (however many `../`, `./` or the app's package name;
    // the protocol's api/features/ is another folder), except the registry from the core's root.
    also: () => [
      {
        regex: '^(?!\\./features/registry\\.ts$)(\\.|klinikfunk/)(.*/)?features/',
        message: 'Features build on the core, not the reverse: only core/wiring.ts imports features/registry.ts.',
      },
    ],
  }),
  ...boundary('apps/desktop/electron', {
    within: ['core/features'],
    denied: ['klinikfunk-relay'],
    message: 'the desktop app imports the workspace packages by name, never the relay.',
    // `within` counts core/features as one level: a file of a feature folder has depth 2 here.
    // The own folder is `./`, the kit `../kit/`: a specifier naming the features folder is never needed.
    also: (depth) =>
      depth < 2
        ? []
        : [
            {
              regex: `^(\\./)?(\\.\\./){${depth - 1}}((?!kit/)[\\w-]+/|[\\w.-]+\\.ts$)|^(\\.|klinikfunk/)(.*/)?features/`,
              message:
                'A feature imports no other feature and not the registry: share through features/kit/ (the documented port) instead.',
            },
          ],
  }),
  {
    // The profile store is reached through its repositories only (profile-store.ts), so moving it
    // off the main thread later is a change of one adapter. The relay's own store (apps/relay/store/)
    // is its repository layer. Tests and bench build fixtures through store/test-database.ts.
    // no-restricted-syntax, not no-restricted-imports: the boundary blocks above own that rule.
    // A feature folder's repository.ts (and <part>-repository.ts beside it) holds that feature's
    // SQL; the store hands it the database (ProfileStore.repository, store/content-features.ts).
    files: ['apps/**/*.ts', 'packages/**/*.ts'],
    ignores: [
      'apps/desktop/electron/core/store/**',
      'apps/relay/store/**',
      'apps/desktop/electron/core/features/*/repository.ts',
      'apps/desktop/electron/core/features/*/*-repository.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='prepare']",
          message:
            "SQL stays in the store: add a method to a repository in apps/desktop/electron/core/store/ (or the feature's repository.ts) instead of preparing a statement here.",
        },
        {
          selector: 'ImportDeclaration[source.value=/store\\/(statements|database)\\.ts$/]',
          message: "The database and its statements stay in the store and the features' repository.ts files.",
        },
        {
          selector: 'ImportDeclaration[source.value=/store\\/test-database\\.ts$/]',
          message: 'Raw store access is for test and bench fixtures only.',
        },
        {
          selector: "ImportSpecifier[imported.name='storeDatabase']",
          message: 'The database stays in the store folder.',
        },
      ],
    },
  },
  {
    // Unit tests of the shell replace 'electron' with a fake via vi.mock.
    files: ['tests/unit/main/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: [
      'apps/desktop/renderer/src/**/*.ts',
      'apps/desktop/renderer/src/**/*.svelte',
      'apps/desktop/renderer/src/**/*.svelte.ts',
    ],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    files: ['apps/desktop/renderer/src/**/*.ts', 'apps/desktop/renderer/src/**/*.svelte'],
    rules: { 'klinikfunk/svelte-import-exists': 'error' },
  },
  ...boundary('apps/desktop/renderer/src', {
    denied: ['node:*', '@klinikfunk/crypto', '@klinikfunk/node-common', 'ws', 'better-sqlite3-multiple-ciphers'],
    message: 'The renderer talks to the core only through window.klinikfunk (@klinikfunk/protocol/api).',
  }),
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
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            'apps/desktop/electron/*/__probe.ts',
            'apps/desktop/electron/core/*/__probe.ts',
            'apps/desktop/electron/core/features/*/__probe.ts',
            'apps/desktop/renderer/src/__probe.ts',
            'apps/relay/__probe.ts',
            'apps/relay/*/__probe.ts',
            'packages/*/__probe.ts',
            'tests/unit/__probe.ts',
          ],
          // Only the boundary test's in-memory probes use the default project; it lints more than
          // the default 8 in one process (one per package and folder it probes).
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 32,
        },
        tsconfigRootDir: import.meta.dirname,
      },
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
    files: ['apps/desktop/renderer/src/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }] },
  },
);
