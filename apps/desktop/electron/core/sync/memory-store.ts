// In-memory twin of SyncStore with the same rules as the SQLCipher adapter (outbox order per
// channel, cursor advanced with the batch, pending envelopes kept). Used by the sync engine's
// tests and by anything that needs a store without a profile.
import type {
  ApplyBatch,
  DecryptedEvent,
  GapRange,
  OutboxItem,
  SealedOutgoing,
  SyncStore,
  WireEvent,
} from './ports.ts';

export class MemorySyncStore implements SyncStore {
  readonly outbox: OutboxItem[] = [];
  readonly sent = new Map<string, number>();
  /** Relay time of each sent item, as the transport answered it. */
  readonly sentAt = new Map<string, number | null>();
  readonly failures: Array<{ clientEventId: string; error: string }> = [];
  readonly events = new Map<string, DecryptedEvent[]>();
  /** Sent items with their seq and incarnation, kept so a restored relay can be given them again. */
  readonly sentLog = new Map<string, { item: OutboxItem; seq: number; incarnation: string | null }>();
  /** Declared history start per channel (relay retention). */
  readonly historyStarts = new Map<string, number>();
  readonly #cursors = new Map<string, number>();
  readonly #pending = new Map<string, WireEvent[]>();
  readonly #gaps = new Map<string, GapRange[]>();
  #incarnation: string | null = null;

  enqueue(item: Omit<OutboxItem, 'attempts' | 'nextAttemptAt' | 'sealed'>): void {
    this.outbox.push({ ...item, attempts: 0, nextAttemptAt: item.createdAt, sealed: null });
  }

  #heads(): OutboxItem[] {
    const seen = new Set<string>();
    return this.outbox.filter((item) => (seen.has(item.channelId) ? false : (seen.add(item.channelId), true)));
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxItem[]> {
    const blockedChannels = new Set(
      this.#heads()
        .filter((h) => h.nextAttemptAt > now)
        .map((h) => h.channelId),
    );
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

  readonly refused: Array<{ clientEventId: string; code: string }> = [];

  async markRefused(clientEventId: string, code: string): Promise<void> {
    const index = this.outbox.findIndex((i) => i.clientEventId === clientEventId);
    if (index >= 0) this.outbox.splice(index, 1);
    this.refused.push({ clientEventId, code });
  }

  async markSent(
    clientEventId: string,
    seq: number,
    relayAt: number | null = null,
    incarnation: string | null = null,
  ): Promise<void> {
    const index = this.outbox.findIndex((i) => i.clientEventId === clientEventId);
    if (index >= 0) this.sentLog.set(clientEventId, { item: this.outbox.splice(index, 1)[0]!, seq, incarnation });
    this.sent.set(clientEventId, seq);
    this.sentAt.set(clientEventId, relayAt);
  }

  async cursors(): Promise<Record<string, number>> {
    return Object.fromEntries(this.#cursors);
  }

  async gaps(): Promise<Record<string, GapRange[]>> {
    return Object.fromEntries([...this.#gaps].map(([c, g]) => [c, g.map((x) => ({ ...x }))]));
  }

  async incarnation(): Promise<string | null> {
    return this.#incarnation;
  }

  async adoptIncarnation(
    incarnation: string,
    bases: Readonly<Record<string, number>> | null,
  ): Promise<{ requeued: number }> {
    this.#incarnation = incarnation;
    if (!bases) return { requeued: 0 };
    const known = [
      ...this.#cursors.keys(),
      ...this.#gaps.keys(),
      ...this.#pending.keys(),
      ...[...this.sentLog.values()].map((s) => s.item.channelId),
    ];
    bases = { ...Object.fromEntries(known.map((c) => [c, 0])), ...bases };
    for (const [channel, base] of Object.entries(bases)) {
      if ((this.#cursors.get(channel) ?? 0) > base) this.#cursors.set(channel, base);
      const gaps = (this.#gaps.get(channel) ?? [])
        .filter((g) => g.from <= base)
        .map((g) => ({ from: g.from, to: Math.min(g.to, base) }));
      if (gaps.length > 0) this.#gaps.set(channel, gaps);
      else this.#gaps.delete(channel);
      this.#pending.set(
        channel,
        (this.#pending.get(channel) ?? []).filter((w) => w.seq <= base),
      );
    }
    const lost = [...this.sentLog.values()]
      .filter(
        (s) =>
          s.incarnation !== incarnation && bases[s.item.channelId] !== undefined && s.seq > bases[s.item.channelId]!,
      )
      .sort((a, b) => a.seq - b.seq);
    for (const s of lost) this.sentLog.delete(s.item.clientEventId);
    this.outbox.unshift(...lost.map((s) => ({ ...s.item, attempts: 0, nextAttemptAt: 0 })));
    return { requeued: lost.length };
  }

  async applyBatch(channelId: string, batch: ApplyBatch): Promise<void> {
    const current = this.#cursors.get(channelId) ?? 0;
    if (batch.newCursor < current) throw new Error('cursor must not move back');
    // As the SQLCipher store: a start is kept only when the device lacks a seq it skips.
    const have = new Set(
      (this.events.get(channelId) ?? [])
        .map((e) => e.seq)
        .filter((seq) => seq > current && seq < (batch.historyStart ?? 0)),
    );
    const missed = batch.historyStart !== undefined && have.size < batch.historyStart - 1 - current;
    const list = this.events.get(channelId) ?? [];
    for (const event of batch.events) if (!list.some((e) => e.eventId === event.eventId)) list.push(event);
    this.events.set(channelId, list);
    this.#pending.set(channelId, [...(this.#pending.get(channelId) ?? []), ...batch.pending]);
    this.#cursors.set(channelId, batch.newCursor);
    if (missed)
      this.historyStarts.set(channelId, Math.max(batch.historyStart!, this.historyStarts.get(channelId) ?? 1));
    if (batch.gaps) {
      if (batch.gaps.length > 0)
        this.#gaps.set(
          channelId,
          batch.gaps.map((g) => ({ ...g })),
        );
      else this.#gaps.delete(channelId);
    }
  }

  async pending(channelId: string): Promise<WireEvent[]> {
    return [...(this.#pending.get(channelId) ?? [])];
  }

  async resolvePending(channelId: string, resolved: DecryptedEvent[], droppedSeqs: number[]): Promise<void> {
    const done = new Set([...resolved.map((e) => e.seq), ...droppedSeqs]);
    this.#pending.set(
      channelId,
      (this.#pending.get(channelId) ?? []).filter((w) => !done.has(w.seq)),
    );
    const list = this.events.get(channelId) ?? [];
    list.push(...resolved.filter((e) => !list.some((x) => x.eventId === e.eventId)));
    list.sort((a, b) => a.seq - b.seq);
    this.events.set(channelId, list);
  }
}
