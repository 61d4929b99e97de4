// size: the one owner of a profile folder's files (profile.json, key wraps, wipe), so no two writers race on them.
// Profiles on one workstation: a folder per person with
//   profile.json   id, display name, org id and the wrapped DB key (no secret in clear)
//   attempts.json  wrong passphrases and when the next try is allowed (sign-in-attempts.ts)
//   store.db       the SQLCipher database
//   files/         encrypted file cache
// The DB key is random; the passphrase only unwraps it (Argon2id), so changing the passphrase
// re-wraps the key and never re-encrypts the database. Where the OS offers a secure store (DPAPI
// through Electron safeStorage on Windows), the passphrase wrap is sealed by it as well: a copied
// folder then needs both the Windows account's key and the passphrase. There is never a constant key.
//
//   profile.json v2  keyWrap = { layer: 'passphrase', wrappedKey }                 no OS store here
//                            | { layer: 'os_and_passphrase', osSealedB64 }         safeStorage(JSON(wrappedKey))
//   profile.json v1  (before) wrappedKey in clear: still opens; rewritten as v2 with the OS layer
//                    at the next sign-in where the OS store is available.
import { randomFillSync, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, open as openFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fromBase64Url, toBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import { systemClock, type Clock } from '../clock/clock.ts';
import { wipe, type DbKey } from '@klinikfunk/crypto/keys.ts';
import { generateDbKey, wrapKeyWithPassphrase, type KdfCost, type WrappedKey } from '../crypto/kdf.ts';
import type { SafeStorage } from '../platform/platform.ts';
import { StoreError } from '../store/errors.ts';
import { ProfileStore } from '../store/profile-store.ts';
import { replaceFileDurably } from '@klinikfunk/node-common/durable-file.ts';
import { PerKeyQueue } from './per-key-queue.ts';
import { argon2idSecrets, type SecretKdf } from './secret-kdf.ts';
import { countWrong, nextAttemptAt, resetAttempts } from './sign-in-attempts.ts';

/** A profile folder renamed to this prefix is being wiped: out of every list at once, finished on the next list. */
export const WIPE_PREFIX = '.wipe-';
const FORMAT_VERSION = 2;

/**
 * Far above what calibrateKdf picks (10 passes, 256 MiB): a file asking for more was not written by
 * this app, and running it would stall the main process for hours or fail inside libsodium.
 */
const KDF_CEILING = { opsLimit: 32, memLimitBytes: 1024 * 1024 * 1024 };

const wrappedKeySchema = z.object({
  v: z.literal(1),
  kdf: z.object({
    alg: z.literal('argon2id13'),
    opsLimit: z.number().int().min(1).max(KDF_CEILING.opsLimit),
    memLimitBytes: z
      .number()
      .int()
      .min(8 * 1024)
      .max(KDF_CEILING.memLimitBytes),
    saltB64: z.string(),
  }),
  nonceB64: z.string(),
  ciphertextB64: z.string(),
});

const summaryFields = {
  profileId: z.string().uuid(),
  displayName: z.string().min(1).max(200),
  orgId: z.string().nullable(),
  createdAt: z.number().int(),
};

const keyWrapSchema = z.discriminatedUnion('layer', [
  z.object({ layer: z.literal('passphrase'), wrappedKey: wrappedKeySchema }),
  /** The passphrase wrap sealed by the OS secure store of the Windows account that wrote it. */
  z.object({ layer: z.literal('os_and_passphrase'), osSealedB64: z.string().min(1) }),
]);

const profileFileSchema = z.object({ v: z.literal(2), ...summaryFields, keyWrap: keyWrapSchema });

/** The format before the OS layer; its optional passphrase-free `safeStorageKey` is dropped on upgrade. */
const profileFileV1Schema = z.object({
  v: z.literal(1),
  ...summaryFields,
  wrappedKey: wrappedKeySchema,
  safeStorageKey: z.string().nullable(),
});

export type ProfileFile = z.output<typeof profileFileSchema>;
type KeyWrap = ProfileFile['keyWrap'];

export interface ProfileSummary {
  profileId: string;
  displayName: string;
  orgId: string | null;
}

export type ProfileErrorCode =
  | 'wrong_passphrase'
  /** Too many wrong passphrases: no attempt before `retryAt`. */
  | 'too_soon'
  /** The key is sealed by an OS secure store this Windows account cannot open (or none is available now). */
  | 'os_key_unavailable'
  | 'not_found'
  | 'corrupt'
  | 'newer_version'
  | 'unavailable'
  | 'io';

export class ProfileError extends Error {
  readonly code: ProfileErrorCode;
  /** For `too_soon` and `wrong_passphrase`: when the next passphrase is accepted (ms since the epoch). */
  readonly retryAt: number | undefined;
  constructor(code: ProfileErrorCode, message: string, retryAt?: number) {
    super(message);
    this.name = 'ProfileError';
    this.code = code;
    this.retryAt = retryAt;
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
  /** Decides the passphrase backoff; the system clock by default. */
  clock?: Clock;
  /** The Argon2id runs on guessed secrets; tests count them. */
  secrets?: SecretKdf;
}

export class ProfileManager {
  readonly #root: string;
  readonly #wipes = new Map<string, Promise<void>>();
  readonly #kdf: KdfCost;
  readonly #safeStorage: SafeStorage | undefined;
  readonly #clock: Clock;
  readonly #secrets: SecretKdf;
  /** Every attempt at a profile's passphrase or PIN runs alone (SessionService.unlock shares it). */
  readonly #attempts = new PerKeyQueue();

  constructor(options: ProfileManagerOptions) {
    this.#root = options.rootDir;
    this.#kdf = options.kdf;
    this.#safeStorage = options.safeStorage;
    this.#clock = options.clock ?? systemClock;
    this.#secrets = options.secrets ?? argon2idSecrets;
  }

  #dir(profileId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(profileId)) throw new ProfileError('not_found', 'invalid profile id');
    return join(this.#root, profileId);
  }

  /** The file as v2; `upgrade` when it is in an older format and should be rewritten. */
  async #read(profileId: string): Promise<{ file: ProfileFile; upgrade: boolean }> {
    let text: string;
    try {
      text = await readFile(join(this.#dir(profileId), 'profile.json'), 'utf8');
    } catch {
      throw new ProfileError('not_found', `no profile ${profileId}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ProfileError('corrupt', 'profile.json is not JSON');
    }
    const version = (raw as { v?: unknown } | null)?.v;
    if (typeof version === 'number' && version > FORMAT_VERSION)
      throw new ProfileError('newer_version', `profile.json v${version} is from a newer Klinikfunk`);
    const current = profileFileSchema.safeParse(raw);
    if (current.success) return { file: current.data, upgrade: false };
    const old = profileFileV1Schema.safeParse(raw);
    if (!old.success) throw new ProfileError('corrupt', 'profile.json is damaged');
    const { wrappedKey, safeStorageKey: _dropped, v: _v1, ...summary } = old.data;
    return { file: { v: 2, ...summary, keyWrap: { layer: 'passphrase', wrappedKey } }, upgrade: true };
  }

  /** Written atomically and durably (flushed temp file + rename), so a crash never leaves half a profile.json. */
  async #write(file: ProfileFile): Promise<void> {
    await replaceFileDurably(join(this.#dir(file.profileId), 'profile.json'), JSON.stringify(file, null, 2));
  }

  /** The passphrase wrap, sealed by the OS secure store where there is one. */
  async #seal(wrappedKey: WrappedKey): Promise<KeyWrap> {
    const store = this.#safeStorage;
    try {
      if (store && (await store.isAvailable())) {
        const sealed = await store.encrypt(utf8.encode(JSON.stringify(wrappedKey)));
        return { layer: 'os_and_passphrase', osSealedB64: toBase64Url(sealed) };
      }
    } catch {
      // An OS store that claims to work but fails to seal is treated as absent ("where available").
    }
    return { layer: 'passphrase', wrappedKey };
  }

  /** Opens the OS layer (no Argon2id, no attempt counted); `reseal` when the OS rotated its key. */
  async #passphraseWrap(file: ProfileFile): Promise<{ wrappedKey: WrappedKey; reseal: boolean }> {
    const wrap = file.keyWrap;
    if (wrap.layer === 'passphrase') return { wrappedKey: wrap.wrappedKey as WrappedKey, reseal: false };
    const store = this.#safeStorage;
    if (!store || !(await store.isAvailable()))
      throw new ProfileError(
        'os_key_unavailable',
        'this profile is sealed by an OS secure store that is not available here',
      );
    const sealed = fromBase64Url(wrap.osSealedB64);
    let opened: { plain: Uint8Array; reseal: boolean };
    try {
      if (!sealed) throw new Error('not base64url');
      opened = await store.decrypt(sealed);
    } catch {
      throw new ProfileError(
        'os_key_unavailable',
        'the OS secure store of this account cannot open the key (another Windows account or PC)',
      );
    }
    let inner: unknown;
    try {
      inner = JSON.parse(utf8.decode(opened.plain));
    } catch {
      throw new ProfileError('corrupt', 'the sealed key wrap is damaged');
    }
    const parsed = wrappedKeySchema.safeParse(inner);
    if (!parsed.success) throw new ProfileError('corrupt', 'the sealed key wrap is damaged');
    return { wrappedKey: parsed.data as WrappedKey, reseal: opened.reseal };
  }

  /**
   * Checks the passphrase backoff, opens the OS layer and runs Argon2id, in that order and one
   * attempt at a time per profile; counts a wrong passphrase on disk before answering.
   */
  async #unwrap(
    profileId: string,
    passphrase: string,
  ): Promise<{ file: ProfileFile; key: DbKey; wrappedKey: WrappedKey; mustRewrite: boolean }> {
    const dir = this.#dir(profileId);
    const { file, upgrade } = await this.#read(profileId);
    const waitUntil = await nextAttemptAt(dir, this.#clock.now());
    if (this.#clock.now() < waitUntil)
      throw new ProfileError('too_soon', 'too many wrong passphrases: wait', waitUntil);
    const { wrappedKey, reseal } = await this.#passphraseWrap(file);
    const unwrapped = await this.#secrets.unwrap(wrappedKey, passphrase);
    if (!unwrapped.ok) {
      if (unwrapped.reason !== 'wrong_passphrase')
        throw new ProfileError('corrupt', `cannot unlock profile: ${unwrapped.reason}`);
      const counted = await countWrong(dir, this.#clock.now());
      throw new ProfileError('wrong_passphrase', 'cannot unlock profile: wrong passphrase', counted.nextAttemptAt);
    }
    try {
      await resetAttempts(dir);
    } catch (error) {
      wipe(unwrapped.key);
      throw error;
    }
    return { file, key: unwrapped.key, wrappedKey, mustRewrite: upgrade || reseal };
  }

  /** Runs `task` after every earlier attempt on this profile (passphrase or PIN) has finished. */
  exclusive<T>(profileId: string, task: () => Promise<T>): Promise<T> {
    return this.#attempts.run(profileId, task);
  }

  async list(): Promise<ProfileSummary[]> {
    if (!existsSync(this.#root)) return [];
    const entries = await readdir(this.#root, { withFileTypes: true });
    const profiles: ProfileSummary[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (entry.name.startsWith(WIPE_PREFIX)) {
        // Not finished now (a file still locked): it stays out of the list and is tried again next time.
        await this.#finishWipe(join(this.#root, entry.name)).catch(() => {});
        continue;
      }
      try {
        const { file } = await this.#read(entry.name);
        profiles.push({ profileId: file.profileId, displayName: file.displayName, orgId: file.orgId });
      } catch {
        // A folder that is not a readable profile is skipped (and left alone).
      }
    }
    return profiles.sort((a, b) => a.displayName.localeCompare(b.displayName, 'de'));
  }

  async create(input: { displayName: string; passphrase: string; orgId?: string | null }): Promise<OpenProfile> {
    const profileId = randomUUID();
    const dir = this.#dir(profileId);
    await mkdir(join(dir, 'files'), { recursive: true, mode: 0o700 });
    const key = generateDbKey();
    const file: ProfileFile = {
      v: 2,
      profileId,
      displayName: input.displayName,
      orgId: input.orgId ?? null,
      createdAt: this.#clock.now(),
      keyWrap: await this.#seal(await wrapKeyWithPassphrase(key, input.passphrase, this.#kdf)),
    };
    await this.#write(file);
    const store = ProfileStore.open(join(dir, 'store.db'), key, { create: true });
    return {
      summary: { profileId, displayName: file.displayName, orgId: file.orgId },
      store,
      filesDir: join(dir, 'files'),
      key,
    };
  }

  async open(profileId: string, passphrase: string): Promise<OpenProfile> {
    return this.exclusive(profileId, async () => {
      const { file, key, wrappedKey, mustRewrite } = await this.#unwrap(profileId, passphrase);
      // Older profiles get the OS layer (and a key the OS rotated is sealed again) now that the
      // passphrase proved to be right; if that fails, the profile still opens as it was.
      const upgraded =
        mustRewrite || file.keyWrap.layer === 'passphrase' ? await this.#upgrade(file, wrappedKey, mustRewrite) : file;
      return this.#openStore(upgraded, key);
    });
  }

  async #upgrade(file: ProfileFile, wrappedKey: WrappedKey, mustRewrite: boolean): Promise<ProfileFile> {
    const next: ProfileFile = { ...file, keyWrap: await this.#seal(wrappedKey) };
    // Still no OS store here: a current-format file stays as it is (no write at every sign-in).
    if (!mustRewrite && next.keyWrap.layer === 'passphrase') return file;
    try {
      await this.#write(next);
      return next;
    } catch {
      return file;
    }
  }

  #openStore(file: ProfileFile, key: DbKey): OpenProfile {
    const dir = this.#dir(file.profileId);
    try {
      const store = ProfileStore.open(join(dir, 'store.db'), key, { create: false });
      return {
        summary: { profileId: file.profileId, displayName: file.displayName, orgId: file.orgId },
        store,
        filesDir: join(dir, 'files'),
        key,
      };
    } catch (error) {
      wipe(key);
      if (error instanceof StoreError) {
        // The key was authenticated by the wrap, so an unreadable file is damage, not a wrong key.
        const code: ProfileErrorCode =
          error.code === 'newer_version'
            ? 'newer_version'
            : error.code === 'not_found'
              ? 'not_found'
              : error.code === 'io'
                ? 'io'
                : 'corrupt';
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
    await this.exclusive(profileId, async () => {
      const { file, key } = await this.#unwrap(profileId, oldPassphrase);
      try {
        await this.#write({
          ...file,
          keyWrap: await this.#seal(await wrapKeyWithPassphrase(key, newPassphrase, this.#kdf)),
        });
      } finally {
        wipe(key);
      }
    });
  }

  /**
   * Deletes a profile: overwrites the database, its WAL and every cached file with random bytes
   * before removing them (best effort on SSDs, where the encryption is the real protection).
   */
  async delete(profileId: string): Promise<void> {
    const dir = this.#dir(profileId);
    if (!existsSync(dir)) throw new ProfileError('not_found', `no profile ${profileId}`);
    // One rename takes the profile out of every list at once; the overwriting follows under the
    // tombstone's name, and a wipe cut short by a crash is finished by the next list().
    const tombstone = join(this.#root, `${WIPE_PREFIX}${profileId}`);
    await rename(dir, tombstone);
    await this.#finishWipe(tombstone);
  }

  /** Overwrites and removes a tombstoned profile folder; concurrent callers share one run. */
  #finishWipe(tombstone: string): Promise<void> {
    let run = this.#wipes.get(tombstone);
    if (!run) {
      run = wipeFolder(tombstone).finally(() => this.#wipes.delete(tombstone));
      this.#wipes.set(tombstone, run);
    }
    return run;
  }

  /** The passphrase wrap's KDF parameters, for tests and the admin's "about this profile". */
  async kdfOf(profileId: string): Promise<KdfCost> {
    const { kdf } = (await this.#passphraseWrap((await this.#read(profileId)).file)).wrappedKey;
    return { alg: kdf.alg, opsLimit: kdf.opsLimit, memLimitBytes: kdf.memLimitBytes };
  }
}

async function wipeFolder(dir: string): Promise<void> {
  const targets = ['store.db', 'store.db-wal', 'store.db-shm', 'profile.json'].map((f) => join(dir, f));
  const filesDir = join(dir, 'files');
  if (existsSync(filesDir)) for (const f of await readdir(filesDir)) targets.push(join(filesDir, f));
  for (const target of targets) await overwrite(target);
  await rm(dir, { recursive: true, force: true });
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
