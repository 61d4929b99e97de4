// Sends what the user wrote, in order per channel, surviving restarts: the outbox lives in the
// encrypted store, the sealed bytes are kept after the first attempt so a retry is byte-identical
// (the relay deduplicates by client event id), and an item sealed for an epoch that has since
// ended (a member was removed) is sealed again before it leaves.
import { blobsReferencedBy } from '@klinikfunk/protocol/domain/blob-references.ts';
import type { Clock, Timer } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { RelayClock } from './relay-clock.ts';
import { backoffDelay, SEND_RETRY_BACKOFF } from './backoff.ts';
import { isPublishRefusal, type OutboxItem, type SyncCrypto, type SyncStore, type SyncTransport } from './ports.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export interface OutboxDeps {
  transport: SyncTransport;
  crypto: SyncCrypto;
  store: SyncStore;
  clock: Clock;
  log: Logger;
  random?: () => number;
  /** Learns the relay's clock from each ack (relay-clock.ts). */
  relayClock?: Pick<RelayClock, 'observe'>;
  onSent(item: OutboxItem, seq: number): void;
  onFailed(item: OutboxItem, error: string): void;
}

const BATCH = 50;

export class OutboxSender {
  readonly #deps: OutboxDeps;
  #flushing: Promise<void> | null = null;
  #again = false;
  #timer: Timer | null = null;
  #stopped = false;

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
  }

  /** Something was queued or the connection came back: send what is due. */
  flush(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = this.#run().finally(() => {
      this.#flushing = null;
      if (this.#again) {
        this.#again = false;
        this.#flushInBackground();
      }
    });
    return this.#flushing;
  }

  /** A flush nobody waits for (timer, follow-up round): a store failure is logged, the next trigger retries. */
  #flushInBackground(): void {
    this.flush().catch((error: unknown) => this.#deps.log.warn('outbox flush failed', { error: loggable(error) }));
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  async #run(): Promise<void> {
    if (this.#deps.transport.state() !== 'online') return;
    const now = this.#deps.clock.now();
    const items = await this.#deps.store.dueOutbox(now, BATCH);
    const blocked = new Set<string>();
    for (const item of items) {
      // Keep each channel's order: after a failure, later items of that channel wait.
      if (blocked.has(item.channelId)) continue;
      if (!(await this.#sendOne(item))) blocked.add(item.channelId);
    }
    if (items.length === BATCH && blocked.size === 0) this.#again = true;
    await this.#scheduleNext();
  }

  async #sendOne(item: OutboxItem): Promise<boolean> {
    const { crypto, store, transport, log } = this.#deps;
    try {
      let sealed = item.sealed;
      if (!sealed || !crypto.isCurrentEpoch(item.channelId, sealed.epoch)) {
        sealed = await crypto.seal(item);
        await store.saveSealed(item.clientEventId, sealed);
      }
      const blobs = blobsReferencedBy(item.payload);
      const sentAt = this.#deps.clock.now();
      const { seq, at, incarnation } = await transport.publish(
        item.channelId,
        item.clientEventId,
        sealed.envelope,
        blobs.length > 0 ? { blobs } : undefined,
      );
      if (at !== undefined && item.attempts === 0)
        this.#deps.relayClock?.observe({ sentAt, ackAt: this.#deps.clock.now(), relayAt: at });
      await store.markSent(item.clientEventId, seq, at ?? null, incarnation ?? null);
      this.#deps.onSent(item, seq);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A relay that answers not_member while this device's own signed roster names its user lacks
      // that roster (restored from a backup before it; another relay process behind): it takes the
      // event once a device gave the roster back (DirectorySync.afterRestore), so it is retried.
      if (isPublishRefusal(error) && !(error.code === 'not_member' && crypto.isMember(item.channelId))) {
        // Never retried: the same bytes can never be taken. The channel's next events go on.
        await store.markRefused(item.clientEventId, error.code);
        log.warn('relay refused an own event for good', { channelId: item.channelId, code: error.code });
        this.#deps.onFailed(item, message);
        return true;
      }
      const delay = backoffDelay(SEND_RETRY_BACKOFF, item.attempts, this.#deps.random);
      await store.recordFailure(item.clientEventId, this.#deps.clock.now() + delay, message);
      log.warn('send failed, will retry', { channelId: item.channelId, attempts: item.attempts + 1, error: message });
      this.#deps.onFailed(item, message);
      return false;
    }
  }

  async #scheduleNext(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = null;
    if (this.#stopped) return;
    const next = await this.#deps.store.nextOutboxAttempt();
    if (next === null) return;
    const wait = Math.max(0, next - this.#deps.clock.now());
    this.#timer = this.#deps.clock.after(wait, () => this.#flushInBackground());
  }
}
