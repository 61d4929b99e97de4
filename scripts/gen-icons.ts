// `npm run icons`: writes apps/desktop/build/icon.png (512 px, Linux) and apps/desktop/build/icon.ico (16–256 px, Windows)
// from the mark drawn in apps/desktop/build/icon-mark.ts. A unit test checks the committed files show it.
import { writeFile } from 'node:fs/promises';
import { renderIcons } from '../apps/desktop/build/icon-mark.ts';

const { png, ico } = renderIcons();
await writeFile('apps/desktop/build/icon.png', png);
await writeFile('apps/desktop/build/icon.ico', ico);
console.log('wrote apps/desktop/build/icon.png and apps/desktop/build/icon.ico');
