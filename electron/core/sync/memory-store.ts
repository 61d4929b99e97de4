// In-memory twin of SyncStore with the same rules as the SQLCipher adapter (outbox order per
// channel, cursor advanced with the batch, pending envelopes kept). Used by the sync engine's
// tests and by anything that needs a store without a profile.
import type { ApplyBatch, DecryptedEvent, OutboxItem, SealedOutgoing, SyncStore, WireEvent } from './ports.ts';

export class MemorySyncStore implements SyncStore {
  readonly outbox: OutboxItem[] = [];
  readonly sent = new Map<string, number>();
  /** Relay time of each sent item, as the transport answered it. */
  readonly sentAt = new Map<string, number | null>();
  readonly failures: Array<{ clientEventId: string; error: string }> = [];
  readonly events = new Map<string, DecryptedEvent[]>();
  readonly #cursors = new Map<string, number>();
  readonly #pending = new Map<string, WireEvent[]>();

  enqueue(item: Omit<OutboxItem, 'attempts' | 'nextAttemptAt' | 'sealed'>): void {
    this.outbox.push({ ...item, attempts: 0, nextAttemptAt: item.createdAt, sealed: null });
  }

  #heads(): OutboxItem[] {
    const seen = new Set<string>();
    return this.outbox.filter((item) => (seen.has(item.channelId) ? false : (seen.add(item.channelId), true)));
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxItem[]> {
    const blockedChannels = new Set(this.#heads().filter((h) => h.nextAttemptAt > now).map((h) => h.channelId));
    return this.outbox
      .filter((item) => !blockedChannels.has(item.channelId) && item.nextAttemptAt <= now)
      .slice(0, limit)
      .map((item) => ({ ...item }));
  }

  async nextOutboxAttempt(): Promise<number | null> {
    const heads = this.#heads();
    return heads.length === 0 ? null : Math.min(...heads.map((h) => h.nextAttemptAt));
  }

  #item(clientEventId: string): OutboxItem {
    const item = this.outbox.find((i) => i.clientEventId === clientEventId);
    if (!item) throw new Error(`no outbox item ${clientEventId}`);
    return item;
  }

  async saveSealed(clientEventId: string, sealed: SealedOutgoing): Promise<void> {
    this.#item(clientEventId).sealed = sealed;
  }

  async recordFailure(clientEventId: string, nextAttemptAt: number, error: string): Promise<void> {
    const item = this.#item(clientEventId);
    item.attempts++;
    item.nextAttemptAt = nextAttemptAt;
    this.failures.push({ clientEventId, error });
  }

  async markSent(clientEventId: string, seq: number, relayAt: number | null = null): Promise<void> {
    const index = this.outbox.findIndex((i) => i.clientEventId === clientEventId);
    if (index >= 0) this.outbox.splice(index, 1);
    this.sent.set(clientEventId, seq);
    this.sentAt.set(clientEventId, relayAt);
  }

  async cursors(): Promise<Record<string, number>> {
    return Object.fromEntries(this.#cursors);
  }

  async applyBatch(channelId: string, batch: ApplyBatch): Promise<void> {
    const current = this.#cursors.get(channelId) ?? 0;
    if (batch.newCursor < current) throw new Error('cursor must not move back');
    const list = this.events.get(channelId) ?? [];
    for (const event of batch.events) if (!list.some((e) => e.eventId === event.eventId)) list.push(event);
    this.events.set(channelId, list);
    this.#pending.set(channelId, [...(this.#pending.get(channelId) ?? []), ...batch.pending]);
    this.#cursors.set(channelId, batch.newCursor);
  }

  async pending(channelId: string): Promise<WireEvent[]> {
    return [...(this.#pending.get(channelId) ?? [])];
  }

  async resolvePending(channelId: string, resolved: DecryptedEvent[], droppedSeqs: number[]): Promise<void> {
    const done = new Set([...resolved.map((e) => e.seq), ...droppedSeqs]);
    this.#pending.set(channelId, (this.#pending.get(channelId) ?? []).filter((w) => !done.has(w.seq)));
    const list = this.events.get(channelId) ?? [];
    list.push(...resolved.filter((e) => !list.some((x) => x.eventId === e.eventId)));
    list.sort((a, b) => a.seq - b.seq);
    this.events.set(channelId, list);
  }
}
