// `npm run package`: build, then package with the typed config for this OS (MSI + NSIS on
// Windows, AppImage + deb on Linux).
import { build } from 'electron-builder';
import { config } from '../apps/desktop/build/electron-builder.config.ts';

// The desktop app's folder is the project: its package.json, dist/ and build/resources; output in
// apps/desktop/release/.
const artifacts = await build({ config, projectDir: 'apps/desktop' });
console.log(artifacts.join('\n'));
