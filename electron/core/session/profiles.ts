// Profiles on one workstation: a folder per person with
//   profile.json  id, display name, org id, KDF parameters and the wrapped DB key (no secret in clear)
//   store.db      the SQLCipher database
//   files/        encrypted file cache
// The DB key is random; the passphrase only unwraps it (Argon2id), so changing the passphrase
// re-wraps the key and never re-encrypts the database. A second wrap with the OS's protected
// storage (DPAPI through Electron safeStorage) is optional; there is never a constant key.
import { randomFillSync, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile, open as openFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../../../shared/protocol/bytes.ts';
import { asDbKey, wipe, type DbKey } from '../crypto/keys.ts';
import { generateDbKey, unwrapKeyWithPassphrase, wrapKeyWithPassphrase, type KdfCost, type WrappedKey } from '../crypto/kdf.ts';
import type { SafeStorage } from '../platform/platform.ts';
import { StoreError } from '../store/errors.ts';
import { ProfileStore } from '../store/profile-store.ts';

const wrappedKeySchema = z.object({
  v: z.literal(1),
  kdf: z.object({ alg: z.literal('argon2id13'), opsLimit: z.number().int(), memLimitBytes: z.number().int(), saltB64: z.string() }),
  nonceB64: z.string(),
  ciphertextB64: z.string(),
});

const profileFileSchema = z.object({
  v: z.literal(1),
  profileId: z.string().uuid(),
  displayName: z.string().min(1).max(200),
  orgId: z.string().nullable(),
  createdAt: z.number().int(),
  wrappedKey: wrappedKeySchema,
  /** Second wrap with OS protected storage, base64url; null when not enabled or not available. */
  safeStorageKey: z.string().nullable(),
});

export type ProfileFile = z.output<typeof profileFileSchema>;

export interface ProfileSummary {
  profileId: string;
  displayName: string;
  orgId: string | null;
}

export type ProfileErrorCode = 'wrong_passphrase' | 'not_found' | 'corrupt' | 'newer_version' | 'unavailable' | 'io';

export class ProfileError extends Error {
  readonly code: ProfileErrorCode;
  constructor(code: ProfileErrorCode, message: string) {
    super(message);
    this.name = 'ProfileError';
    this.code = code;
  }
}

export interface OpenProfile {
  summary: ProfileSummary;
  store: ProfileStore;
  filesDir: string;
  /** Kept in main-process memory while signed in (the lock screen does not drop it). */
  key: DbKey;
}

export interface ProfileManagerOptions {
  rootDir: string;
  kdf: KdfCost;
  safeStorage?: SafeStorage;
}

export class ProfileManager {
  readonly #root: string;
  readonly #kdf: KdfCost;
  readonly #safeStorage: SafeStorage | undefined;

  constructor(options: ProfileManagerOptions) {
    this.#root = options.rootDir;
    this.#kdf = options.kdf;
    this.#safeStorage = options.safeStorage;
  }

  #dir(profileId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(profileId)) throw new ProfileError('not_found', 'invalid profile id');
    return join(this.#root, profileId);
  }

  async #read(profileId: string): Promise<ProfileFile> {
    let text: string;
    try {
      text = await readFile(join(this.#dir(profileId), 'profile.json'), 'utf8');
    } catch {
      throw new ProfileError('not_found', `no profile ${profileId}`);
    }
    const parsed = profileFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new ProfileError('corrupt', 'profile.json is damaged');
    return parsed.data;
  }

  /** Written atomically (temp file + rename), so a crash never leaves half a profile.json. */
  async #write(file: ProfileFile): Promise<void> {
    const dir = this.#dir(file.profileId);
    const temp = join(dir, `profile.json.${process.pid}.tmp`);
    await writeFile(temp, JSON.stringify(file, null, 2), { mode: 0o600 });
    await rename(temp, join(dir, 'profile.json'));
  }

  async list(): Promise<ProfileSummary[]> {
    if (!existsSync(this.#root)) return [];
    const entries = await readdir(this.#root, { withFileTypes: true });
    const profiles: ProfileSummary[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      try {
        const file = await this.#read(entry.name);
        profiles.push({ profileId: file.profileId, displayName: file.displayName, orgId: file.orgId });
      } catch {
        // A folder that is not a readable profile is skipped (and left alone).
      }
    }
    return profiles.sort((a, b) => a.displayName.localeCompare(b.displayName, 'de'));
  }

  async create(input: { displayName: string; passphrase: string; orgId?: string | null; useSafeStorage?: boolean }): Promise<OpenProfile> {
    const profileId = randomUUID();
    const dir = this.#dir(profileId);
    await mkdir(join(dir, 'files'), { recursive: true, mode: 0o700 });
    const key = generateDbKey();
    const wrappedKey = await wrapKeyWithPassphrase(key, input.passphrase, this.#kdf);
    const file: ProfileFile = {
      v: 1,
      profileId,
      displayName: input.displayName,
      orgId: input.orgId ?? null,
      createdAt: Date.now(),
      wrappedKey,
      safeStorageKey: input.useSafeStorage && this.#safeStorage?.isAvailable() ? toBase64Url(this.#safeStorage.encrypt(key)) : null,
    };
    await this.#write(file);
    const store = ProfileStore.open(join(dir, 'store.db'), key, { create: true });
    return { summary: { profileId, displayName: file.displayName, orgId: file.orgId }, store, filesDir: join(dir, 'files'), key };
  }

  async open(profileId: string, passphrase: string): Promise<OpenProfile> {
    const file = await this.#read(profileId);
    const unwrapped = await unwrapKeyWithPassphrase(file.wrappedKey as WrappedKey, passphrase);
    if (!unwrapped.ok) throw new ProfileError(unwrapped.reason === 'wrong_passphrase' ? 'wrong_passphrase' : 'corrupt', `cannot unlock profile: ${unwrapped.reason}`);
    return this.#openStore(file, unwrapped.key);
  }

  /** Opens with the OS-protected second wrap (no passphrase), when the profile has one. */
  async openWithSafeStorage(profileId: string): Promise<OpenProfile> {
    const file = await this.#read(profileId);
    const sealed = file.safeStorageKey ? fromBase64Url(file.safeStorageKey) : null;
    if (!sealed || !this.#safeStorage?.isAvailable()) throw new ProfileError('unavailable', 'no protected-storage key for this profile');
    let key: DbKey;
    try {
      key = asDbKey(this.#safeStorage.decrypt(sealed));
    } catch {
      throw new ProfileError('unavailable', 'the protected-storage key cannot be read on this Windows account');
    }
    return this.#openStore(file, key);
  }

  #openStore(file: ProfileFile, key: DbKey): OpenProfile {
    const dir = this.#dir(file.profileId);
    try {
      const store = ProfileStore.open(join(dir, 'store.db'), key, { create: false });
      return { summary: { profileId: file.profileId, displayName: file.displayName, orgId: file.orgId }, store, filesDir: join(dir, 'files'), key };
    } catch (error) {
      wipe(key);
      if (error instanceof StoreError) {
        // The key was authenticated by the wrap, so an unreadable file is damage, not a wrong key.
        const code: ProfileErrorCode = error.code === 'newer_version' ? 'newer_version' : error.code === 'not_found' ? 'not_found' : error.code === 'io' ? 'io' : 'corrupt';
        throw new ProfileError(code, error.message);
      }
      throw error;
    }
  }

  close(profile: OpenProfile): void {
    profile.store.close();
    wipe(profile.key);
  }

  /** Re-wraps the same DB key under a new passphrase; the database is not re-encrypted. */
  async changePassphrase(profileId: string, oldPassphrase: string, newPassphrase: string): Promise<void> {
    const file = await this.#read(profileId);
    const unwrapped = await unwrapKeyWithPassphrase(file.wrappedKey as WrappedKey, oldPassphrase);
    if (!unwrapped.ok) throw new ProfileError('wrong_passphrase', 'the current passphrase is wrong');
    try {
      await this.#write({ ...file, wrappedKey: await wrapKeyWithPassphrase(unwrapped.key, newPassphrase, this.#kdf) });
    } finally {
      wipe(unwrapped.key);
    }
  }

  /**
   * Deletes a profile: overwrites the database, its WAL and every cached file with random bytes
   * before removing them (best effort on SSDs, where the encryption is the real protection).
   */
  async delete(profileId: string): Promise<void> {
    const dir = this.#dir(profileId);
    if (!existsSync(dir)) throw new ProfileError('not_found', `no profile ${profileId}`);
    const targets = ['store.db', 'store.db-wal', 'store.db-shm', 'profile.json'].map((f) => join(dir, f));
    const filesDir = join(dir, 'files');
    if (existsSync(filesDir)) for (const f of await readdir(filesDir)) targets.push(join(filesDir, f));
    for (const target of targets) await overwrite(target);
    await rm(dir, { recursive: true, force: true });
  }

  /** The first-wrap KDF parameters, for tests and the admin's "about this profile". */
  async kdfOf(profileId: string): Promise<KdfCost> {
    const { kdf } = (await this.#read(profileId)).wrappedKey;
    return { alg: kdf.alg, opsLimit: kdf.opsLimit, memLimitBytes: kdf.memLimitBytes };
  }
}

async function overwrite(path: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return;
  }
  const handle = await openFile(path, 'r+');
  try {
    const chunk = Buffer.alloc(Math.min(size, 1 << 20));
    for (let offset = 0; offset < size; offset += chunk.length) {
      randomFillSync(chunk);
      await handle.write(chunk, 0, Math.min(chunk.length, size - offset), offset);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}
