// `npm run package`: build, then package with the typed config for this OS (MSI + NSIS on
// Windows, AppImage + deb on Linux).
import { build } from 'electron-builder';
import { config } from '../apps/desktop/build/electron-builder.config.ts';

const artifacts = await build({ config });
console.log(artifacts.join('\n'));
