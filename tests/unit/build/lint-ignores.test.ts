// The desktop app builds into apps/desktop/dist/ (esbuild, vite) and packages into
// apps/desktop/release/ (electron-builder). `npm run lint` must not lint that output: after a
// `npm run build`, `npm run demo` or `npm run test:e2e` the bundles would fail it with hundreds of
// errors that no source file has.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: root });

describe('lint ignores', () => {
  it.each([
    'apps/desktop/dist/electron/main.cjs',
    'apps/desktop/dist/electron/preload.cjs',
    'apps/desktop/dist/renderer/assets/index.js',
    'apps/desktop/release/linux-unpacked/resources/app/dist/electron/main.cjs',
    'dist/electron/main.cjs',
  ])('skips the build output %s', async (file) => {
    expect(await eslint.isPathIgnored(resolve(root, file))).toBe(true);
  });

  it.each([
    'apps/desktop/electron/main/main.ts',
    'apps/relay/main.ts',
    'scripts/build-electron.ts',
    'eslint.config.js',
  ])('lints the source %s (control)', async (file) => {
    expect(await eslint.isPathIgnored(resolve(root, file))).toBe(false);
  });
});
