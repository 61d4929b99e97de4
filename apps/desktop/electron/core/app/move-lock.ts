// One start at a time moves the data folder (core/app/move-folder-once.ts). The move runs before
// Electron's single-instance lock can be asked for (that lock lives in the data folder the move
// decides), and across volumes it copies for minutes with no window on screen, the moment a user
// double-clicks again. A second start would then resume the same move from the other side: delete
// the first one's copy or its source under it, and each start would end up with a different data
// folder (and so its own single-instance lock). The lock is a file in the account's local app data
// holding the mover's process id and when the machine started, created exclusively; a start that
// finds it held by a live process steps back. After a crash the id may belong to another program
// (Windows reuses ids soon): a lock from before the last reboot, or older than hours, is stale.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { uptime } from 'node:os';
import { dirname } from 'node:path';

/** A lock older than this is taken over even when its process id is alive (reused after a crash). */
export const MOVE_LOCK_STALE_MS = 2 * 60 * 60_000;
/** Boot times computed at two moments differ by rounding and clock steps; a reboot moves it by far more. */
const BOOT_SLACK_MS = 5 * 60_000;

const bootTime = (now: number) => now - uptime() * 1000;
/** A lock file without a process id yet: its writer is between creating and writing it, unless it crashed there. */
const UNWRITTEN_STALE_MS = 60_000;

export interface MoveLock {
  release(): void;
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? '';

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM';
  }
}

/** Whether the lock at `path` was left by a start that is gone. */
function stale(path: string, now: number): boolean {
  let text: string;
  let age: number;
  try {
    text = readFileSync(path, 'utf8');
    age = now - statSync(path).mtimeMs;
  } catch (error) {
    // Released between our attempt and this look: free now.
    return code(error) === 'ENOENT';
  }
  const [pidText = '', bootText = ''] = text.split(' ');
  const pid = Number.parseInt(pidText, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return age > UNWRITTEN_STALE_MS;
  const boot = Number.parseInt(bootText, 10);
  const rebooted = !Number.isSafeInteger(boot) || Math.abs(boot - bootTime(now)) > BOOT_SLACK_MS;
  return rebooted || age > MOVE_LOCK_STALE_MS || !alive(pid);
}

function create(path: string, now: number): MoveLock {
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, `${process.pid} ${Math.round(bootTime(now))}`);
  } finally {
    closeSync(fd);
  }
  return {
    release() {
      try {
        unlinkSync(path);
      } catch {
        // already gone; a leftover is stale by its process id at the next start
      }
    },
  };
}

/**
 * The lock, or 'busy' while another live start holds it. A lock that cannot be created for
 * another reason (the folder above cannot be written) does not stop the start: the move itself
 * then fails the same way and keeps the old folder in use.
 */
export function takeMoveLock(path: string, now: number = Date.now()): MoveLock | 'busy' {
  const none: MoveLock = { release() {} };
  try {
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return create(path, now);
      } catch (error) {
        if (code(error) !== 'EEXIST') return none;
        if (!stale(path, now)) return 'busy';
        try {
          unlinkSync(path);
        } catch (unlinkError) {
          if (code(unlinkError) !== 'ENOENT') return none;
        }
      }
    }
    return 'busy';
  } catch {
    return none;
  }
}
