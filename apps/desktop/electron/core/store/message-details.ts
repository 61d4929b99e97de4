// What a page of messages shows besides the rows themselves, read in one query for the whole page
// (it was three lookups per message): the quoted message, who acknowledged an urgent one, the
// relay's times, and how many members read an own one.
import type { Db } from './database.ts';
import { sql } from './statements.ts';
import { historyStart } from './sync-history.ts';

export interface MessageDetails {
  /**
   * The message replied to, null when it is not here (deleted for good, or never received). A
   * reply to a shared thing (a file, poll or appointment of the timeline) quotes its name,
   * question or title; one the rules refused kept no content and reads as gone.
   */
  quote: { body: string; deletedAt: number | null; senderName: string | null } | null;
  /** Who acknowledged it (urgent messages; empty otherwise). */
  ackers: string[];
  /** When the relay took it, and when it was written in relay time (late-delivery.ts). */
  relayAt: number | null;
  writtenAtRelay: number | null;
  /** Members who read it (own sent messages while read receipts are on), else null. */
  readers: number | null;
}

const DETAILS = `
  SELECT m.message_id,
    q.message_id IS NOT NULL OR qs.shared IS NOT NULL AS quote_found, coalesce(q.body, qs.shared) AS quote_body,
    q.deleted_at AS quote_deleted_at, coalesce(qu.display_name, qsu.display_name) AS quote_name,
    CASE WHEN m.urgent = 1 THEN (SELECT json_group_array(a.user_id) FROM message_acks a WHERE a.channel_id = m.channel_id AND a.message_id = m.message_id) END AS ackers,
    e.relay_at, e.written_at_relay,
    CASE WHEN ? = 1 AND m.sender_user_id = ? AND m.seq IS NOT NULL
      THEN (SELECT count(*) FROM read_receipts r JOIN channel_members cm USING (channel_id, user_id) WHERE r.channel_id = m.channel_id AND r.up_to_seq >= m.seq AND r.user_id != ?) END AS readers
  FROM messages m
  LEFT JOIN messages q ON q.channel_id = m.channel_id AND q.message_id = m.reply_to
  LEFT JOIN users qu ON qu.user_id = q.sender_user_id
  LEFT JOIN (
    SELECT channel_id, event_id, sender_user_id,
      coalesce(json_extract(payload, '$.name'), json_extract(payload, '$.question'), json_extract(payload, '$.title')) AS shared
    FROM events WHERE type IN ('file.share', 'poll.create', 'calendar.put')
  ) qs ON q.message_id IS NULL AND qs.channel_id = m.channel_id AND qs.event_id = m.reply_to
  LEFT JOIN users qsu ON qsu.user_id = qs.sender_user_id
  LEFT JOIN events e ON e.channel_id = m.channel_id AND e.event_id = m.message_id
  WHERE m.channel_id = ? AND m.message_id IN (SELECT value FROM json_each(?))`;

interface DetailsRow {
  message_id: string;
  quote_found: number;
  quote_body: string | null;
  quote_deleted_at: number | null;
  quote_name: string | null;
  ackers: string | null;
  relay_at: number | null;
  written_at_relay: number | null;
  readers: number | null;
}

export class MessageDetailsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Details of these messages of one channel, the channel's member count (the "of n" of acks) and
   * how many other members have a device (the "of n" of read receipts).
   */
  async of(
    channelId: string,
    messageIds: readonly string[],
    reader: { userId: string; readReceipts: boolean },
  ): Promise<{ memberCount: number; recipientCount: number; details: Map<string, MessageDetails> }> {
    const memberCount =
      (sql(this.#db, 'SELECT count(*) FROM channel_members WHERE channel_id = ?').pluck().get(channelId) as number) ??
      0;
    // The "of m" of read receipts: the other members a message reaches, those with a device the
    // directory has not revoked (one without any gets nothing sealed to it).
    const recipientCount = sql(
      this.#db,
      `SELECT count(*) FROM channel_members cm WHERE cm.channel_id = ? AND cm.user_id != ?
         AND EXISTS (SELECT 1 FROM devices d WHERE d.user_id = cm.user_id AND d.revoked = 0)`,
    )
      .pluck()
      .get(channelId, reader.userId) as number;
    const rows = sql(this.#db, DETAILS).all(
      reader.readReceipts ? 1 : 0,
      reader.userId,
      reader.userId,
      channelId,
      JSON.stringify(messageIds),
    ) as DetailsRow[];
    const details = new Map<string, MessageDetails>();
    for (const r of rows) {
      details.set(r.message_id, {
        quote:
          r.quote_found === 1
            ? { body: r.quote_body ?? '', deletedAt: r.quote_deleted_at, senderName: r.quote_name }
            : null,
        ackers: r.ackers === null ? [] : (JSON.parse(r.ackers) as string[]),
        relayAt: r.relay_at,
        writtenAtRelay: r.written_at_relay,
        readers: r.readers,
      });
    }
    return { memberCount, recipientCount, details };
  }

  /** The sender's name of a message (search hits), null when not in the directory or no such message. */
  async senderName(channelId: string, messageId: string): Promise<string | null> {
    return (
      (sql(
        this.#db,
        'SELECT u.display_name FROM messages m LEFT JOIN users u ON u.user_id = m.sender_user_id WHERE m.channel_id = ? AND m.message_id = ?',
      )
        .pluck()
        .get(channelId, messageId) as string | null | undefined) ?? null
    );
  }

  /** The highest relay seq at or below a sort key (what a read receipt names), null when none. */
  async orderedSeqUpTo(channelId: string, upToSortKey: number): Promise<number | null> {
    return sql(this.#db, 'SELECT max(seq) FROM messages WHERE channel_id = ? AND sort_key <= ? AND seq IS NOT NULL')
      .pluck()
      .get(channelId, upToSortKey) as number | null;
  }

  /** Where the channel's history starts for this device (sync-history.ts), null when it has all. */
  async historyStart(channelId: string): Promise<number | null> {
    return historyStart(this.#db, channelId);
  }
}
