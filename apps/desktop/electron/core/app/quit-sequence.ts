// What the desktop app does once when it quits, in order: close the core (sessions and stores
// close, and may log while doing so), write a last line, and wait until the log file holds every
// line. Electron ends the process as soon as its quit handlers return, so without the wait the
// lines still queued for the background log writer (core/log/rotating-file.ts) were lost, often
// the very ones that say why a quit went wrong.
//
// Each wait is bounded: a process that never ends keeps the single-instance lock, so every later
// start only tries to bring a window to the front that no longer exists, and Klinikfunk cannot be
// started again until the user signs out. A core stuck in closing (a relay that never answers) or a
// log file on a hanging disk (a profile container on a file server) costs the last lines, not the app.
import type { Logger } from '../log/logger.ts';

/** How long the quit waits for each step before it goes on without it. */
export const QUIT_LIMITS = { coreMs: 10_000, logMs: 3_000 };

/** Resolves with true when `work` settles within `ms`, false after; the timer does not keep the process alive. */
function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export interface QuitParts {
  /** Null when the app quits before the core was created (start failed, second instance). */
  core: { close(): Promise<void> } | null;
  logFile: { close(): Promise<void> } | null;
  log: Logger;
}

/** The sequence; calling it again returns the same promise. It never rejects. */
export function quitSequence(parts: () => QuitParts, limits: typeof QUIT_LIMITS = QUIT_LIMITS): () => Promise<void> {
  let running: Promise<void> | null = null;
  const run = async () => {
    const { core, logFile, log } = parts();
    try {
      if (core && !(await within(core.close(), limits.coreMs)))
        log.error('core did not close in time; quitting without it', { waitedMs: limits.coreMs });
    } catch (error) {
      log.error('core did not close cleanly', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    log.info('Klinikfunk stopped');
    if (logFile)
      await within(logFile.close(), limits.logMs).catch(() => {
        // the file writer reports its own failures once on stderr
      });
  };
  return () => (running ??= run());
}
