// `npm run package`: build, then package with the typed config for this OS (MSI + NSIS on
// Windows, AppImage + deb on Linux). The Windows files are signed when the build machine sets the
// signing variables (apps/desktop/build/windows-signing.ts, docs/it-rollout.md "Building and signing the MSI").
import { build } from 'electron-builder';
import { builderConfig } from '../apps/desktop/build/electron-builder.config.ts';
import { windowsSigning } from '../apps/desktop/build/windows-signing.ts';

if (process.platform === 'win32') console.log(`windows signing: ${windowsSigning().mode}`);
// The desktop app's folder is the project: its package.json, dist/ and build/resources; output in
// apps/desktop/release/.
const artifacts = await build({ config: builderConfig(), projectDir: 'apps/desktop' });
console.log(artifacts.join('\n'));
