// Replaces a small file so that after a crash or a power cut it holds either the old or the new
// text, never nothing: the new bytes are flushed before the rename and the folder after it.
// Without the first flush a file system may persist the rename before the data (an empty
// profile.json would lose the only wrapped DB key, and with it the profile).
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function replaceFileDurably(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(path));
}

/** Makes the rename itself durable; Windows cannot open a folder for that (NTFS journals the rename). */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
