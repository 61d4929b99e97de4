// Opens a large store in a fresh process, opens a channel and searches, then reports RSS: what a
// signed-in workstation's main process holds with that store open.
import { asDbKey } from '@klinikfunk/crypto/keys.ts';
import { ProfileStore } from '../apps/desktop/electron/core/store/profile-store.ts';

const [path, keyHex] = process.argv.slice(2) as [string, string];
const store = ProfileStore.open(path, asDbKey(new Uint8Array(Buffer.from(keyHex, 'hex'))), { create: false });
await store.messages.page('chn-bench-0000');
await store.search({ text: 'Übergabe' });
process.stdout.write(JSON.stringify({ rss: process.memoryUsage().rss }));
store.close();
