// The relay's data directory: readable by the service account only, and used by one relay
// process at a time.
//
// Modes: relay.db (with SQLite) holds the directory's signed records in plain text (display
// names, wards, roles) and the metadata listed in docs/security.md; the bootstrap code, the
// high-water mark and the lock sit beside it. The folder is 0700 and every file in it 0600,
// whatever the service manager's umask: the relay sets umask 077 at start (for files SQLite and
// the relay create later: -wal, -shm, temp files) and puts the modes right on what is already
// there (a data directory made by hand, or by an older relay that created files 0644).
//
// The lock: two relays on one data directory would both serve one SQLite file, overwrite each
// other's high-water mark and bootstrap code, and a restore under one of them would go unnoticed
// by the other; SQLite is meant for one relay process here (docs/operations.md). `relay.lock` is created with O_EXCL
// and holds the owner's pid and host. A lock whose pid no longer runs on this host (a relay
// killed with kill -9, a power cut) is stale: the next relay takes it over and logs that. The
// takeover itself is serialised by a second O_EXCL file, so two relays starting at once after a
// crash cannot both delete the stale lock and both go on. A lock that names no owner (a power cut
// shortly after a start leaves it empty: the content was still in the page cache) and a takeover
// file are written within an instant of their creation; older than LEFT_OVER_MS they were left
// by a crash, whatever pid they name, and do not keep every later relay from starting.
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { RelayLog } from './log.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export const LOCK_FILE = 'relay.lock';
const TAKEOVER_FILE = 'relay.lock.takeover';
/** Exit code of a relay that finds its data directory in use by another running relay. */
export const EXIT_DATA_DIR_LOCKED = 3;
/** Age past which a lock naming no owner, or a takeover file, was left by a crash. */
const LEFT_OVER_MS = 10_000;

const lockSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string().max(255),
  since: z.string().max(64),
  /** Linux: the kernel's boot id and the process's start time in clock ticks since boot (/proc). */
  boot: z.string().max(64).optional(),
  started: z.string().max(32).optional(),
});
type LockOwner = z.infer<typeof lockSchema>;

export class DataDirLockedError extends Error {
  readonly file: string;
  readonly owner: LockOwner | null;
  constructor(file: string, owner: LockOwner | null) {
    super(
      owner
        ? `the data directory is in use by another relay (pid ${owner.pid} on ${owner.host} since ${owner.since}; lock ${file}). Stop that relay, or give this one its own --data-dir`
        : `the data directory is locked by ${file}, which names no owner; if no relay runs on this directory, delete the file`,
    );
    this.file = file;
    this.owner = owner;
  }
}

/**
 * Sets umask 077 and makes the data directory 0700 with every file in it 0600. A directory or
 * file the relay may not chmod (another owner's: a folder root made and gave the service
 * account's group to write, a file put there by hand) is logged, not fatal: the relay's own files
 * are its own, and such a folder's access is what its owner chose.
 */
export function prepareDataDir(dataDir: string, log: RelayLog): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // mkdir leaves an existing folder's mode alone.
    chmodSync(dataDir, 0o700);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    log.warn('data directory: mode not set to 0700', { dir: dataDir, error: loggable(error) });
  }
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(dataDir, entry.name);
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      log.warn('data directory: file mode not set to 0600', { file, error: loggable(error) });
    }
  }
}

/** Creates `file` with O_EXCL and mode 0600 holding `text`; false when it exists. */
function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
    // On disk before the relay goes on: after a power cut the lock names its owner.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The file was last written longer than LEFT_OVER_MS ago (false when it is gone). */
function leftOver(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > LEFT_OVER_MS;
  } catch {
    return false;
  }
}

function readOwner(file: string): { owner: LockOwner | null; text: string } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return { owner: lockSchema.parse(JSON.parse(text)), text };
  } catch {
    return { owner: null, text };
  }
}

/** Linux: boot id and a process's start time, which together name one process for good. */
function processIdentity(pid: number): { boot?: string; started?: string } {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    // Field 22 of /proc/<pid>/stat, counted after the command name in parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return started ? { boot, started } : {};
  } catch {
    return {};
  }
}

/** True when the owner's process may still run: another host cannot be checked from here. */
function alive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false;
  if (owner.boot && owner.started) {
    // After a reboot (a power cut) or with the pid now another process's, the lock is stale even
    // though something runs under that pid.
    const now = processIdentity(owner.pid);
    if (now.boot && now.boot !== owner.boot) return false;
    if (now.started && now.started !== owner.started) return false;
  }
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user holds that pid; it runs.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock if it is still this process's (a clean stop). */
  release(): void;
}

/**
 * Takes the data directory's lock or throws DataDirLockedError. A stale lock (its pid gone on
 * this host) is taken over and the takeover logged.
 */
export function lockDataDir(dataDir: string, log: RelayLog): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString(), ...processIdentity(process.pid) } satisfies LockOwner)}\n`;
  const lock: DataDirLock = {
    file,
    release() {
      if (readOwner(file)?.text === mine) rmSync(file, { force: true });
    },
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, mine)) return lock;
    const found = readOwner(file);
    if (!found) continue; // released between our two calls: try again
    if (found.owner ? alive(found.owner) : !leftOver(file)) throw new DataDirLockedError(file, found.owner);
    takeOver(dataDir, file, found.text, mine, log, found.owner);
    if (readOwner(file)?.text === mine) return lock;
  }
  throw new DataDirLockedError(file, readOwner(file)?.owner ?? null);
}

/** Replaces the stale lock `staleText` by `mine`, unless someone else got there first. */
function takeOver(
  dataDir: string,
  file: string,
  staleText: string,
  mine: string,
  log: RelayLog,
  stale: LockOwner | null,
): void {
  const guard = join(dataDir, TAKEOVER_FILE);
  const me = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString(), ...processIdentity(process.pid) } satisfies LockOwner)}\n`;
  if (!createExclusive(guard, me)) {
    // Another relay is taking over right now, or died while doing so (then its guard is stale
    // too: its process is gone, or the guard is older than a takeover ever takes).
    const other = readOwner(guard);
    if (other && (leftOver(guard) || (other.owner && !alive(other.owner)))) rmSync(guard, { force: true });
    return;
  }
  try {
    // Still the same stale lock (not a fresh one another relay made meanwhile)?
    if (readOwner(file)?.text !== staleText) return;
    rmSync(file, { force: true });
    if (createExclusive(file, mine))
      log.warn('data directory lock taken over from a relay that no longer runs', {
        file,
        stalePid: stale?.pid ?? null,
        staleSince: stale?.since ?? null,
      });
  } finally {
    rmSync(guard, { force: true });
  }
}
