// Bundles the main process and the preload with esbuild. The preload must be one CommonJS file
// because sandboxed preloads cannot load other modules; runtime dependencies of main stay
// external so electron-builder ships them from node_modules (the SQLCipher addon is native),
// except the ESM-only ones, which are bundled (BUNDLED_ESM). The workspace packages
// (@klinikfunk/protocol, /crypto, /node-common) are TypeScript sources and always bundled.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { build, type BuildOptions } from 'esbuild';

/** The desktop app's package: its `dependencies` are what the installer ships beside the bundles. */
const pkg = JSON.parse(readFileSync('apps/desktop/package.json', 'utf8')) as { dependencies: Record<string, string> };

/**
 * Dependencies that ship only ES modules: bundled into main.cjs, since a require() of them from
 * node_modules inside app.asar goes through require(esm), which packaged Electron apps have
 * failed on (tests/unit/build/main-bundle.test.ts). `kerberos` is the proxy agent's optional
 * Negotiate peer, loaded only on request (never: ProxyServer takes Basic credentials only).
 */
const BUNDLED_ESM = ['https-proxy-agent'];
const OPTIONAL_PEERS = ['kerberos'];

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'dev';
  }
}

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron'],
};

/**
 * Bundles main and preload into `outDir` (apps/desktop/dist/electron for the app; a temp folder for the audit
 * test). `target` lowers the syntax for the audit only: Electronegativity's parser predates class
 * private fields, and lowering them changes no call, option or handler it checks.
 */
export async function buildElectron(
  outDir = 'apps/desktop/dist/electron',
  options: { target?: string } = {},
): Promise<void> {
  const target = options.target ?? common.target;
  await build({
    ...common,
    target,
    entryPoints: ['apps/desktop/electron/main/main.ts'],
    outfile: `${outDir}/main.cjs`,
    external: [
      'electron',
      ...OPTIONAL_PEERS,
      ...Object.keys(pkg.dependencies).filter((name) => !BUNDLED_ESM.includes(name)),
    ],
    define: {
      __KLINIKFUNK_COMMIT__: JSON.stringify(gitCommit()),
      __KLINIKFUNK_BUILD_DATE__: JSON.stringify(new Date().toISOString()),
    },
  });
  await build({
    ...common,
    target,
    entryPoints: ['apps/desktop/electron/preload/preload.ts'],
    outfile: `${outDir}/preload.cjs`,
  });
}

if (import.meta.main) {
  await buildElectron();
  console.log('built apps/desktop/dist/electron/main.cjs and apps/desktop/dist/electron/preload.cjs');
}
