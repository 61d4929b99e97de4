import { readFileSync, existsSync, readdirSync, renameSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testing } from '../../../apps/desktop/electron/core/crypto/kdf.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import type { FakeSafeStorage } from '../../../apps/desktop/electron/core/platform/fakes.ts';
import { ProfileManager, WIPE_PREFIX } from '../../../apps/desktop/electron/core/session/profiles.ts';
import { tempDir } from './helpers.ts';

// Cheap Argon2id here; tests/unit/crypto covers the production parameters.
const KDF = { alg: 'argon2id13' as const, opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 };

beforeAll(async () => {
  await readySodium();
  testing.allowWeakKdf = true;
});

function manager(root = tempDir(), safeStorage?: FakeSafeStorage) {
  return new ProfileManager({ rootDir: root, kdf: KDF, ...(safeStorage ? { safeStorage } : {}) });
}

describe('profiles on one workstation', () => {
  it('creates, lists by display name, closes and opens again with the passphrase', async () => {
    const profiles = manager();
    const anna = await profiles.create({ displayName: 'Anna Berger', passphrase: 'Nachtdienst-Station-3B' });
    const ben = await profiles.create({ displayName: 'Ben Öztürk', passphrase: 'Frühdienst mit Kaffee' });
    await anna.store.setSetting('ui.language', 'de');
    profiles.close(anna);
    profiles.close(ben);
    expect((await profiles.list()).map((p) => p.displayName)).toEqual(['Anna Berger', 'Ben Öztürk']);
    const reopened = await profiles.open(anna.summary.profileId, 'Nachtdienst-Station-3B');
    expect(await reopened.store.getSetting('ui.language')).toBe('de');
    profiles.close(reopened);
  });

  it('a wrong passphrase is a typed error and changes nothing on disk but the attempt count', async () => {
    const root = tempDir();
    const profiles = manager(root);
    const anna = await profiles.create({ displayName: 'Anna', passphrase: 'richtig richtig' });
    profiles.close(anna);
    const dir = join(root, anna.summary.profileId);
    const snapshot = () =>
      readdirSync(dir)
        .filter((f) => f !== 'attempts.json')
        .map((f) => [
          f,
          existsSync(join(dir, f)) && statSync(join(dir, f)).isFile()
            ? readFileSync(join(dir, f)).toString('base64')
            : 'dir',
        ]);
    const before = snapshot();
    await expect(profiles.open(anna.summary.profileId, 'falsch')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(snapshot()).toEqual(before);
    expect(JSON.parse(readFileSync(join(dir, 'attempts.json'), 'utf8'))).toMatchObject({ wrong: 1 });
  });

  it('changing the passphrase re-wraps the key; the old one stops working; data stays', async () => {
    const profiles = manager();
    const anna = await profiles.create({ displayName: 'Anna', passphrase: 'alt alt alt' });
    await anna.store.setSetting('marker', 42);
    profiles.close(anna);
    await expect(profiles.changePassphrase(anna.summary.profileId, 'falsch', 'neu')).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    await profiles.changePassphrase(anna.summary.profileId, 'alt alt alt', 'neu neu neu');
    await expect(profiles.open(anna.summary.profileId, 'alt alt alt')).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    const reopened = await profiles.open(anna.summary.profileId, 'neu neu neu');
    expect(await reopened.store.getSetting('marker')).toBe(42);
    profiles.close(reopened);
  });

  it('a truncated store is a typed error, never a crash', async () => {
    const root = tempDir();
    const profiles = manager(root);
    const anna = await profiles.create({ displayName: 'Anna', passphrase: 'pass pass' });
    for (let i = 0; i < 200; i++) await anna.store.setSetting(`k${i}`, 'x'.repeat(500));
    profiles.close(anna);
    const db = join(root, anna.summary.profileId, 'store.db');
    truncateSync(db, Math.floor(statSync(db).size / 2));
    await expect(profiles.open(anna.summary.profileId, 'pass pass')).rejects.toMatchObject({ code: 'corrupt' });
    truncateSync(db, 100);
    await expect(profiles.open(anna.summary.profileId, 'pass pass')).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('deleting a profile removes its database and files', async () => {
    const root = tempDir();
    const profiles = manager(root);
    const anna = await profiles.create({ displayName: 'Anna', passphrase: 'p' });
    profiles.close(anna);
    await profiles.delete(anna.summary.profileId);
    expect(existsSync(join(root, anna.summary.profileId))).toBe(false);
    expect(await profiles.list()).toEqual([]);
  });

  it('while a wipe runs, the profile is either listed or its folder is gone: never a listed-as-gone profile still on disk', async () => {
    const root = tempDir();
    const profiles = manager(root);
    const anna = await profiles.create({ displayName: 'Anna', passphrase: 'p' });
    // Something to overwrite: the wipe takes many turns of the event loop.
    for (let i = 0; i < 20; i++) await anna.store.setSetting(`filler.${i}`, 'x'.repeat(64 * 1024));
    profiles.close(anna);
    const dir = join(root, anna.summary.profileId);
    let done = false;
    const wipe = profiles.delete(anna.summary.profileId).finally(() => (done = true));
    const seen: Array<{ listed: boolean; onDisk: boolean }> = [];
    for (let i = 0; i < 500 && !done; i++) {
      const listed = (await profiles.list()).length === 1;
      seen.push({ listed, onDisk: existsSync(dir) });
    }
    await wipe;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((s) => !s.listed && s.onDisk)).toEqual([]);
    expect(readdirSync(root)).toEqual([]);
  });

  it('a wipe cut short (the app died after it began) is finished the next time profiles are listed', async () => {
    const root = tempDir();
    const profiles = manager(root);
    const anna = await profiles.create({ displayName: 'Anna', passphrase: 'p' });
    const ben = await profiles.create({ displayName: 'Ben', passphrase: 'q' });
    profiles.close(anna);
    profiles.close(ben);
    // The state a wipe leaves when the process dies right after taking the profile out of the list.
    renameSync(join(root, anna.summary.profileId), join(root, `${WIPE_PREFIX}${anna.summary.profileId}`));
    expect((await manager(root).list()).map((p) => p.displayName)).toEqual(['Ben']);
    expect(readdirSync(root)).toEqual([ben.summary.profileId]);
  });
});
