// Brings one channel's local copy up to a given seq: fetch pages after the cursor, open each
// envelope, apply the batch and the new cursor together. One pull per channel at a time; a
// request that arrives while a pull runs extends it instead of starting a second one.
import type { Logger } from '../log/logger.ts';
import type { DecryptedEvent, SyncCrypto, SyncStore, SyncTransport, WireEvent } from './ports.ts';

export interface PullerDeps {
  transport: SyncTransport;
  crypto: SyncCrypto;
  store: SyncStore;
  log: Logger;
  pageSize: number;
  onApplied(channelId: string, events: DecryptedEvent[]): void;
}

export class ChannelPuller {
  readonly #deps: PullerDeps;
  readonly #cursors = new Map<string, number>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #wanted = new Map<string, number>();

  constructor(deps: PullerDeps) {
    this.#deps = deps;
  }

  setCursors(cursors: Readonly<Record<string, number>>): void {
    for (const [channel, seq] of Object.entries(cursors)) this.#cursors.set(channel, seq);
  }

  cursor(channelId: string): number {
    return this.#cursors.get(channelId) ?? 0;
  }

  /** Pulls until the channel's cursor reaches at least `targetSeq` (or the relay has no more). */
  pullTo(channelId: string, targetSeq: number): Promise<void> {
    this.#wanted.set(channelId, Math.max(this.#wanted.get(channelId) ?? 0, targetSeq));
    const running = this.#running.get(channelId);
    if (running) return running;
    const run = this.#loop(channelId).finally(() => this.#running.delete(channelId));
    this.#running.set(channelId, run);
    return run;
  }

  /** A live event: applied directly when it is the next one, otherwise it triggers a pull. */
  async onPush(event: WireEvent): Promise<void> {
    const cursor = this.cursor(event.channelId);
    if (event.seq <= cursor) return; // Already have it (a push racing a pull).
    if (event.seq === cursor + 1 && !this.#running.has(event.channelId)) {
      await this.#applyPage(event.channelId, [event]);
      return;
    }
    await this.pullTo(event.channelId, event.seq);
  }

  async #loop(channelId: string): Promise<void> {
    const fetch = (after: number) => this.#deps.transport.fetchPage(channelId, after, this.#deps.pageSize);
    let next: Promise<WireEvent[]> | null = null;
    let nextAfter = -1;
    for (;;) {
      const target = this.#wanted.get(channelId) ?? 0;
      const cursor = this.cursor(channelId);
      if (cursor >= target) {
        next?.catch(() => {});
        return;
      }
      // Use the page fetched ahead only if it starts where the cursor now is.
      const page = await (next && nextAfter === cursor ? next : fetch(cursor));
      next = null;
      if (page.length === 0) return; // The relay has nothing more (target was optimistic).
      // Fetch the following page while this one is decrypted and applied.
      const last = page.at(-1)!.seq;
      if (last < target) {
        nextAfter = last;
        next = fetch(last);
        next.catch(() => {}); // an error surfaces when the page is awaited
      }
      await this.#applyPage(channelId, page);
    }
  }

  async #applyPage(channelId: string, page: WireEvent[]): Promise<void> {
    const events: DecryptedEvent[] = [];
    const pending: WireEvent[] = [];
    let expected = this.cursor(channelId) + 1;
    const inOrder: WireEvent[] = [];
    for (const wire of page) {
      if (wire.channelId !== channelId || wire.seq !== expected) {
        // The relay promised gapless order; anything else is a bug or an attack. Stop here and
        // let the next pull start again from the cursor.
        this.#deps.log.warn('out-of-order event from relay', { channelId, expected, got: wire.seq });
        break;
      }
      expected++;
      inOrder.push(wire);
    }
    const { crypto } = this.#deps;
    const outcomes = crypto.openPage && inOrder.length > 1 ? await crypto.openPage(inOrder) : await Promise.all(inOrder.map((w) => crypto.open(w)));
    inOrder.forEach((wire, i) => {
      const opened = outcomes[i]!;
      if (opened.kind === 'event') events.push(opened.event);
      else if (opened.kind === 'missing_key') pending.push(wire);
      else this.#deps.log.warn('event rejected', { channelId, seq: wire.seq, reason: opened.reason });
    });
    const newCursor = expected - 1;
    if (newCursor === this.cursor(channelId)) return;
    await this.#deps.store.applyBatch(channelId, { events, pending, newCursor });
    this.#cursors.set(channelId, newCursor);
    if (events.length > 0) this.#deps.onApplied(channelId, events);
  }
}
