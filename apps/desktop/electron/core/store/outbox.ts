// The outbox as the views and the discovery agent see it (what waits to be sent), and how an own
// event enters it: queued now under the rule table, or due again (features/messages/own-repository.ts
// sends a failed or refused message again).
// The sync engine's side of the queue (due items, acks, back-off) is sync-store.ts.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from './apply.ts';
import { authoriseEvent } from './authorise-facts.ts';
import type { Db } from './database.ts';
import { queueOutbox } from './messages.ts';
import { refusalError } from './refusal-error.ts';
import { sql } from './statements.ts';

export class OutboxRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Events waiting to be sent, and how many of them say they are urgent (urgent messages: the connection view). */
  async counts(): Promise<{ pending: number; urgent: number }> {
    return {
      pending: sql(this.#db, 'SELECT count(*) FROM outbox').pluck().get() as number,
      urgent: sql(this.#db, `SELECT count(*) FROM outbox WHERE json_extract(payload, '$.urgent') = 1`)
        .pluck()
        .get() as number,
    };
  }

  /**
   * What queued events of these types in one channel name in their payload's `field` (the polls
   * of votes still being sent).
   */
  async queuedIds(channelId: string, types: readonly string[], field: 'channelId' | 'pollId'): Promise<Set<string>> {
    const rows = sql(
      this.#db,
      `SELECT json_extract(payload, '$.' || ?) FROM outbox WHERE channel_id = ? AND json_extract(payload, '$.type') IN (SELECT value FROM json_each(?))`,
    )
      .pluck()
      .all(field, channelId, JSON.stringify(types)) as string[];
    return new Set(rows);
  }

  /** The channels named by queued events of these types in one channel (join requests, announcements in the directory channel). */
  async queuedChannelIds(channelId: string, types: readonly string[]): Promise<Set<string>> {
    return this.queuedIds(channelId, types, 'channelId');
  }

  /**
   * An own event takes effect now, through the same rules as a received one, and is queued in the
   * same transaction. What the rule table refuses already here, every client refuses: it is never
   * queued (thrown as the refusal's AppError).
   */
  async queueOwn(event: ChannelEvent, contentType: string): Promise<void> {
    const db = this.#db;
    db.transaction(() => queueOwnNow(db, event, contentType))();
  }

  /**
   * A join request queued as queueOwn does, unless one for the same channel still waits in the
   * outbox: asked twice at once (a double click), the second finds the first in the same
   * transaction. The handler's "already asked" check reads in several steps and cannot tell.
   * False when nothing was queued.
   */
  async queueJoinRequest(
    event: ChannelEvent & { payload: { type: 'channel.join_request' } },
    contentType: string,
  ): Promise<boolean> {
    const db = this.#db;
    return db.transaction(() => {
      const waiting = sql(
        db,
        `SELECT 1 FROM outbox WHERE channel_id = ? AND json_extract(payload, '$.type') = 'channel.join_request' AND json_extract(payload, '$.channelId') = ?`,
      ).get(event.channelId, event.payload.channelId);
      if (waiting !== undefined) return false;
      queueOwnNow(db, event, contentType);
      return true;
    })();
  }
}

/**
 * Inside the caller's transaction: an own event waiting in the outbox is due now, its attempts
 * counted anew (the user asked to send it again). How many queued events changed (0 or 1).
 */
export function dueNow(db: Db, channelId: string, clientEventId: string, now: number): number {
  return sql(
    db,
    'UPDATE outbox SET next_attempt_at = ?, attempts = 0 WHERE client_event_id = ? AND channel_id = ?',
  ).run(now, clientEventId, channelId).changes;
}

/** Inside the caller's transaction: refused by the rule table (thrown), or queued and applied. */
function queueOwnNow(db: Db, event: ChannelEvent, contentType: string): void {
  const refusal = authoriseEvent(db, event);
  if (refusal) throw refusalError(refusal);
  queueOutbox(db, event, contentType);
  applyEvents(db, [event]);
}
