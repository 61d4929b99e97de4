// The relay addresses of the profiles on this PC (profile-relays.json): through its schema only,
// and one failed write (a virus scanner holding the file, a full disk) does not stop later ones.
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileRelays } from '../../../apps/desktop/electron/core/session/profile-relays.ts';

const anna = '0b9e7c52-3f1a-4c56-9d2e-1a2b3c4d5e6f';
const ben = '7d3e1f00-aa11-4b22-8c33-445566778899';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kf-relays-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('profile relays file', () => {
  it('a write that failed does not make every later write fail', async () => {
    const relays = new ProfileRelays(dir);
    await mkdir(join(dir, 'profile-relays.json'));
    await expect(relays.remember(anna, 'wss://klinikfunk.klinik.example', 1)).rejects.toThrow();
    await rmdir(join(dir, 'profile-relays.json'));
    await relays.remember(ben, 'wss://klinikfunk.klinik.example', 2);
    const reread = new ProfileRelays(dir);
    await reread.load();
    expect(reread.get(ben)).toBe('wss://klinikfunk.klinik.example');
    expect(JSON.parse(await readFile(join(dir, 'profile-relays.json'), 'utf8'))).toHaveProperty(ben);
  });

  it('a file that does not match the schema is ignored with a message; an address that is not a relay is not kept', async () => {
    const problems: string[] = [];
    await writeFile(
      join(dir, 'profile-relays.json'),
      JSON.stringify({ [anna]: { url: 'javascript:alert(1)', at: 1 } }),
    );
    const relays = new ProfileRelays(dir, (m) => problems.push(m));
    await relays.load();
    expect(relays.get(anna)).toBeNull();
    expect(problems).toHaveLength(1);
    await relays.remember(ben, 'http://not-a-relay', 2);
    expect(relays.get(ben)).toBeNull();
  });
});
