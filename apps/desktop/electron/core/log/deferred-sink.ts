// A sink that holds records until the real one is known. The desktop app logs from its first line,
// but opens its log file only after it holds the single-instance lock (a second start must not
// write into the running app's file) and after the log folder has moved out of the roaming profile
// (core/app/data-location.ts); lines logged before that are written then, in order.
import type { LogRecord } from './logger.ts';

/** Records held at most; beyond that (a start that hangs before the file opens) they are counted. */
const MAX_HELD = 2_000;

export interface DeferredSink {
  sink(record: LogRecord): void;
  /** Writes the held records to `target`, then passes every later one straight through. */
  attach(target: (record: LogRecord) => void): void;
}

export function deferredSink(): DeferredSink {
  let target: ((record: LogRecord) => void) | null = null;
  let held: LogRecord[] = [];
  let dropped = 0;
  return {
    sink(record) {
      if (target) target(record);
      else if (held.length < MAX_HELD) held.push(record);
      else dropped++;
    },
    attach(next) {
      target = next;
      const earlier = held;
      held = [];
      for (const record of earlier) next(record);
      if (dropped > 0) {
        next({
          level: 'warn',
          scope: 'log',
          message: 'log lines dropped before the log file was open',
          fields: { count: dropped },
          time: new Date().toISOString(),
        });
        dropped = 0;
      }
    },
  };
}
