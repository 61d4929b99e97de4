// What the desktop app does once when it quits, in order: close the core (sessions and stores
// close, and may log while doing so), write a last line, and wait until the log file holds every
// line. Electron ends the process as soon as its quit handlers return, so without the wait the
// lines still queued for the background log writer (core/log/rotating-file.ts) were lost, often
// the very ones that say why a quit went wrong.
import type { Logger } from '../log/logger.ts';

export interface QuitParts {
  /** Null when the app quits before the core was created (start failed, second instance). */
  core: { close(): Promise<void> } | null;
  logFile: { close(): Promise<void> } | null;
  log: Logger;
}

/** The sequence; calling it again returns the same promise. It never rejects. */
export function quitSequence(parts: () => QuitParts): () => Promise<void> {
  let running: Promise<void> | null = null;
  const run = async () => {
    const { core, logFile, log } = parts();
    try {
      await core?.close();
    } catch (error) {
      log.error('core did not close cleanly', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    log.info('Klinikfunk stopped');
    await logFile?.close().catch(() => {
      // the file writer reports its own failures once on stderr
    });
  };
  return () => (running ??= run());
}
