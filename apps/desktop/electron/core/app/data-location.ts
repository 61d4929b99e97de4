// The folder that holds an OS account's Klinikfunk data, decided once at start before Electron is
// ready (it becomes Electron's userData): `profiles/`, `logs/` and Chromium's `Local State`, which
// holds the key the OS secure store (DPAPI) seals each profile's key with. They stay together: a
// profile folder without its `Local State` cannot be opened (docs/security.md).
//   the ProfileRoot policy, expanded for the account, else local app data (%LOCALAPPDATA%\Klinikfunk)
// Earlier versions used the roaming %APPDATA%\Klinikfunk; that folder (or, once ProfileRoot is
// set, the default local one) is moved when the new folder is empty. When it is not, or the old
// folder is held by another program, the old folder stays in use and the log says why; the next
// start tries again (docs/policies.md "Where profiles live"). Only one start moves at a time
// (core/app/move-lock.ts); another start meanwhile gets null and ends, as a second instance does.
import { mkdirSync } from 'node:fs';
import type { Logger } from '../log/logger.ts';
import { expandProfileRoot } from '../policy/profile-root.ts';
import type { EffectivePolicy } from '../policy/resolve.ts';
import type { AppPaths } from '../platform/platform.ts';
import { holdsSomething, moveFolderOnce, type MoveFolderOptions, type MoveOutcome } from './move-folder-once.ts';
import { takeMoveLock } from './move-lock.ts';

function report(log: Logger, outcome: MoveOutcome, to: string): void {
  if (outcome.moved) {
    log.info('data folder moved to its new place', {
      from: outcome.from,
      to: outcome.dir,
      ...(outcome.leftover ? { leftover: outcome.leftover } : {}),
    });
  } else if (outcome.reason !== 'nothing_to_move') {
    const why = {
      target_not_empty: 'the new folder already holds files; move or delete one of the two folders by hand',
      locked: 'another program holds a file in the old folder; it is tried again at the next start',
      failed: 'the move failed; it is tried again at the next start',
    }[outcome.reason];
    log.warn(`data folder stays in its old place: ${why}`, {
      old: outcome.dir,
      new: to,
      reason: outcome.reason,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  }
}

/** Something is (still) to move from `from`: the folder, or a cross-volume move of it under way. */
function pending(from: string): boolean {
  try {
    return holdsSomething(from) || holdsSomething(`${from}.moving`);
  } catch {
    // unreadable: moveFolderOnce says why
    return true;
  }
}

/**
 * The folder exists (or is created now, only its owner may enter it on Linux). Electron cannot
 * run on a data folder it cannot create (a VDI disk that is not attached, a drive that does not
 * exist): the start would end without a window or a word.
 */
function creatable(expanded: ReturnType<typeof expandProfileRoot>): ReturnType<typeof expandProfileRoot> {
  if (!expanded.ok) return expanded;
  try {
    mkdirSync(expanded.path, { recursive: true, mode: 0o700 });
    return expanded;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ok: false, detail: `profile folder cannot be created for this account (${code})` };
  }
}

/**
 * The account's data folder (ProfileRoot or local app data), with earlier data moved into it, or
 * null while another start of the app is moving it (this start must use neither folder). A
 * ProfileRoot that cannot be used for this account is added to the policy's problems, so that
 * *Verwaltete Einstellungen* marks it as rejected, not only the log.
 */
export function settleDataDir(
  paths: AppPaths,
  policy: Pick<EffectivePolicy, 'values' | 'managedBy' | 'problems'>,
  log: Logger,
  rename?: MoveFolderOptions['rename'],
): string | null {
  let to = paths.localData;
  const profileRoot = policy.values.profileRoot;
  if (profileRoot !== null) {
    const expanded = creatable(expandProfileRoot(profileRoot, paths.environment, paths.os));
    if (expanded.ok) to = expanded.path;
    else {
      log.warn('ProfileRoot policy not used, data stays in the default folder', {
        detail: expanded.detail,
        folder: paths.localData,
      });
      const source = policy.managedBy.profileRoot;
      if (source)
        policy.problems.push({ source, key: 'profileRoot', reason: 'invalid_value', detail: expanded.detail });
    }
  }
  // Oldest first: the roaming folder of earlier versions, then the default a ProfileRoot replaces.
  const sources = [paths.legacyData, paths.localData].filter((s, i, all) => s !== to && all.indexOf(s) === i);
  // The common start (everything moved long ago) creates no lock file.
  if (!sources.some(pending)) return to;
  // In the account's own local app data, not beside a ProfileRoot folder, where other accounts may
  // create files (and so could hold this account's move back).
  const lock = takeMoveLock(`${paths.localData}.move-lock`);
  if (lock === 'busy') {
    log.info('another start of Klinikfunk is moving the data folder; this start ends', { new: to });
    return null;
  }
  try {
    for (const from of sources) {
      const outcome = moveFolderOnce({ from, to, ...(rename ? { rename } : {}) });
      report(log, outcome, to);
      // The first folder that still holds profiles and could not move is the one in use.
      if (!outcome.moved && outcome.reason !== 'nothing_to_move') return outcome.dir;
    }
    return to;
  } finally {
    lock.release();
  }
}
