// The DB key wrap's second layer: the passphrase wrap sealed by the OS secure store (DPAPI through
// Electron safeStorage), so a profile folder copied to another Windows account or PC is useless
// without that account's key, whatever passphrase is tried. Real files, real SQLCipher stores;
// the OS store is the fake with a key per OS account (the Electron binary cannot run here).
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { testing, wrapKeyWithPassphrase, type WrappedKey } from '../../../apps/desktop/electron/core/crypto/kdf.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { FakeSafeStorage } from '../../../apps/desktop/electron/core/platform/fakes.ts';
import { ProfileManager } from '../../../apps/desktop/electron/core/session/profiles.ts';
import { argon2idSecrets, type SecretKdf } from '../../../apps/desktop/electron/core/session/secret-kdf.ts';
import { tempDir } from '../store/helpers.ts';

const KDF = { alg: 'argon2id13' as const, opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 };
const PASS = 'Nachtdienst-Station-3B';

beforeAll(async () => {
  await readySodium();
  testing.allowWeakKdf = true;
});

function counting(): SecretKdf & { runs: number } {
  const seam = {
    runs: 0,
    unwrap: (...args: Parameters<SecretKdf['unwrap']>) => {
      seam.runs++;
      return argon2idSecrets.unwrap(...args);
    },
    verify: argon2idSecrets.verify,
  };
  return seam;
}

function manager(root: string, safeStorage?: FakeSafeStorage, secrets: SecretKdf = argon2idSecrets) {
  return new ProfileManager({ rootDir: root, kdf: KDF, secrets, ...(safeStorage ? { safeStorage } : {}) });
}

const profileJson = (root: string, profileId: string) =>
  JSON.parse(readFileSync(join(root, profileId, 'profile.json'), 'utf8'));

async function createProfile(root: string, safeStorage?: FakeSafeStorage) {
  const profiles = manager(root, safeStorage);
  const created = await profiles.create({ displayName: 'Anna Berger', passphrase: PASS });
  await created.store.setSetting('marker', 'vertraulich');
  profiles.close(created);
  return created.summary.profileId;
}

describe('DB key wrap with the OS secure store', () => {
  it('seals the passphrase wrap with the OS store: no KDF salt or ciphertext in clear; opens for the same account after a restart', async () => {
    const root = tempDir();
    const profileId = await createProfile(root, new FakeSafeStorage('anna.berger'));
    const file = profileJson(root, profileId);
    expect(file).toMatchObject({ v: 2, keyWrap: { layer: 'os_and_passphrase' } });
    expect(JSON.stringify(file)).not.toMatch(/saltB64|ciphertextB64|nonceB64/);
    // A restart: another process for the same Windows account.
    const reopened = await manager(root, new FakeSafeStorage('anna.berger')).open(profileId, PASS);
    expect(await reopened.store.getSetting('marker')).toBe('vertraulich');
    reopened.store.close();
  });

  it('a folder copied to another Windows account does not open, even with the right passphrase, and no Argon2id runs', async () => {
    const root = tempDir();
    const profileId = await createProfile(root, new FakeSafeStorage('anna.berger'));
    const copy = tempDir();
    cpSync(join(root, profileId), join(copy, profileId), { recursive: true });
    const seam = counting();
    const elsewhere = manager(copy, new FakeSafeStorage('fremder.nutzer'), seam);
    await expect(elsewhere.open(profileId, PASS)).rejects.toMatchObject({ code: 'os_key_unavailable' });
    await expect(elsewhere.open(profileId, 'geraten')).rejects.toMatchObject({ code: 'os_key_unavailable' });
    expect(seam.runs).toBe(0);
    // Not a wrong passphrase: nothing counted against the owner.
    expect(() => readFileSync(join(copy, profileId, 'attempts.json'))).toThrow();
    // Nor on a PC without an OS store at all.
    await expect(manager(copy).open(profileId, PASS)).rejects.toMatchObject({ code: 'os_key_unavailable' });
    const off = new FakeSafeStorage('anna.berger');
    off.available = false;
    await expect(manager(root, off).open(profileId, PASS)).rejects.toMatchObject({ code: 'os_key_unavailable' });
  });

  it('the same account with the wrong passphrase is still refused (both layers are needed)', async () => {
    const root = tempDir();
    const profileId = await createProfile(root, new FakeSafeStorage('anna.berger'));
    await expect(
      manager(root, new FakeSafeStorage('anna.berger')).open(profileId, 'falsch falsch'),
    ).rejects.toMatchObject({ code: 'wrong_passphrase' });
  });

  it('without an OS store the profile is passphrase-only, and gets the OS layer at the next sign-in where one is available', async () => {
    const root = tempDir();
    const profileId = await createProfile(root);
    expect(profileJson(root, profileId)).toMatchObject({ v: 2, keyWrap: { layer: 'passphrase' } });
    // Signing in where there is still no OS store leaves the file alone (it is replaced by rename when written).
    const inode = statSync(join(root, profileId, 'profile.json')).ino;
    (await manager(root).open(profileId, PASS)).store.close();
    expect(statSync(join(root, profileId, 'profile.json')).ino).toBe(inode);
    const safe = new FakeSafeStorage('anna.berger');
    const opened = await manager(root, safe).open(profileId, PASS);
    opened.store.close();
    expect(profileJson(root, profileId)).toMatchObject({ keyWrap: { layer: 'os_and_passphrase' } });
    const again = await manager(root, new FakeSafeStorage('anna.berger')).open(profileId, PASS);
    again.store.close();
    await expect(manager(root, new FakeSafeStorage('fremder.nutzer')).open(profileId, PASS)).rejects.toMatchObject({
      code: 'os_key_unavailable',
    });
  });

  it('a profile.json of the previous format (v1) still opens; the sign-in rewrites it as v2 with the OS layer and drops the passphrase-free wrap', async () => {
    const root = tempDir();
    const profileId = await createProfile(root);
    const current = profileJson(root, profileId);
    const legacySafe = new FakeSafeStorage('anna.berger');
    const v1 = {
      v: 1,
      profileId,
      displayName: current.displayName,
      orgId: null,
      createdAt: current.createdAt,
      wrappedKey: current.keyWrap.wrappedKey,
      // The old optional wrap that opened without the passphrase: it must not survive the upgrade.
      safeStorageKey: toBase64Url(await legacySafe.encrypt(new Uint8Array(32))),
    };
    writeFileSync(join(root, profileId, 'profile.json'), JSON.stringify(v1));
    expect(await manager(root).list()).toEqual([{ profileId, displayName: 'Anna Berger', orgId: null }]);
    const opened = await manager(root, new FakeSafeStorage('anna.berger')).open(profileId, PASS);
    expect(await opened.store.getSetting('marker')).toBe('vertraulich');
    opened.store.close();
    const upgraded = profileJson(root, profileId);
    expect(upgraded).toMatchObject({ v: 2, keyWrap: { layer: 'os_and_passphrase' } });
    expect(upgraded).not.toHaveProperty('safeStorageKey');
    expect(upgraded).not.toHaveProperty('wrappedKey');
  });

  it('changing the passphrase keeps the OS layer', async () => {
    const root = tempDir();
    const profileId = await createProfile(root, new FakeSafeStorage('anna.berger'));
    const profiles = manager(root, new FakeSafeStorage('anna.berger'));
    await profiles.changePassphrase(profileId, PASS, 'Frühdienst mit Kaffee');
    expect(profileJson(root, profileId)).toMatchObject({ keyWrap: { layer: 'os_and_passphrase' } });
    const opened = await profiles.open(profileId, 'Frühdienst mit Kaffee');
    opened.store.close();
    await expect(
      manager(root, new FakeSafeStorage('fremder.nutzer')).changePassphrase(profileId, 'Frühdienst mit Kaffee', 'x'),
    ).rejects.toMatchObject({ code: 'os_key_unavailable' });
  });

  it('a key the OS rotated is sealed again at sign-in', async () => {
    const root = tempDir();
    const profileId = await createProfile(root, new FakeSafeStorage('anna.berger'));
    const before = profileJson(root, profileId).keyWrap.osSealedB64;
    const safe = new FakeSafeStorage('anna.berger');
    safe.rotated = true;
    (await manager(root, safe).open(profileId, PASS)).store.close();
    expect(profileJson(root, profileId).keyWrap.osSealedB64).not.toBe(before);
  });

  it('a profile.json asking for an absurd Argon2id cost is damaged: no Argon2id runs (it would stall the app for hours)', async () => {
    const root = tempDir();
    const profileId = await createProfile(root);
    const path = join(root, profileId, 'profile.json');
    const good = JSON.parse(readFileSync(path, 'utf8'));
    let runs = 0;
    // Counts and refuses, so a missing check shows as a count instead of a hang.
    const refusing: SecretKdf = {
      unwrap: async () => (runs++, { ok: false, reason: 'malformed' }),
      verify: argon2idSecrets.verify,
    };
    for (const kdf of [
      { opsLimit: 1_000_000_000 },
      { memLimitBytes: 2 ** 42 },
      { opsLimit: 0 },
      { memLimitBytes: -1 },
    ]) {
      const wrappedKey = { ...good.keyWrap.wrappedKey, kdf: { ...good.keyWrap.wrappedKey.kdf, ...kdf } };
      writeFileSync(path, JSON.stringify({ ...good, keyWrap: { layer: 'passphrase', wrappedKey } }));
      await expect(manager(root, undefined, refusing).open(profileId, PASS)).rejects.toMatchObject({ code: 'corrupt' });
    }
    expect(runs).toBe(0);
  });

  it('a damaged, foreign or newer profile.json is a typed error, never a crash', async () => {
    const root = tempDir();
    const profileId = await createProfile(root, new FakeSafeStorage('anna.berger'));
    const path = join(root, profileId, 'profile.json');
    const good = readFileSync(path, 'utf8');
    const profiles = manager(root, new FakeSafeStorage('anna.berger'));
    writeFileSync(path, '{ kaputt');
    await expect(profiles.open(profileId, PASS)).rejects.toMatchObject({ code: 'corrupt' });
    writeFileSync(path, JSON.stringify({ ...JSON.parse(good), v: 3 }));
    await expect(profiles.open(profileId, PASS)).rejects.toMatchObject({ code: 'newer_version' });
    // The OS layer opens, but holds something other than a passphrase wrap.
    const safe = new FakeSafeStorage('anna.berger');
    const junk = toBase64Url(await safe.encrypt(new TextEncoder().encode('{"v":9}')));
    writeFileSync(
      path,
      JSON.stringify({ ...JSON.parse(good), keyWrap: { layer: 'os_and_passphrase', osSealedB64: junk } }),
    );
    await expect(profiles.open(profileId, PASS)).rejects.toMatchObject({ code: 'corrupt' });
    // A passphrase wrap sealed for another account (swapped in from another profile.json).
    const other = new FakeSafeStorage('fremder.nutzer');
    const wrapped: WrappedKey = await wrapKeyWithPassphrase(new Uint8Array(32) as never, PASS, KDF);
    const foreign = toBase64Url(await other.encrypt(new TextEncoder().encode(JSON.stringify(wrapped))));
    writeFileSync(
      path,
      JSON.stringify({ ...JSON.parse(good), keyWrap: { layer: 'os_and_passphrase', osSealedB64: foreign } }),
    );
    await expect(profiles.open(profileId, PASS)).rejects.toMatchObject({ code: 'os_key_unavailable' });
  });
});
