// `npm run package`: build, then package with the typed config for this OS (MSI + NSIS on
// Windows, AppImage + deb on Linux). The Windows files are signed when the build machine sets the
// signing variables (build/windows-signing.ts, docs/it-rollout.md "Building and signing the MSI").
import { build } from 'electron-builder';
import { builderConfig } from '../build/electron-builder.config.ts';
import { windowsSigning } from '../build/windows-signing.ts';

if (process.platform === 'win32') console.log(`windows signing: ${windowsSigning().mode}`);
const artifacts = await build({ config: builderConfig() });
console.log(artifacts.join('\n'));
