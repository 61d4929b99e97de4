// `npm run icons`: writes build/icon.png (512 px, Linux) and build/icon.ico (16–256 px, Windows)
// from the mark drawn in build/icon-mark.ts. A unit test checks the committed files show it.
import { writeFile } from 'node:fs/promises';
import { renderIcons } from '../build/icon-mark.ts';

const { png, ico } = renderIcons();
await writeFile('build/icon.png', png);
await writeFile('build/icon.ico', ico);
console.log('wrote build/icon.png and build/icon.ico');
