// The account's data folder (profiles, logs, Chromium's Local State) moves once from the roaming
// folder of earlier versions (or the default a ProfileRoot replaces) to its new place, with real
// folders in a temp dir. What cannot exist
// here is stood in for by the rename function only: Windows refusing to rename a folder while a
// program holds a file in it (EBUSY), and a redirected %APPDATA% on another volume (EXDEV, then the
// real copy runs).
import { spawnSync } from 'node:child_process';
import { readdirSync, renameSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settleDataDir } from '../../../apps/desktop/electron/core/app/data-location.ts';
import { MOVED_FROM_MARK, moveFolderOnce } from '../../../apps/desktop/electron/core/app/move-folder-once.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { fakeAppPaths } from '../../../apps/desktop/electron/core/platform/fakes.ts';
import type { AppPaths } from '../../../apps/desktop/electron/core/platform/platform.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';

/** The effective policy with ProfileRoot from HKLM, or none. */
const withRoot = (profileRoot: string | null) =>
  resolvePolicy(
    profileRoot === null
      ? []
      : [
          {
            name: 'HKLM',
            kind: 'registry',
            values: new Map([['ProfileRoot', { type: 'REG_EXPAND_SZ', value: profileRoot }]]),
          },
        ],
  );

const PROFILE = '3f0c2a9e-5b7d-4c1e-9a62-0d4f7b8e1c55';

/** A data folder as the app leaves it: one profile with its store, the relay list, logs and Local State. */
async function writeData(dir: string, marker: string): Promise<void> {
  await mkdir(join(dir, 'profiles', PROFILE, 'files'), { recursive: true });
  await writeFile(join(dir, 'profiles', PROFILE, 'store.db'), `sqlcipher pages of ${marker}`);
  await writeFile(join(dir, 'profiles', PROFILE, 'files', 'blob-1'), Buffer.alloc(200_000, 7));
  await writeFile(join(dir, 'profiles', 'profile-relays.json'), JSON.stringify({ [PROFILE]: `wss://${marker}` }));
  await mkdir(join(dir, 'logs'), { recursive: true });
  await writeFile(join(dir, 'logs', 'klinikfunk.log'), `{"message":"${marker}"}\n`);
  await writeFile(join(dir, 'Local State'), `{"os_crypt":{"encrypted_key":"${marker}"}}`);
}
const store = (dir: string) => readFile(join(dir, 'profiles', PROFILE, 'store.db'), 'utf8');
const localState = (dir: string) => readFile(join(dir, 'Local State'), 'utf8');

const exists = (path: string) =>
  readdir(path).then(
    () => true,
    () => false,
  );

const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
/** Windows: a program holds a file in the folder, so the folder cannot be renamed. */
const heldOpen = () => {
  throw errno('EBUSY');
};
/** The old folder on another volume: rename of it fails as the kernel does, the copy then runs for real. */
const otherVolume = (oldRoot: string) => (from: string, to: string) => {
  if (from.startsWith(oldRoot) !== to.startsWith(oldRoot)) throw errno('EXDEV');
  renameSync(from, to);
};

describe('the data folder in local app data', () => {
  let root: string;
  let paths: AppPaths;
  let roaming: string;
  let local: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kf-location-'));
    paths = fakeAppPaths(root);
    roaming = paths.legacyData;
    local = paths.localData;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a new install uses local app data and moves nothing', () => {
    const { logger, records } = createMemoryLogger();
    expect(settleDataDir(paths, withRoot(null), logger)).toBe(local);
    expect(local).toContain(join('AppData', 'Local', 'Klinikfunk'));
    expect(records).toEqual([]);
  });

  it('moves the folder of an earlier version out of the roaming profile, once, with every file and its Local State', async () => {
    await writeData(roaming, 'old');
    const { logger, records } = createMemoryLogger();
    expect(settleDataDir(paths, withRoot(null), logger)).toBe(local);
    expect(await store(local)).toBe('sqlcipher pages of old');
    expect(await localState(local)).toContain('"old"');
    expect((await readFile(join(local, 'profiles', PROFILE, 'files', 'blob-1'))).length).toBe(200_000);
    expect(await readFile(join(local, 'logs', 'klinikfunk.log'), 'utf8')).toContain('old');
    expect(await exists(roaming)).toBe(false);
    expect(records).toMatchObject([
      { level: 'info', message: 'data folder moved to its new place', fields: { from: roaming, to: local } },
    ]);
    // The next start finds nothing to move.
    const again = createMemoryLogger();
    expect(settleDataDir(paths, withRoot(null), again.logger)).toBe(local);
    expect(again.records).toEqual([]);
  });

  it('moves into an empty folder an earlier start left at the new place', async () => {
    await writeData(roaming, 'old');
    await mkdir(local, { recursive: true });
    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger)).toBe(local);
    expect(await store(local)).toBe('sqlcipher pages of old');
  });

  it('keeps using the old folder when the new one already holds data, touches neither, and says why', async () => {
    await writeData(roaming, 'old');
    await writeData(local, 'new');
    const { logger, records } = createMemoryLogger();
    expect(settleDataDir(paths, withRoot(null), logger)).toBe(roaming);
    expect(await store(roaming)).toBe('sqlcipher pages of old');
    expect(await store(local)).toBe('sqlcipher pages of new');
    expect(await localState(local)).toContain('"new"');
    expect(records).toMatchObject([
      {
        level: 'warn',
        message: expect.stringMatching(/^data folder stays in its old place: the new folder already holds files/),
        fields: { old: roaming, new: local, reason: 'target_not_empty' },
      },
    ]);
  });

  it('an old folder without profiles (what Electron leaves, old logs) does not hold back the new one', async () => {
    await writeData(local, 'new');
    await mkdir(join(roaming, 'Cache'), { recursive: true });
    await writeFile(join(roaming, 'Preferences'), '{}');
    const { logger, records } = createMemoryLogger();
    expect(settleDataDir(paths, withRoot(null), logger)).toBe(local);
    expect(records).toEqual([]);
    expect(await store(local)).toBe('sqlcipher pages of new');
  });

  it('keeps using the old folder while a program holds a file in it, and moves at the next start', async () => {
    await writeData(roaming, 'old');
    const { logger, records } = createMemoryLogger();
    expect(settleDataDir(paths, withRoot(null), logger, heldOpen)).toBe(roaming);
    expect(records).toMatchObject([
      { level: 'warn', fields: { reason: 'locked', error: expect.stringContaining('EBUSY') } },
    ]);
    expect(await store(roaming)).toBe('sqlcipher pages of old');
    expect(await exists(local)).toBe(false);

    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger)).toBe(local);
    expect(await store(local)).toBe('sqlcipher pages of old');
  });

  it('copies across volumes (a redirected %APPDATA% on a file server) and deletes the old copy after', async () => {
    await writeData(roaming, 'old');
    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger, otherVolume(roaming))).toBe(local);
    expect(await store(local)).toBe('sqlcipher pages of old');
    expect(await localState(local)).toContain('"old"');
    expect((await readFile(join(local, 'profiles', PROFILE, 'files', 'blob-1'))).length).toBe(200_000);
    expect(await readdir(join(roaming, '..'))).toEqual([]);
    expect(await readdir(join(local, '..'))).toEqual(['Klinikfunk']);
    expect((await readdir(local)).sort()).toEqual(['Local State', 'logs', 'profiles']);
  });

  it('finishes a cross-volume move that was interrupted while copying, and one interrupted before deleting', async () => {
    // Interrupted while copying: the old folder is marked .moving, half a copy lies at .partial.
    await writeData(`${roaming}.moving`, 'old');
    await mkdir(join(`${local}.partial`, 'profiles', PROFILE), { recursive: true });
    expect(moveFolderOnce({ from: roaming, to: local, rename: otherVolume(roaming) })).toMatchObject({
      moved: true,
      dir: local,
    });
    expect(await store(local)).toBe('sqlcipher pages of old');
    expect(await readdir(join(roaming, '..'))).toEqual([]);
    expect(await readdir(join(local, '..'))).toEqual(['Klinikfunk']);

    // Interrupted after the copy was complete (the copy carries the mark naming its source), with
    // the old copy half deleted: only the rest of it is deleted.
    await writeData(`${roaming}.moving`, 'old');
    await rm(join(`${roaming}.moving`, 'logs'), { recursive: true });
    await writeFile(join(local, MOVED_FROM_MARK), `${roaming}.moving`);
    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger)).toBe(local);
    expect(await readdir(join(roaming, '..'))).toEqual([]);
    expect(await store(local)).toBe('sqlcipher pages of old');
    expect((await readdir(local)).sort()).toEqual(['Local State', 'logs', 'profiles']);
  });

  it('an interrupted move whose new folder meanwhile holds other data deletes neither (the policy named another folder)', async () => {
    // Interrupted while copying to local app data; before the next start IT set ProfileRoot to a
    // disk that already holds this account's data from elsewhere.
    await writeData(`${roaming}.moving`, 'old');
    const vdiDisk = join(root, 'D', 'Klinikfunk', 'pflege-station-3b');
    await writeData(vdiDisk, 'persistent disk');
    const { logger, records } = createMemoryLogger();
    const dir = settleDataDir(paths, withRoot(`${join(root, 'D')}/Klinikfunk/%USERNAME%`), logger);
    expect(dir).toBe(roaming);
    expect(await store(roaming)).toBe('sqlcipher pages of old');
    expect(await localState(roaming)).toContain('"old"');
    expect(await store(vdiDisk)).toBe('sqlcipher pages of persistent disk');
    expect(records).toMatchObject([{ level: 'warn', fields: { reason: 'target_not_empty' } }]);
  });

  it('a failed copy leaves the old folder where it was and in use, and the next start moves it', async () => {
    await writeData(roaming, 'old');
    // The copy is complete, but the last step (the copy taking its final name) fails.
    const moveFails = (from: string, to: string) => {
      if (from.endsWith('.partial')) throw errno('EIO');
      otherVolume(roaming)(from, to);
    };
    const { logger, records } = createMemoryLogger();
    expect(settleDataDir(paths, withRoot(null), logger, moveFails)).toBe(roaming);
    expect(records).toMatchObject([
      { level: 'warn', fields: { reason: 'failed', error: expect.stringContaining('EIO') } },
    ]);
    expect(await store(roaming)).toBe('sqlcipher pages of old');
    expect(await readdir(join(roaming, '..'))).toEqual(['Klinikfunk']);
    expect(await exists(local)).toBe(false);
    expect(await exists(`${local}.partial`)).toBe(false);

    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger, otherVolume(roaming))).toBe(local);
    expect(await store(local)).toBe('sqlcipher pages of old');
  });

  it('a second start while the first is still copying across volumes ends and touches nothing (a double click when no window shows yet)', async () => {
    await writeData(roaming, 'old');
    const second = createMemoryLogger();
    let secondStart: string | null | undefined;
    const doubleClickDuringCopy = (from: string, to: string) => {
      otherVolume(roaming)(from, to);
      // The first start has marked the old folder .moving and is about to copy it.
      if (to === `${roaming}.moving` && secondStart === undefined)
        secondStart = settleDataDir(paths, withRoot(null), second.logger, otherVolume(roaming));
    };
    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger, doubleClickDuringCopy)).toBe(local);
    expect(secondStart).toBeNull();
    expect(second.records).toMatchObject([
      { level: 'info', message: expect.stringContaining('another start of Klinikfunk is moving the data folder') },
    ]);
    expect(await store(local)).toBe('sqlcipher pages of old');
    expect(await localState(local)).toContain('"old"');
    expect(await readdir(join(roaming, '..'))).toEqual([]);
    expect(await readdir(join(local, '..'))).toEqual(['Klinikfunk']);
  });

  it('the move lock of a start that is gone (or from before the last reboot, or hours old) is taken over; a live one is not', async () => {
    await writeData(roaming, 'old');
    const lock = `${local}.move-lock`;
    await mkdir(join(lock, '..'), { recursive: true });
    // A live process other than this one (the test runner that started this worker), since this boot.
    const bootedAt = Math.round(Date.now() - uptime() * 1000);
    await writeFile(lock, `${process.ppid} ${bootedAt}`);
    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger)).toBeNull();
    expect(await store(roaming)).toBe('sqlcipher pages of old');
    expect(await exists(local)).toBe(false);

    // The same live id, but the lock is from before the machine last started: the id was reused after a crash.
    await writeFile(lock, `${process.ppid} ${bootedAt - 3_600_000}`);
    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger)).toBe(local);
    expect(await store(local)).toBe('sqlcipher pages of old');
    expect(await readdir(join(local, '..'))).toEqual(['Klinikfunk']);

    // The same live id and boot, but the lock was written hours ago.
    await rm(local, { recursive: true });
    await writeData(roaming, 'old');
    await writeFile(lock, `${process.ppid} ${bootedAt}`);
    const longAgo = new Date(Date.now() - 3 * 60 * 60_000);
    await utimes(lock, longAgo, longAgo);
    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger)).toBe(local);
    expect(await store(local)).toBe('sqlcipher pages of old');
    expect(await readdir(join(local, '..'))).toEqual(['Klinikfunk']);

    // A lock left by a start that crashed: its process is gone.
    await rm(local, { recursive: true });
    await writeData(roaming, 'again');
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lock, String(gone));
    expect(settleDataDir(paths, withRoot(null), createMemoryLogger().logger)).toBe(local);
    expect(await store(local)).toBe('sqlcipher pages of again');
    expect(await readdir(join(local, '..'))).toEqual(['Klinikfunk']);
  });

  it('a new folder that cannot be created keeps the old one in use instead of stopping the start', async () => {
    await writeData(roaming, 'old');
    // A file stands where the local app data folder should be.
    await mkdir(join(local, '..', '..'), { recursive: true });
    await writeFile(join(local, '..'), 'not a folder');
    const { logger, records } = createMemoryLogger();
    expect(settleDataDir(paths, withRoot(null), logger)).toBe(roaming);
    expect(records).toMatchObject([{ level: 'warn', fields: { reason: 'failed' } }]);
    expect(await store(roaming)).toBe('sqlcipher pages of old');
  });

  it('with ProfileRoot moves the data there, from the roaming folder or from the default local folder', async () => {
    const vdiDisk = join(root, 'D');
    const profileRoot = `${vdiDisk}/Klinikfunk/%USERNAME%`;
    const target = join(vdiDisk, 'Klinikfunk', 'pflege-station-3b');
    await writeData(roaming, 'old');
    let besideTarget: string[] = [];
    const lookBeside = (from: string, to: string) => {
      renameSync(from, to);
      besideTarget = readdirSync(join(target, '..'));
    };
    expect(settleDataDir(paths, withRoot(profileRoot), createMemoryLogger().logger, lookBeside)).toBe(target);
    expect(await store(target)).toBe('sqlcipher pages of old');
    expect(await localState(target)).toContain('"old"');
    // The move lock is in the account's own folder, not where other accounts' folders are.
    expect(besideTarget).toEqual(['pflege-station-3b']);

    // A PC that ran this version before IT set the policy: the default local folder moves.
    await rm(target, { recursive: true });
    await writeData(local, 'local');
    expect(settleDataDir(paths, withRoot(profileRoot), createMemoryLogger().logger)).toBe(target);
    expect(await store(target)).toBe('sqlcipher pages of local');
    expect(await exists(local)).toBe(false);
  });

  it('a ProfileRoot that does not expand for this account is not used, and the log and the managed settings say why', () => {
    const { logger, records } = createMemoryLogger();
    const policy = withRoot('%HOMEPATH%/Klinikfunk');
    expect(policy.problems).toEqual([]);
    expect(settleDataDir(paths, policy, logger)).toBe(local);
    expect(records).toMatchObject([
      {
        level: 'warn',
        message: expect.stringContaining('ProfileRoot policy not used'),
        fields: { detail: expect.stringContaining('HOMEPATH') },
      },
    ]);
    expect(policy.problems).toMatchObject([
      { source: 'HKLM', key: 'profileRoot', reason: 'invalid_value', detail: expect.stringContaining('HOMEPATH') },
    ]);
  });

  it('a ProfileRoot folder that cannot be created (a VDI disk not attached) is not used, and the managed settings say why', async () => {
    // A file stands where the disk's folder should be.
    await writeFile(join(root, 'D'), 'no disk here');
    const { logger, records } = createMemoryLogger();
    const policy = withRoot(`${join(root, 'D')}/Klinikfunk/%USERNAME%`);
    expect(policy.problems).toEqual([]);
    expect(settleDataDir(paths, policy, logger)).toBe(local);
    expect(records).toMatchObject([
      {
        level: 'warn',
        message: expect.stringContaining('ProfileRoot policy not used'),
        fields: { detail: expect.stringContaining('cannot be created') },
      },
    ]);
    expect(policy.problems).toMatchObject([{ key: 'profileRoot', reason: 'invalid_value' }]);
  });

  it('where local and roaming are one folder (Linux) nothing moves', async () => {
    await writeData(local, 'linux');
    const { logger, records } = createMemoryLogger();
    expect(settleDataDir({ ...paths, legacyData: local }, withRoot(null), logger)).toBe(local);
    expect(records).toEqual([]);
    expect(await store(local)).toBe('sqlcipher pages of linux');
  });
});
