// The client sync engine: catch-up when the connection comes (open channel first, then the
// rest), live pushes with gap detection, the durable outbox, and a retry of undecryptable
// events when the missing key share arrives. It owns no state that is not in the store except
// caches, so a crash at any point resumes from the store.
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import { ChannelPuller } from './channel-puller.ts';
import { OutboxSender } from './outbox-sender.ts';
import type { RelayClock } from './relay-clock.ts';
import type {
  ChangedHeads,
  DecryptedEvent,
  GapRange,
  OutboxItem,
  SyncCrypto,
  SyncStore,
  SyncTransport,
  TransportState,
} from './ports.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export interface SyncProgress {
  connection: TransportState;
  /** Channels still to catch up in the current round (0 when idle). */
  channelsRemaining: number;
  channelsTotal: number;
}

export interface SyncListeners {
  applied?(channelId: string, events: DecryptedEvent[]): void;
  sent?(item: OutboxItem, seq: number): void;
  sendFailed?(item: OutboxItem, error: string): void;
  progress?(progress: SyncProgress): void;
  /** Seqs the relay neither delivered nor declared gone, still open (`attempt` 0 when first seen). */
  gap?(channelId: string, gaps: readonly GapRange[], attempt: number): void;
  /** The relay is another incarnation (restored from a backup): `requeued` own events go out again. */
  incarnationChanged?(incarnation: string, requeued: number): void;
}

export interface SyncEngineDeps {
  transport: SyncTransport;
  crypto: SyncCrypto;
  store: SyncStore;
  clock: Clock;
  log: Logger;
  listeners?: SyncListeners;
  pageSize?: number;
  random?: () => number;
  /** Learns the relay's clock from publish acks, for the time of writing sealed in relay time. */
  relayClock?: RelayClock;
}

export class SyncEngine {
  readonly #deps: SyncEngineDeps;
  readonly #puller: ChannelPuller;
  readonly #outbox: OutboxSender;
  readonly #unsubscribe: Array<() => void> = [];
  #openChannel: string | null = null;
  #catchUp: Promise<void> | null = null;
  /** A page or push named another incarnation during a round: sync again after it. */
  #resync = false;
  #progress: SyncProgress;

  constructor(deps: SyncEngineDeps) {
    this.#deps = deps;
    const listeners = deps.listeners ?? {};
    this.#progress = { connection: deps.transport.state(), channelsRemaining: 0, channelsTotal: 0 };
    this.#puller = new ChannelPuller({
      transport: deps.transport,
      crypto: deps.crypto,
      store: deps.store,
      log: deps.log,
      clock: deps.clock,
      ...(deps.random ? { random: deps.random } : {}),
      pageSize: deps.pageSize ?? 500,
      onApplied: (channelId, events) => listeners.applied?.(channelId, events),
      onIncarnationChanged: () => this.#requestResync(),
      onGap: (channelId, gaps, attempt) => listeners.gap?.(channelId, gaps, attempt),
    });
    this.#outbox = new OutboxSender({
      transport: deps.transport,
      crypto: deps.crypto,
      store: deps.store,
      clock: deps.clock,
      log: deps.log,
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.relayClock ? { relayClock: deps.relayClock } : {}),
      onSent: (item, seq) => listeners.sent?.(item, seq),
      onFailed: (item, error) => listeners.sendFailed?.(item, error),
    });
  }

  async start(): Promise<void> {
    this.#puller.setCursors(await this.#deps.store.cursors());
    this.#puller.setIncarnation(await this.#deps.store.incarnation());
    this.#puller.setGaps(await this.#deps.store.gaps());
    this.#setProgress({ connection: this.#deps.transport.state() });
    this.#unsubscribe.push(
      this.#deps.transport.onState((state) => {
        this.#setProgress({ connection: state });
        if (state === 'online')
          this.#onOnline().catch((error: unknown) =>
            this.#deps.log.warn('sync after reconnect failed', { error: loggable(error) }),
          );
      }),
      this.#deps.transport.onPush((event) => {
        this.#puller
          .onPush(event)
          .catch((error: unknown) => this.#deps.log.warn('push apply failed', { error: loggable(error) }));
      }),
    );
    if (this.#deps.transport.state() === 'online') await this.#onOnline();
  }

  stop(): void {
    this.#unsubscribe.splice(0).forEach((off) => off());
    this.#outbox.stop();
    this.#puller.stop();
  }

  /** The channel on screen is caught up first. */
  setOpenChannel(channelId: string | null): void {
    this.#openChannel = channelId;
  }

  /** Called after the store queued a message: send now if online. */
  notifyQueued(): Promise<void> {
    return this.#outbox.flush();
  }

  /** Called when new key shares were stored: try the envelopes that were waiting for them. */
  async retryPending(channelId: string): Promise<void> {
    const waiting = await this.#deps.store.pending(channelId);
    if (waiting.length === 0) return;
    const resolved: DecryptedEvent[] = [];
    const dropped: number[] = [];
    for (const wire of waiting) {
      const opened = await this.#deps.crypto.open(wire);
      if (opened.kind === 'event') resolved.push(opened.event);
      else if (opened.kind === 'rejected') {
        dropped.push(wire.seq);
        // A replay here is mostly this device's own event, already applied when it was sent.
        if (opened.reason === 'replay')
          this.#deps.log.debug('pending event already known', { channelId, seq: wire.seq });
        else this.#deps.log.warn('pending event rejected', { channelId, seq: wire.seq, reason: opened.reason });
      }
    }
    if (resolved.length === 0 && dropped.length === 0) return;
    await this.#deps.store.resolvePending(channelId, resolved, dropped);
    if (resolved.length > 0) this.#deps.listeners?.applied?.(channelId, resolved);
  }

  /**
   * Asks the relay for the heads again (after this one if a round is under way): this device
   * became a member of a channel whose events it never fetched, and no new event may come to
   * announce them (a roster signed at a role's handover by a device that left with it).
   */
  catchUp(): void {
    this.#requestResync();
  }

  /** Resolves when the current catch-up round (if any) is done; for tests and the UI. */
  async idle(): Promise<void> {
    await this.#catchUp;
  }

  progress(): SyncProgress {
    return this.#progress;
  }

  async #onOnline(): Promise<void> {
    this.#catchUp ??= this.#runCatchUp().finally(() => (this.#catchUp = null));
    await this.#catchUp;
    await this.#outbox.flush();
  }

  #requestResync(): void {
    this.#resync = true;
    if (!this.#catchUp && this.#deps.transport.state() === 'online') {
      this.#onOnline().catch((error: unknown) => this.#deps.log.warn('resync failed', { error: loggable(error) }));
    }
  }

  async #runCatchUp(): Promise<void> {
    do {
      this.#resync = false;
      await this.#catchUpRound();
    } while (this.#resync && this.#deps.transport.state() === 'online');
  }

  /** Cursors as far as the store and the puller know. */
  async #cursors(): Promise<Record<string, number>> {
    const cursors: Record<string, number> = {};
    for (const [channel, seq] of Object.entries(await this.#deps.store.cursors()))
      cursors[channel] = Math.max(seq, this.#puller.cursor(channel));
    return cursors;
  }

  /**
   * Heads past the cursors. When the relay is another incarnation than the cursors belong to
   * (restored from a backup), the store adopts it first: cursors go back to the relay's restore
   * points and own events the relay lost are queued again; then the heads are asked anew.
   */
  async #changedHeads(): Promise<Record<string, number>> {
    const { store, transport, log } = this.#deps;
    const known = await store.incarnation();
    const answer: ChangedHeads = await transport.changedSince(await this.#cursors(), known);
    if (answer.incarnation === null || answer.incarnation === known) return answer.heads;
    if (known === null) {
      // First meeting (or a store from before incarnations): nothing to compare with.
      await store.adoptIncarnation(answer.incarnation, null);
      this.#puller.setIncarnation(answer.incarnation);
      return answer.heads;
    }
    // A relay that names no restore points shares nothing with the old cursors.
    const bases = answer.bases ?? Object.fromEntries(Object.keys(await store.cursors()).map((c) => [c, 0]));
    const { requeued } = await store.adoptIncarnation(answer.incarnation, bases);
    log.warn('relay restored from a backup: cursors reset to its restore points, lost own events queued again', {
      incarnation: answer.incarnation,
      requeued,
    });
    this.#puller.resetCursors(await store.cursors());
    this.#puller.setGaps(await store.gaps());
    this.#puller.setIncarnation(answer.incarnation);
    this.#deps.listeners?.incarnationChanged?.(answer.incarnation, requeued);
    const again = await transport.changedSince(await this.#cursors(), answer.incarnation);
    return again.heads;
  }

  async #catchUpRound(): Promise<void> {
    let heads: Record<string, number>;
    try {
      heads = await this.#changedHeads();
    } catch (error) {
      this.#deps.log.warn('catch-up failed', { error: loggable(error) });
      return;
    }
    const channels = Object.keys(heads).sort(
      (a, b) => Number(b === this.#openChannel) - Number(a === this.#openChannel),
    );
    this.#setProgress({ channelsRemaining: channels.length, channelsTotal: channels.length });
    for (const channel of channels) {
      try {
        await this.#puller.pullTo(channel, heads[channel]!);
      } catch (error) {
        this.#deps.log.warn('channel catch-up failed', { channelId: channel, error: loggable(error) });
      }
      this.#setProgress({ channelsRemaining: Math.max(0, this.#progress.channelsRemaining - 1) });
    }
    this.#setProgress({ channelsRemaining: 0, channelsTotal: 0 });
  }

  #setProgress(change: Partial<SyncProgress>): void {
    this.#progress = { ...this.#progress, ...change };
    this.#deps.listeners?.progress?.(this.#progress);
  }
}
