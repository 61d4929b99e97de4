// The relay's guard against a database put back to an older state without `relay restore` (a
// backup copied over relay.db, a pg_restore, a file system snapshot rolled back): such a database
// keeps the incarnation of the backup, so its seqs would be given again to new events that devices
// take for ones they already have, and those messages would be lost without a word. The relay keeps
// its log's high-water mark (store.logHigh(): the sum of the channel heads, which only ever grows)
// in a small file beside the database, outside what a restore puts back. At start a database behind
// that mark was rolled back, and the relay does what `relay restore` does by itself
// (docs/operations.md, "Backup and restore").
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { replaceFileDurably } from '@klinikfunk/node-common/durable-file.ts';
import type { RelayLog } from './log.ts';
import { restoreTarget, type RelayStore } from './store/store.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export const HIGH_WATER_FILE = 'relay-high-water.json';
/** How often a running relay checks whether its log grew and writes the mark (never per publish). */
export const HIGH_WATER_EVERY_MS = 5_000;

// logHigh (sum of heads) tells a rolled-back database; seqHigh (the highest seq any channel handed
// out) says how far its seqs must move. Marks written before seqHigh existed lack it.
const markSchema = z.object({
  logHigh: z.number().int().nonnegative(),
  seqHigh: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  incarnation: z.string().max(200),
});
type Mark = z.infer<typeof markSchema>;

/** The mark in dataDir; null when there is none (a new relay) or it cannot be read (logged). */
async function readMark(dataDir: string, log: RelayLog): Promise<Mark | null> {
  const file = join(dataDir, HIGH_WATER_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return markSchema.parse(JSON.parse(text));
  } catch {
    // Written durably, so only a hand edit gets here; the relay starts, unguarded this once.
    log.warn('high-water mark unreadable, not checked; it is written anew', { file });
    return null;
  }
}

async function writeMark(dataDir: string, mark: Mark): Promise<void> {
  await replaceFileDurably(join(dataDir, HIGH_WATER_FILE), `${JSON.stringify(mark)}\n`);
}

/**
 * At start, before the relay serves anyone: when the database's log is behind the mark, it was
 * put back to an older state, and it gets a new incarnation, restore points and seqs that jump
 * past anything the lost state handed out (markRestored, restoreJump).
 * Then the mark is written for this database. A missing mark (a new relay) is not an error.
 * Returns the mark written.
 */
export async function checkHighWater(store: RelayStore, dataDir: string, log: RelayLog): Promise<number> {
  const mark = await readMark(dataDir, log);
  const logHigh = await store.logHigh();
  if (mark && logHigh < mark.logHigh) {
    const previousIncarnation = store.incarnation();
    const target = restoreTarget(mark.seqHigh ?? mark.logHigh);
    const incarnation = await store.markRestored(target);
    log.error(
      'relay database is older than this relay has been (restored from a backup without `relay restore`?): marked restored, devices will resync and send their lost messages again',
      {
        file: join(dataDir, HIGH_WATER_FILE),
        databaseLogHigh: logHigh,
        markLogHigh: mark.logHigh,
        markIncarnation: mark.incarnation,
        previousIncarnation,
        incarnation,
        seqJump: target.jump,
        seqAtLeast: target.atLeast,
      },
    );
  }
  const now = await store.logHigh();
  await writeMark(dataDir, { logHigh: now, seqHigh: await store.seqHigh(), incarnation: store.incarnation() });
  return now;
}

/**
 * For `relay restore`: the highest seq the relay had handed out by the mark in dataDir (null
 * without a readable mark), for restoreTarget.
 */
export async function markSeqHigh(dataDir: string, log: RelayLog): Promise<number | null> {
  const mark = await readMark(dataDir, log);
  return mark ? (mark.seqHigh ?? mark.logHigh) : null;
}

/** Writes the mark for the store as it is now (after `relay restore`). */
export async function writeHighWater(store: RelayStore, dataDir: string): Promise<void> {
  await writeMark(dataDir, {
    logHigh: await store.logHigh(),
    seqHigh: await store.seqHigh(),
    incarnation: store.incarnation(),
  });
}

export interface HighWaterKeeper {
  /** The last write, after the relay's last commit and before its store closes. */
  stop(): Promise<void>;
}

/**
 * While the relay runs: every `everyMs` writes the mark if the log grew since the last write
 * (`written`, what checkHighWater returned).
 * Between writes the mark may lag (a crash loses at most that much of it); a clean stop writes
 * it exactly. Write failures are logged and retried at the next tick, never thrown.
 */
export function keepHighWater(
  store: RelayStore,
  dataDir: string,
  log: RelayLog,
  written: number,
  everyMs = HIGH_WATER_EVERY_MS,
): HighWaterKeeper {
  let warnedBack = false;
  const save = async () => {
    const logHigh = await store.logHigh();
    if (logHigh < written && !warnedBack) {
      warnedBack = true;
      // Someone restored the database under a running relay: only a restart notices it properly.
      log.error('relay database went back while the relay runs; stop every relay and start them again', {
        databaseLogHigh: logHigh,
        markLogHigh: written,
      });
    }
    if (logHigh <= written) return;
    await writeMark(dataDir, { logHigh, seqHigh: await store.seqHigh(), incarnation: store.incarnation() });
    written = logHigh;
  };
  // One write at a time: the temp file name is per process.
  let chain: Promise<void> = Promise.resolve();
  const tick = (): void => {
    chain = chain
      .then(save)
      .catch((error: unknown) => log.warn('high-water mark not written', { error: loggable(error) }));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      tick();
      await chain;
    },
  };
}
