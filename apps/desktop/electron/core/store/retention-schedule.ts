// Runs retention when a profile opens and then once a day while it stays open.
import type { Clock, Timer } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { ProfileStore } from './profile-store.ts';
import type { RetentionResult } from './retention.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export const RETENTION_INTERVAL_MS = 24 * 3_600_000;

export function scheduleRetention(
  store: ProfileStore,
  options: { clock: Clock; log: Logger; policyDays: () => number; onDeleted?: (result: RetentionResult) => void },
): { stop(): void } {
  let timer: Timer | null = null;
  let stopped = false;
  const run = async () => {
    try {
      const result = await store.applyRetention(options.policyDays(), options.clock.now());
      if (result.messages + result.files + result.events + result.polls > 0) {
        options.log.info('retention deleted old content', {
          messages: result.messages,
          files: result.files,
          events: result.events,
          polls: result.polls,
        });
        options.onDeleted?.(result);
      }
    } catch (error) {
      options.log.error('retention failed', { error: loggable(error) });
    }
    if (!stopped) timer = options.clock.after(RETENTION_INTERVAL_MS, start);
  };
  // run() logs its own failures; the catch is for anything past that (a closed clock).
  const start = () => {
    run().catch((error: unknown) => options.log.error('retention schedule failed', { error: loggable(error) }));
  };
  start();
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
