// The main process is one CommonJS bundle (scripts/build-electron.ts); the dependencies it leaves
// external are require()d from node_modules inside app.asar at run time. A package that ships only
// ES modules would then go through require(esm), which packaged Electron apps have failed on for
// files inside the asar archive (ERR_UNSUPPORTED_ESM_URL_SCHEME, electron/electron#46614). Every
// external must therefore resolve, under the "require" condition, to a CommonJS file; ESM-only
// packages are bundled instead.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../../scripts/build-electron.ts';

let dir = '';
let main = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kf-bundle-'));
  await buildElectron(dir);
  main = await readFile(join(dir, 'main.cjs'), 'utf8');
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The module format Node gives a file: by extension, else by the nearest package.json "type". */
function formatOf(file: string): 'commonjs' | 'module' {
  if (file.endsWith('.cjs') || file.endsWith('.node') || file.endsWith('.json')) return 'commonjs';
  if (file.endsWith('.mjs')) return 'module';
  for (let at = dirname(file); ; at = dirname(at)) {
    const pkg = join(at, 'package.json');
    if (existsSync(pkg))
      return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module' ? 'module' : 'commonjs';
    if (dirname(at) === at) return 'commonjs';
  }
}

describe('main process bundle', () => {
  it('requires only Node built-ins, electron and packages that are CommonJS under require()', () => {
    const externals = [...new Set([...main.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!))].filter(
      (name) => name !== 'electron' && !name.startsWith('node:') && !builtinModules.includes(name),
    );
    // The bundle does keep dependencies external (the native SQLCipher addon must be).
    expect(externals).toContain('better-sqlite3-multiple-ciphers');
    const requireFromApp = createRequire(resolve('apps/desktop/package.json'));
    const esmOnly = externals.filter((name) => formatOf(requireFromApp.resolve(name)) === 'module');
    expect(esmOnly).toEqual([]);
  });

  it('carries the proxy agent inside (https-proxy-agent ships only ES modules)', () => {
    expect(main.includes('require("https-proxy-agent")')).toBe(false);
    expect(/node_modules\/https-proxy-agent\/dist\/index\.js/.test(main)).toBe(true);
  });
});
