// Process-level last resort for the Electron main process, the relay and the test harness: a
// promise rejection nobody handled, or an exception nobody caught, is logged with its stack
// instead of silently ending the process (Node's default for both).
//
// - An unhandled rejection leaves nothing half-done in memory that later code relies on (the
//   awaiting chain simply stopped), so every process logs it and keeps running. The work it was
//   doing is retried by whatever triggers it next (a reconnect, the next send, a timer).
// - An uncaught exception may have left a synchronous update half-done. The Electron main process
//   and the harness keep running: their state of record is in transactional SQLCipher stores, and
//   ending the app on a ward PC loses the open screen and every other signed-in profile's sync.
//   The relay exits (code 1) after logging: its service manager restarts it within seconds and
//   clients reconnect by themselves, which is safer than serving with unknown connection state.
export interface GuardLog {
  error(message: string, fields?: Record<string, string | number | boolean | null | undefined>): void;
}

export interface GuardOptions {
  /** Exit after logging an uncaught exception (the relay); otherwise keep running. */
  exitOnUncaughtException: boolean;
  exit?: (code: number) => void;
}

const describe = (error: unknown) =>
  error instanceof Error
    ? { error: error.message, name: error.name, stack: error.stack ?? null }
    : { error: String(error) };

/** Installs the handlers; returns a function that removes them (tests). */
export function installProcessGuards(log: GuardLog, options: GuardOptions): () => void {
  const onRejection = (reason: unknown) => log.error('unhandled promise rejection (kept running)', describe(reason));
  const onException = (error: unknown) => {
    log.error(
      options.exitOnUncaughtException ? 'uncaught exception (exiting)' : 'uncaught exception (kept running)',
      describe(error),
    );
    if (options.exitOnUncaughtException) (options.exit ?? ((code: number) => process.exit(code)))(1);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
