import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { Db } from './database.ts';
import { indexTerms } from './search-terms.ts';
import { sql } from './statements.ts';

export interface MessageRow {
  messageId: string;
  channelId: string;
  seq: number | null;
  sortKey: number;
  senderUserId: string;
  senderName: string | null;
  createdAt: number;
  body: string;
  mentions: string[];
  replyTo: string | null;
  urgent: boolean;
  editedAt: number | null;
  deletedAt: number | null;
  delivery: 'sending' | 'sent' | 'failed';
  /** The relay refused it for good, with this code (own-refused.ts); null otherwise. */
  refusedCode: string | null;
}

const SELECT = `SELECT m.*, u.display_name AS sender_name FROM messages m LEFT JOIN users u ON u.user_id = m.sender_user_id`;

function toRow(r: Record<string, unknown>): MessageRow {
  return {
    messageId: r.message_id as string,
    channelId: r.channel_id as string,
    seq: r.seq as number | null,
    sortKey: r.sort_key as number,
    senderUserId: r.sender_user_id as string,
    senderName: r.sender_name as string | null,
    createdAt: r.created_at as number,
    body: r.body as string,
    mentions: JSON.parse(r.mentions as string) as string[],
    replyTo: r.reply_to as string | null,
    urgent: r.urgent === 1,
    editedAt: r.edited_at as number | null,
    deletedAt: r.deleted_at as number | null,
    delivery: r.delivery as MessageRow['delivery'],
    refusedCode: (r.refused_code as string | null | undefined) ?? null,
  };
}

export class MessagesRepository {
  readonly #db: Db;
  readonly #newest;
  readonly #before;
  readonly #after;
  readonly #from;
  readonly #count;
  constructor(db: Db) {
    this.#db = db;
    this.#newest = sql(db, `${SELECT} WHERE m.channel_id = ? ORDER BY m.sort_key DESC LIMIT ?`);
    this.#before = sql(db, `${SELECT} WHERE m.channel_id = ? AND m.sort_key < ? ORDER BY m.sort_key DESC LIMIT ?`);
    this.#after = sql(db, `${SELECT} WHERE m.channel_id = ? AND m.sort_key > ? ORDER BY m.sort_key ASC LIMIT ?`);
    this.#from = sql(db, `${SELECT} WHERE m.channel_id = ? AND m.sort_key >= ? ORDER BY m.sort_key ASC LIMIT ?`);
    this.#count = sql(db, 'SELECT count(*) AS n FROM messages WHERE channel_id = ?').pluck();
  }

  /** Oldest first: `limit` messages after `afterSortKey` (the way back down after a jump). */
  async pageAfter(
    channelId: string,
    afterSortKey: number,
    limit = 50,
    options: { inclusive?: boolean } = {},
  ): Promise<MessageRow[]> {
    const statement = options.inclusive ? this.#from : this.#after;
    return (statement.all(channelId, afterSortKey, Math.min(limit, 500)) as Array<Record<string, unknown>>).map(toRow);
  }

  async count(channelId: string): Promise<number> {
    return this.#count.get(channelId) as number;
  }

  /** Newest first: `limit` messages before `beforeSortKey` (keyset paging), or the newest. */
  async page(channelId: string, options: { beforeSortKey?: number; limit?: number } = {}): Promise<MessageRow[]> {
    const limit = Math.min(options.limit ?? 50, 500);
    const rows =
      options.beforeSortKey === undefined
        ? this.#newest.all(channelId, limit)
        : this.#before.all(channelId, options.beforeSortKey, limit);
    return (rows as Array<Record<string, unknown>>).map(toRow);
  }

  /** The given messages and the messages quoting them (change-feed.ts), in no particular order. */
  async withReplies(channelId: string, messageIds: string[], quoted: string[]): Promise<MessageRow[]> {
    if (messageIds.length === 0 && quoted.length === 0) return [];
    const ids = JSON.stringify(messageIds);
    const quotes = JSON.stringify(quoted);
    const rows = sql(
      this.#db,
      `${SELECT} WHERE m.channel_id = ? AND (m.message_id IN (SELECT value FROM json_each(?)) OR m.reply_to IN (SELECT value FROM json_each(?)))`,
    ).all(channelId, ids, quotes) as Array<Record<string, unknown>>;
    return rows.map(toRow);
  }

  async get(channelId: string, messageId: string): Promise<MessageRow | null> {
    const row = sql(this.#db, `${SELECT} WHERE m.channel_id = ? AND m.message_id = ?`).get(channelId, messageId) as
      Record<string, unknown> | undefined;
    return row ? toRow(row) : null;
  }

  /**
   * A message the user just wrote: shown at once as "sending", and queued in the outbox in the
   * same transaction, so it survives a crash or restart and is sent when the relay is reachable.
   */
  async queueLocal(
    event: ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: 'message.create' }> },
    contentType: string,
  ): Promise<void> {
    this.#db.transaction(() => {
      const sortKey = nextPendingSortKey(this.#db, event.channelId);
      const p = event.payload;
      sql(
        this.#db,
        `INSERT INTO messages (channel_id, message_id, seq, sort_key, sender_user_id, created_at, body, mentions, reply_to, urgent, delivery)
           VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 'sending')`,
      ).run(
        event.channelId,
        event.eventId,
        sortKey,
        event.senderUserId,
        event.createdAt,
        p.body,
        JSON.stringify(p.mentions),
        p.replyTo,
        p.urgent ? 1 : 0,
      );
      indexTerms(this.#db, [p.body]);
      queueOutbox(this.#db, event, contentType);
    })();
  }

  /** Who acknowledged an urgent message. */
  async acks(channelId: string, messageId: string): Promise<Array<{ userId: string; ackedAt: number }>> {
    return sql(
      this.#db,
      'SELECT user_id AS userId, acked_at AS ackedAt FROM message_acks WHERE channel_id = ? AND message_id = ? ORDER BY acked_at',
    ).all(channelId, messageId) as Array<{
      userId: string;
      ackedAt: number;
    }>;
  }
}

/** Adds any event to the outbox (messages, votes, edits...) in the caller's transaction. */
export function queueOutbox(db: Db, event: ChannelEvent, contentType: string): void {
  const order = (sql(db, 'SELECT coalesce(max(queue_order), 0) + 1 AS n FROM outbox').get() as { n: number }).n;
  sql(
    db,
    `INSERT INTO outbox (client_event_id, channel_id, content_type, payload, created_at, queue_order, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    event.eventId,
    event.channelId,
    contentType,
    JSON.stringify(event.payload),
    event.createdAt,
    order,
    event.createdAt,
  );
}

const PENDING_BASE = 2 ** 50;

/** Local sends not yet sequenced sort after everything the relay has ordered. */
export function nextPendingSortKey(db: Db, channelId: string): number {
  const row = sql(db, 'SELECT max(sort_key) AS k FROM messages WHERE channel_id = ? AND sort_key >= ?').get(
    channelId,
    PENDING_BASE,
  ) as { k: number | null };
  return (row.k ?? PENDING_BASE) + 1;
}

export function replaceMentions(
  db: Db,
  channelId: string,
  messageId: string,
  sortKey: number,
  mentions: readonly string[],
): void {
  sql(db, 'DELETE FROM message_mentions WHERE channel_id = ? AND message_id = ?').run(channelId, messageId);
  const insert = sql(db, 'INSERT OR IGNORE INTO message_mentions VALUES (?, ?, ?, ?)');
  for (const userId of mentions) insert.run(userId, channelId, sortKey, messageId);
}
