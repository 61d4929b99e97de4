// The outbox as the views and the discovery agent see it (what waits to be sent), and the two ways
// an own event enters it: queued now under the rule table, or a failed or refused message again.
// The sync engine's side of the queue (due items, acks, back-off) is sync-store.ts.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from './apply.ts';
import { authoriseEvent } from './authorise-facts.ts';
import type { Db } from './database.ts';
import { queueOutbox } from './messages.ts';
import { requeueRefusedMessage } from './own-refused.ts';
import { refusalError } from './refusal-error.ts';
import { sql } from './statements.ts';

export class OutboxRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Events waiting to be sent, and how many of them are urgent messages (the connection view). */
  async counts(): Promise<{ pending: number; urgent: number }> {
    return {
      pending: sql(this.#db, 'SELECT count(*) FROM outbox').pluck().get() as number,
      urgent: sql(
        this.#db,
        `SELECT count(*) FROM outbox WHERE json_extract(payload, '$.type') = 'message.create' AND json_extract(payload, '$.urgent') = 1`,
      )
        .pluck()
        .get() as number,
    };
  }

  /** The channels named by queued events of these types in one channel (join requests, announcements in the directory channel). */
  async queuedChannelIds(channelId: string, types: readonly string[]): Promise<Set<string>> {
    const rows = sql(
      this.#db,
      `SELECT json_extract(payload, '$.channelId') FROM outbox WHERE channel_id = ? AND json_extract(payload, '$.type') IN (SELECT value FROM json_each(?))`,
    )
      .pluck()
      .all(channelId, JSON.stringify(types)) as string[];
    return new Set(rows);
  }

  /** Poll ids with a vote of this device still queued (shown as "being sent"). */
  async queuedVotes(channelId: string): Promise<Set<string>> {
    const rows = sql(
      this.#db,
      `SELECT json_extract(payload, '$.pollId') FROM outbox WHERE channel_id = ? AND json_extract(payload, '$.type') = 'poll.vote'`,
    )
      .pluck()
      .all(channelId) as string[];
    return new Set(rows);
  }

  /**
   * An own event takes effect now, through the same rules as a received one, and is queued in the
   * same transaction. What the rule table refuses already here, every client refuses: it is never
   * queued (thrown as the refusal's AppError).
   */
  async queueOwn(event: ChannelEvent, contentType: string): Promise<void> {
    const db = this.#db;
    db.transaction(() => {
      const refusal = authoriseEvent(db, event);
      if (refusal) throw refusalError(refusal);
      queueOutbox(db, event, contentType);
      applyEvents(db, [event]);
    })();
  }

  /**
   * Sends a message again: one the relay refused for good is queued anew (own-refused.ts), a
   * failed one is due now. How many queued events changed (0: nothing to send again).
   */
  async retry(channelId: string, messageId: string, now: number): Promise<number> {
    const db = this.#db;
    return db.transaction(() => {
      if (requeueRefusedMessage(db, channelId, messageId)) return 1;
      const queued = sql(
        db,
        'UPDATE outbox SET next_attempt_at = ?, attempts = 0 WHERE client_event_id = ? AND channel_id = ?',
      ).run(now, messageId, channelId);
      sql(
        db,
        `UPDATE messages SET delivery = 'sending' WHERE channel_id = ? AND message_id = ? AND delivery = 'failed'`,
      ).run(channelId, messageId);
      return queued.changes;
    })();
  }
}
