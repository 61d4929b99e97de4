// Moves the app's data folder of an OS account (profiles, logs and Chromium's `Local State`, which
// holds the key the OS secure store seals profiles with) to its new place once, at start. The
// rule: move when the new place is empty; when it already holds something while the old folder
// holds profiles, or the old folder cannot be moved (on Windows, another program such as a second
// session of Klinikfunk or a scanner holds a file in it), keep using the old folder and say why.
//
// Synchronous on purpose: it runs before Electron's `ready`, because Chromium reads `Local State`
// from the data folder at start-up and the folder must not change under it afterwards. Nothing
// else runs in the process yet, and the common case is one rename.
//
// On one volume the move is one rename, which either happens or not. Across volumes (a redirected
// %APPDATA% on a file server to a local %LOCALAPPDATA%) the folder is first renamed to
// `<old>.moving` beside itself (the lock check, and the mark of a move under way), copied to
// `<new>.partial`, which gets a mark naming `<old>.moving` (MOVED_FROM_MARK) and is renamed to
// `<new>` once complete; then the old copy is deleted, then the mark. A start after an interruption
// finds `<old>.moving` and finishes the copy, or, when `<new>` carries the mark naming it, only
// deletes it; nothing is used while half copied. `<old>.moving` beside a `<new>` without that mark
// is never deleted: that `<new>` is not its copy (the policy named another folder since), so it is
// the old data's only copy.
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type MoveOutcome =
  | { dir: string; moved: false; reason: 'nothing_to_move' }
  | { dir: string; moved: true; from: string; leftover?: string }
  | { dir: string; moved: false; reason: 'target_not_empty' | 'locked' | 'failed'; error?: string };

export interface MoveFolderOptions {
  from: string;
  to: string;
  /** fs.renameSync unless a test stands in for Windows, where a held file makes a rename fail. */
  rename?: (from: string, to: string) => void;
}

const LOCKED = new Set(['EBUSY', 'EPERM', 'EACCES']);
const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? '';
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** True when the folder exists and has an entry. */
export function holdsSomething(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch (error) {
    if (code(error) === 'ENOENT' || code(error) === 'ENOTDIR') return false;
    throw error;
  }
}

const holdsProfiles = (dir: string) => holdsSomething(join(dir, 'profiles'));

/** Never throws: anything unexpected (a folder that cannot be read or created) keeps the old folder in use. */
export function moveFolderOnce(options: MoveFolderOptions): MoveOutcome {
  try {
    return move(options);
  } catch (error) {
    let dir = options.from;
    try {
      if (holdsSomething(`${options.from}.moving`)) dir = `${options.from}.moving`;
    } catch {
      // the old folder's name stands
    }
    return { dir, moved: false, reason: 'failed', error: message(error) };
  }
}

/** In a finished cross-volume copy until its source is deleted: the source's path. */
export const MOVED_FROM_MARK = '.klinikfunk-moved-from';

function markNames(dir: string, source: string): boolean {
  try {
    return readFileSync(join(dir, MOVED_FROM_MARK), 'utf8') === source;
  } catch {
    return false;
  }
}

/** Deletes the finished copy's source, then the mark; what is left, or null. */
function deleteSource(moving: string, to: string): string | null {
  try {
    rmSync(moving, { recursive: true, force: true });
  } catch (error) {
    return `${moving}: ${message(error)}`;
  }
  try {
    rmSync(join(to, MOVED_FROM_MARK), { force: true });
  } catch {
    // harmless where it is: it names a folder that no longer exists
  }
  return null;
}

function move(options: MoveFolderOptions): MoveOutcome {
  const { from, to } = options;
  const rename = options.rename ?? renameSync;
  const moving = `${from}.moving`;
  if (from === to) return { dir: to, moved: false, reason: 'nothing_to_move' };

  const resuming = holdsSomething(moving);
  if (resuming && markNames(to, moving)) {
    // Interrupted after the copy was complete: only the old copy is left to delete.
    const leftover = deleteSource(moving, to);
    return { dir: to, moved: true, from, ...(leftover ? { leftover } : {}) };
  }
  if (resuming && holdsSomething(to)) {
    // Half copied to a folder that has since become another one: the old data under its own name again.
    let dir = moving;
    try {
      rename(moving, from);
      dir = from;
    } catch {
      // used from where it is; the next start tries again
    }
    return { dir, moved: false, reason: 'target_not_empty' };
  }
  const source = resuming ? moving : from;
  if (!holdsSomething(source)) return { dir: to, moved: false, reason: 'nothing_to_move' };
  if (holdsSomething(to)) {
    // An old folder without profiles (caches, old logs) is not worth keeping the old place for.
    return holdsProfiles(source)
      ? { dir: source, moved: false, reason: 'target_not_empty' }
      : { dir: to, moved: false, reason: 'nothing_to_move' };
  }

  mkdirSync(dirname(to), { recursive: true });
  // An empty folder in the way (created by an earlier start): Windows does not rename onto it.
  try {
    rmdirSync(to);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
  try {
    rename(source, to);
    return { dir: to, moved: true, from };
  } catch (error) {
    if (code(error) !== 'EXDEV')
      return {
        dir: source,
        moved: false,
        reason: LOCKED.has(code(error)) ? 'locked' : 'failed',
        error: message(error),
      };
  }

  return copyThenDelete(options, resuming);
}

/** Another volume: copy, then delete (resuming: the old folder is named .moving already). */
function copyThenDelete(options: MoveFolderOptions, resuming: boolean): MoveOutcome {
  const { from, to } = options;
  const rename = options.rename ?? renameSync;
  const moving = `${from}.moving`;
  const partial = `${to}.partial`;
  if (!resuming) {
    try {
      rename(from, moving);
    } catch (error) {
      return { dir: from, moved: false, reason: LOCKED.has(code(error)) ? 'locked' : 'failed', error: message(error) };
    }
  }
  try {
    rmSync(partial, { recursive: true, force: true });
    cpSync(moving, partial, { recursive: true, errorOnExist: true, force: false, preserveTimestamps: true });
    writeFileSync(join(partial, MOVED_FROM_MARK), moving);
    rename(partial, to);
  } catch (error) {
    try {
      rmSync(partial, { recursive: true, force: true });
    } catch {
      // what is left is named .partial and removed by the next attempt
    }
    // Back where it was, so the app keeps working with it; if that fails too, from where it is.
    let back = moving;
    try {
      rename(moving, from);
      back = from;
    } catch {
      // the next start resumes from .moving
    }
    return { dir: back, moved: false, reason: 'failed', error: message(error) };
  }
  // The move is done; an old copy that cannot be deleted now is deleted at the next start (by the mark).
  const leftover = deleteSource(moving, to);
  return { dir: to, moved: true, from, ...(leftover ? { leftover } : {}) };
}
