// The encrypted store as the sync engine sees it (apps/desktop/electron/core/sync/ports.ts): outbox, cursors,
// batch apply with the cursor in the same transaction, and envelopes waiting for keys.
import { channelEventPayload, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type {
  ApplyBatch,
  DecryptedEvent,
  GapRange,
  OutboxItem,
  SealedOutgoing,
  SyncStore,
  WireEvent,
} from '../sync/ports.ts';
import { applyEvents, type ApplyResult } from './apply.ts';
import { orderedFeatureFor, ownDelivery, ownStepsFor } from './content-features.ts';
import type { Db } from './database.ts';
import { undoQueuedOwn, undoRefusedOwn } from './own-refused.ts';
import { keepSent, missedBefore, replaceGaps, resetToBases } from './sync-history.ts';
import { sql } from './statements.ts';

/** Setting that names the relay incarnation the cursors belong to. */
const INCARNATION_SETTING = 'sync.incarnation';

interface OutboxRow {
  client_event_id: string;
  channel_id: string;
  content_type: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  sealed: Buffer | null;
  sealed_epoch: number | null;
}

/** An outbox row as markSent and markRefused read it. */
interface OwnRow {
  channel_id: string;
  payload: string;
  created_at: number;
}

/** The payload type of an outbox row (the store's JSON, written by queueOutbox). */
const typeOf = (payload: string) => String((JSON.parse(payload) as { type?: unknown }).type);

const toItem = (r: OutboxRow): OutboxItem => ({
  clientEventId: r.client_event_id,
  channelId: r.channel_id,
  contentType: r.content_type,
  payload: JSON.parse(r.payload) as unknown,
  createdAt: r.created_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  sealed: r.sealed && r.sealed_epoch !== null ? { envelope: new Uint8Array(r.sealed), epoch: r.sealed_epoch } : null,
});

/** Turns decrypted events into store events; a payload that fails its schema is dropped with a reason. */
export function toChannelEvents(events: readonly DecryptedEvent[]): {
  valid: ChannelEvent[];
  invalid: Array<{ eventId: string; reason: string }>;
} {
  const valid: ChannelEvent[] = [];
  const invalid: Array<{ eventId: string; reason: string }> = [];
  for (const e of events) {
    const parsed = channelEventPayload.safeParse(e.payload);
    if (!parsed.success)
      invalid.push({ eventId: e.eventId, reason: parsed.error.issues[0]?.message ?? 'invalid payload' });
    else
      valid.push({
        eventId: e.eventId,
        channelId: e.channelId,
        seq: e.seq,
        senderUserId: e.senderUserId,
        senderDeviceId: e.senderDeviceId,
        createdAt: e.createdAt,
        relayAt: e.relayAt ?? null,
        writtenAtRelay: e.writtenAtRelay ?? null,
        epoch: e.epoch ?? null,
        payload: parsed.data,
      });
  }
  return { valid, invalid };
}

export class SqliteSyncStore implements SyncStore {
  readonly #db: Db;
  readonly #onApplied: (channelId: string, result: ApplyResult) => void;
  constructor(db: Db, onApplied: (channelId: string, result: ApplyResult) => void = () => {}) {
    this.#db = db;
    this.#onApplied = onApplied;
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxItem[]> {
    // Per channel only the queue head decides: a backing-off head holds back the rest.
    const rows = sql(
      this.#db,
      `SELECT o.* FROM outbox o
         WHERE o.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM outbox h WHERE h.channel_id = o.channel_id AND h.queue_order < o.queue_order AND h.next_attempt_at > ?)
         ORDER BY o.queue_order LIMIT ?`,
    ).all(now, now, limit) as OutboxRow[];
    return rows.map(toItem);
  }

  async nextOutboxAttempt(): Promise<number | null> {
    const row = sql(
      this.#db,
      `SELECT min(next_attempt_at) AS t FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM outbox h WHERE h.channel_id = o.channel_id AND h.queue_order < o.queue_order)`,
    ).get() as { t: number | null };
    return row.t;
  }

  async saveSealed(clientEventId: string, sealed: SealedOutgoing): Promise<void> {
    sql(this.#db, 'UPDATE outbox SET sealed = ?, sealed_epoch = ? WHERE client_event_id = ?').run(
      Buffer.from(sealed.envelope),
      sealed.epoch,
      clientEventId,
    );
    // The own event shows as it was sealed: its time of writing in relay time (late delivery).
    if (sealed.writtenAtRelay !== undefined)
      sql(
        this.#db,
        'UPDATE events SET written_at_relay = ? WHERE event_id = ? AND channel_id = (SELECT channel_id FROM outbox WHERE client_event_id = ?)',
      ).run(sealed.writtenAtRelay, clientEventId, clientEventId);
  }

  async recordFailure(clientEventId: string, nextAttemptAt: number, error: string): Promise<void> {
    this.#db.transaction(() => {
      sql(
        this.#db,
        'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE client_event_id = ?',
      ).run(nextAttemptAt, error.slice(0, 500), clientEventId);
      const row = sql(
        this.#db,
        `SELECT attempts, channel_id, json_extract(payload, '$.type') AS type FROM outbox WHERE client_event_id = ?`,
      ).get(clientEventId) as { attempts: number; channel_id: string; type: string } | undefined;
      // After a few failures a message shows "failed, retry" (it keeps retrying in the background).
      if (row && row.attempts >= 3)
        ownDelivery(this.#db, { type: row.type, channelId: row.channel_id, eventId: clientEventId }, 'failed');
    })();
  }

  async markRefused(clientEventId: string, code: string): Promise<void> {
    this.#db.transaction(() => {
      const row = this.#outboxRow(clientEventId);
      if (!row) return;
      sql(this.#db, 'DELETE FROM outbox WHERE client_event_id = ?').run(clientEventId);
      // Taken before a relay restore lost it and sent again (sync-history.ts): the members who had
      // it keep it, and so does this device; it shows as sent, as it was.
      if (
        sql(this.#db, 'SELECT 1 FROM events WHERE channel_id = ? AND event_id = ? AND seq IS NOT NULL').get(
          row.channel_id,
          clientEventId,
        )
      ) {
        ownDelivery(this.#db, { type: typeOf(row.payload), channelId: row.channel_id, eventId: clientEventId }, 'sent');
        return;
      }
      const event = this.#ownEvent(clientEventId, row, null, null);
      if (event) undoQueuedOwn(this.#db, event, code);
    })();
  }

  #outboxRow(clientEventId: string): OwnRow | undefined {
    return sql(this.#db, 'SELECT channel_id, payload, created_at FROM outbox WHERE client_event_id = ?').get(
      clientEventId,
    ) as OwnRow | undefined;
  }

  /** The own event an outbox row holds, as it is applied (null: this store does not know its device, or the payload fails its schema). */
  #ownEvent(clientEventId: string, row: OwnRow, seq: number | null, relayAt: number | null): ChannelEvent | null {
    const parsed = channelEventPayload.safeParse(JSON.parse(row.payload));
    if (!parsed.success || !this.#self) return null;
    return {
      eventId: clientEventId,
      channelId: row.channel_id,
      seq,
      senderUserId: this.#self.userId,
      senderDeviceId: this.#self.deviceId,
      createdAt: row.created_at,
      relayAt,
      payload: parsed.data,
    };
  }

  #self: { userId: string; deviceId: string } | null = null;

  /** Who this store's device is, so its own sent events can be applied as they were accepted. */
  setSelf(self: { userId: string; deviceId: string }): void {
    this.#self = self;
  }

  #refused: (channelId: string, refused: ApplyResult['refused']) => void = () => {};

  /** Where refused events are reported: once each, since a redelivered event is a duplicate, not refused again. */
  onRefused(listener: (channelId: string, refused: ApplyResult['refused']) => void): void {
    this.#refused = listener;
  }

  async markSent(
    clientEventId: string,
    seq: number,
    relayAt: number | null = null,
    incarnation: string | null = null,
  ): Promise<void> {
    this.#db.transaction(() => {
      const row = this.#outboxRow(clientEventId);
      keepSent(this.#db, clientEventId, seq, incarnation);
      sql(this.#db, 'DELETE FROM outbox WHERE client_event_id = ?').run(clientEventId);
      if (!row) return;
      const type = typeOf(row.payload);
      // What stands as queued gets its place now (a message: its seq is its sort key).
      const placed =
        ownStepsFor(type)?.onOwnPlaced?.(this.#db, { type, channelId: row.channel_id, eventId: clientEventId, seq }) ??
        false;
      // Own events took effect when queued (MessagingClient.send). The ack gives them their place:
      // the seq in the log, and the rules that go by seq (last name by seq, poll and calendar
      // verdicts, discovery) decide again with it. The device's own envelope never comes back to
      // it as new (its crypto refuses it as a replay), so this is the only time.
      const event = this.#ownEvent(clientEventId, row, seq, relayAt);
      if (event) this.#judgeSent({ ...event, seq }, placed);
    })();
  }

  /** markSent's verdict on an own event with its seq and relay time, inside its transaction. */
  #judgeSent(event: ChannelEvent & { seq: number }, placed: boolean): void {
    const { channelId, eventId: clientEventId, seq, relayAt } = event;
    const type = event.payload.type;
    const ordered = orderedFeatureFor(type);
    if (placed || ordered) {
      sql(this.#db, 'UPDATE events SET seq = ?, relay_at = ? WHERE channel_id = ? AND event_id = ?').run(
        seq,
        relayAt,
        channelId,
        clientEventId,
      );
      ordered?.recompute(this.#db, event); // from the log
      return;
    }
    sql(this.#db, 'DELETE FROM events WHERE channel_id = ? AND event_id = ? AND seq IS NULL').run(
      channelId,
      clientEventId,
    );
    const own = applyEvents(this.#db, [event]);
    if (own.refused.length > 0) this.#refused(channelId, own.refused);
    // Refused now (by the relay's seq or time): every receiver refuses it without applying it,
    // so its queued effect is undone here (own-refused.ts).
    if (own.refused.some((r) => r.eventId === clientEventId) && undoRefusedOwn(this.#db, event)) return;
    // What the queued apply wrote without a seq gets it (a poll's creation, close and vote:
    // its feature's step).
    ownStepsFor(type)?.onOwnSent?.(this.#db, event);
  }

  async cursors(): Promise<Record<string, number>> {
    const rows = sql(this.#db, 'SELECT channel_id, seq FROM sync_cursors').all() as Array<{
      channel_id: string;
      seq: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.channel_id, r.seq]));
  }

  async applyBatch(channelId: string, batch: ApplyBatch): Promise<void> {
    const { valid } = toChannelEvents(batch.events);
    const result = this.#db.transaction(() => {
      const missed = batch.historyStart !== undefined && missedBefore(this.#db, channelId, batch.historyStart);
      const applied = applyEvents(this.#db, valid);
      const insertPending = sql(
        this.#db,
        'INSERT OR IGNORE INTO pending_envelopes (channel_id, seq, envelope, received_at, relay_at) VALUES (?, ?, ?, ?, ?)',
      );
      for (const wire of batch.pending)
        insertPending.run(channelId, wire.seq, Buffer.from(wire.envelope), Date.now(), wire.at ?? null);
      sql(
        this.#db,
        'INSERT INTO sync_cursors (channel_id, seq) VALUES (?, ?) ON CONFLICT (channel_id) DO UPDATE SET seq = max(seq, excluded.seq)',
      ).run(channelId, batch.newCursor);
      if (missed)
        sql(
          this.#db,
          'UPDATE sync_cursors SET history_start = max(coalesce(history_start, 1), ?) WHERE channel_id = ?',
        ).run(batch.historyStart, channelId);
      if (batch.gaps) replaceGaps(this.#db, channelId, batch.gaps);
      return applied;
    })();
    this.#onApplied(channelId, result);
    if (result.refused.length > 0) this.#refused(channelId, result.refused);
  }

  async gaps(): Promise<Record<string, GapRange[]>> {
    const rows = sql(
      this.#db,
      'SELECT channel_id, from_seq, to_seq FROM sync_gaps ORDER BY channel_id, from_seq',
    ).all() as Array<{ channel_id: string; from_seq: number; to_seq: number }>;
    const out: Record<string, GapRange[]> = {};
    for (const r of rows) (out[r.channel_id] ??= []).push({ from: r.from_seq, to: r.to_seq });
    return out;
  }

  async incarnation(): Promise<string | null> {
    const row = sql(this.#db, 'SELECT value FROM settings WHERE key = ?').get(INCARNATION_SETTING) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as string) : null;
  }

  async adoptIncarnation(
    incarnation: string,
    bases: Readonly<Record<string, number>> | null,
  ): Promise<{ requeued: number }> {
    return this.#db.transaction(() => {
      sql(
        this.#db,
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ).run(INCARNATION_SETTING, JSON.stringify(incarnation));
      return { requeued: bases ? resetToBases(this.#db, incarnation, bases) : 0 };
    })();
  }

  async pending(channelId: string): Promise<WireEvent[]> {
    const rows = sql(
      this.#db,
      'SELECT seq, envelope, relay_at FROM pending_envelopes WHERE channel_id = ? ORDER BY seq',
    ).all(channelId) as Array<{ seq: number; envelope: Buffer; relay_at: number | null }>;
    return rows.map((r) => ({
      channelId,
      seq: r.seq,
      envelope: new Uint8Array(r.envelope),
      ...(r.relay_at !== null ? { at: r.relay_at } : {}),
    }));
  }

  async resolvePending(channelId: string, resolved: DecryptedEvent[], droppedSeqs: number[]): Promise<void> {
    const { valid } = toChannelEvents(resolved);
    const result = this.#db.transaction(() => {
      const applied = applyEvents(this.#db, valid);
      const remove = sql(this.#db, 'DELETE FROM pending_envelopes WHERE channel_id = ? AND seq = ?');
      for (const e of resolved) remove.run(channelId, e.seq);
      for (const seq of droppedSeqs) remove.run(channelId, seq);
      return applied;
    })();
    this.#onApplied(channelId, result);
    if (result.refused.length > 0) this.#refused(channelId, result.refused);
  }
}
