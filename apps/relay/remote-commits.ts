// Commits, mail and directory records of other relay processes on the same PostgreSQL: the store
// wakes this process, which reads what changed and pushes it to its own sockets in commit order.
import { loggable } from '@klinikfunk/node-common/logger.ts';
import type { RelayLog } from './log.ts';
import type { RelayStore } from './store/store.ts';
import type { TrustVerifier } from './trust.ts';

/** Events read per query when another relay process's commit is pushed here. */
const REMOTE_PAGE = 500;

export interface LocalDelivery {
  /** Some socket here reads this channel / belongs to this device. */
  hasChannel(channelId: string): boolean;
  hasDevice(deviceId: string): boolean;
  fanOut(channelId: string, seq: number, envelope: Uint8Array, at: number): void;
  mailed(
    toDeviceId: string,
    item: { messageId: string; fromDeviceId: string; payload: Uint8Array; storedAt: number },
  ): void;
}

export function followOtherProcesses(
  store: RelayStore,
  trust: TrustVerifier,
  log: RelayLog,
  local: LocalDelivery,
): void {
  // Commits of other relay processes on the same PostgreSQL: a wake-up naming a channel's seq
  // range arrives, read in one query. One range after another, so pushes leave in commit order.
  let remoteQueue: Promise<void> = Promise.resolve();
  store.onRemoteCommit((channelId, from, to) => {
    if (!local.hasChannel(channelId)) return;
    remoteQueue = remoteQueue.then(async () => {
      try {
        for (let after = from - 1; after < to;) {
          const events = await store.page(channelId, after, Math.min(REMOTE_PAGE, to - after));
          if (events.length === 0) break;
          for (const e of events) if (e.seq <= to) local.fanOut(channelId, e.seq, e.envelope, e.at);
          after = events.at(-1)!.seq;
        }
      } catch (error) {
        log.warn('remote commit fetch failed', { channel: channelId, from, to, error: loggable(error) });
      }
    });
  });
  store.onRemoteMail((toDeviceId) => {
    if (!local.hasDevice(toDeviceId)) return;
    store
      .mailFetch(toDeviceId, 100)
      .then((items) => items.forEach((item) => local.mailed(toDeviceId, item)))
      .catch((error: unknown) => log.warn('remote mail fetch failed', { error: loggable(error) }));
  });
  store.onRemoteDirectory(
    () =>
      void trust.refresh().catch((error: unknown) => log.warn('directory refresh failed', { error: loggable(error) })),
  );
}
