// Writes a file only its owner may read, also when it replaces an existing one: the mode given to
// open() or writeFile() applies to a new file only, so a file chosen to overwrite would keep its
// own (often world-readable) mode. Used for what the user saves and must stay theirs: registration
// letters with one-time keys, the support package with logs.
import { open } from 'node:fs/promises';

export async function writeOwnerOnlyFile(path: string, data: Uint8Array): Promise<void> {
  // Truncated on open, then narrowed before the first byte is written.
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
