// Launches the desktop app. Where the Electron binary could not be downloaded (installs with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, machines without internet) it says so and how to go on.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

function electronBinary(): string | null {
  try {
    // The electron package's main export is the path of the downloaded binary; it throws when
    // the download was skipped.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  console.error(
    [
      'Klinikfunk: the Electron binary is not installed on this machine.',
      '',
      'It is skipped when installing with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without internet access.',
      'To get it, on a machine with network access run:',
      '    npm install            (without ELECTRON_SKIP_BINARY_DOWNLOAD)',
      'or  node node_modules/electron/install.js',
      '',
      'To see the app without Electron, run it in a browser instead:',
      '    npm run demo',
    ].join('\n'),
  );
  process.exit(1);
}

// The app is the desktop package (its package.json names dist/electron/main.cjs).
const child = spawn(binary, ['apps/desktop'], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
