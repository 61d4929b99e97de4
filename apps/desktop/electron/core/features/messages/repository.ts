// How a message event changes the `messages`, `message_mentions`, `message_acks` and
// `read_receipts` tables, inside applyEvents' transaction through the store's port
// (store/content-features.ts). Any member writes, acknowledges and reads; only a message's sender
// edits or deletes it, and an urgent message somebody acknowledged is never edited (the rule table,
// store/authorise.ts, with `author` below). An edit or delete takes the earlier text out of every
// row of this store: the message, the decrypted log, the sender's copy and the search vocabulary.
// What stays in the store: the order and idempotency (store/apply.ts, which also holds an edit or
// delete opened before its message until it arrives, as `waitsFor` below declares). What the
// relay's ack or refusal does to an own message is own-repository.ts.
import {
  messageAck,
  messageCreate,
  messageDelete,
  messageEdit,
  readReceipt,
  type ChannelEvent,
} from '@klinikfunk/protocol/domain/events.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { nextPendingSortKey, replaceMentions } from '../../store/messages.ts';
import { collectTerms, textsOfPayload } from '../../store/search-terms.ts';
import { sql } from '../../store/statements.ts';
import { ownMessageSteps } from './own-repository.ts';

type MessageEventType = 'message.create' | 'message.edit' | 'message.delete' | 'message.ack' | 'read.receipt';
type MessageEvent = ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: MessageEventType }> };

type Of<T extends MessageEventType> = ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: T }> };

/** Returns a reason when the event's effect is refused, null when applied. */
function applyMessage(db: Db, event: MessageEvent, forget: Set<string>): string | null {
  switch (event.payload.type) {
    case 'message.create':
      return createMessage(db, event as Of<'message.create'>);
    case 'message.edit':
      return editMessage(db, event as Of<'message.edit'>, forget);
    case 'message.delete':
      return deleteMessage(db, event as Of<'message.delete'>, forget);
    case 'message.ack':
      sql(db, 'INSERT OR IGNORE INTO message_acks VALUES (?, ?, ?, ?)').run(
        event.channelId,
        event.payload.messageId,
        event.senderUserId,
        event.createdAt,
      );
      return null;
    case 'read.receipt':
      // Kept always (the organisation may switch receipts on later); shown only while it allows them.
      sql(
        db,
        `INSERT INTO read_receipts VALUES (?, ?, ?, ?) ON CONFLICT (channel_id, user_id) DO UPDATE
         SET up_to_seq = max(up_to_seq, excluded.up_to_seq), read_at = CASE WHEN excluded.up_to_seq > up_to_seq THEN excluded.read_at ELSE read_at END`,
      ).run(event.channelId, event.senderUserId, event.payload.upToSeq, event.createdAt);
      return null;
  }
}

function createMessage(db: Db, event: Of<'message.create'>): null {
  const p = event.payload;
  const sortKey = event.seq ?? nextPendingSortKey(db, event.channelId);
  // An own message applied when queued has no seq yet: it shows as being sent until the relay orders it.
  sql(
    db,
    `INSERT INTO messages (channel_id, message_id, seq, sort_key, sender_user_id, created_at, body, mentions, reply_to, urgent, delivery)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel_id, message_id) DO UPDATE SET seq = excluded.seq, sort_key = excluded.sort_key, created_at = excluded.created_at, delivery = excluded.delivery`,
  ).run(
    event.channelId,
    event.eventId,
    event.seq,
    sortKey,
    event.senderUserId,
    event.createdAt,
    p.body,
    JSON.stringify(p.mentions),
    p.replyTo,
    p.urgent ? 1 : 0,
    event.seq === null ? 'sending' : 'sent',
  );
  replaceMentions(db, event.channelId, event.eventId, sortKey, p.mentions);
  return null;
}

/**
 * The edit replaces the text everywhere: the earlier text stays in no row of this store (the
 * message, the logged create and earlier edits, the search index and its vocabulary).
 */
function editMessage(db: Db, event: Of<'message.edit'>, forget: Set<string>): string | null {
  const p = event.payload;
  const before = sql(db, 'SELECT body, edited_at, urgent FROM messages WHERE channel_id = ? AND message_id = ?').get(
    event.channelId,
    p.messageId,
  ) as { body: string; edited_at: number | null; urgent: number } | undefined;
  // The edit latest in the log is in force, also when an earlier one is opened after it (its
  // key came late). Only a message edited before has any: the scan of the log is rare.
  if (before?.edited_at != null && event.seq !== null && newerEdit(db, event.channelId, p.messageId, event.seq))
    return 'stale';
  const changed = sql(
    db,
    `UPDATE messages SET body = ?, mentions = ?, edited_at = ? WHERE channel_id = ? AND message_id = ? AND sender_user_id = ? AND deleted_at IS NULL`,
  ).run(p.body, JSON.stringify(p.mentions), event.createdAt, event.channelId, p.messageId, event.senderUserId);
  if (changed.changes === 0) return 'edit of an unknown, deleted or foreign message';
  const row = sql(db, 'SELECT sort_key FROM messages WHERE channel_id = ? AND message_id = ?').get(
    event.channelId,
    p.messageId,
  ) as { sort_key: number };
  replaceMentions(db, event.channelId, p.messageId, row.sort_key, p.mentions);
  if (before) collectTerms(forget, before.body);
  // An own edit of an urgent message not ordered yet leaves the text in force in the log: an
  // acknowledgement the relay orders before it makes every client refuse it, and markSent then
  // puts that text back (own-repository.ts). Ordered, it is applied again and scrubs it then.
  if (event.seq !== null || before?.urgent !== 1)
    scrubLoggedTexts(db, event.channelId, p.messageId, before?.edited_at != null, forget, event.eventId);
  return null;
}

/**
 * Delete for everyone: a tombstone stays (who and when), the text is gone: from the message,
 * from search, and from the decrypted log (the original event and its edits).
 */
function deleteMessage(db: Db, event: Of<'message.delete'>, forget: Set<string>): string | null {
  const p = event.payload;
  const before = sql(
    db,
    'SELECT body, edited_at FROM messages WHERE channel_id = ? AND message_id = ? AND sender_user_id = ? AND deleted_at IS NULL',
  ).get(event.channelId, p.messageId, event.senderUserId) as { body: string; edited_at: number | null } | undefined;
  if (!before) return 'delete of an unknown, deleted or foreign message';
  sql(db, `UPDATE messages SET body = '', mentions = '[]', deleted_at = ? WHERE channel_id = ? AND message_id = ?`).run(
    event.createdAt,
    event.channelId,
    p.messageId,
  );
  sql(db, 'DELETE FROM message_mentions WHERE channel_id = ? AND message_id = ?').run(event.channelId, p.messageId);
  collectTerms(forget, before.body);
  scrubLoggedTexts(db, event.channelId, p.messageId, before.edited_at !== null, forget, null);
  // Nor does its sender keep the sealed copies for a restored relay (sync-history.ts): only the
  // delete goes to it again, so a member who lacks the message never gets its text back.
  sql(db, 'DELETE FROM sent_log WHERE client_event_id = ? AND channel_id = ?').run(p.messageId, event.channelId);
  if (before.edited_at !== null)
    sql(
      db,
      `DELETE FROM sent_log WHERE channel_id = ? AND json_extract(payload, '$.type') = 'message.edit' AND json_extract(payload, '$.messageId') = ?`,
    ).run(event.channelId, p.messageId);
  return null;
}

/**
 * Blanks the texts of a message in the decrypted log: its create event and its edits (except
 * `keepEventId`, the edit now in force), collecting their words for the vocabulary. Edits are
 * looked up only for a message that was edited before (rare): a scan of this channel's log.
 */
function scrubLoggedTexts(
  db: Db,
  channelId: string,
  messageId: string,
  edited: boolean,
  forget: Set<string>,
  keepEventId: string | null,
): void {
  const scrub = `UPDATE events SET payload = json_set(payload, '$.body', '', '$.mentions', json('[]'))`;
  const original = sql(
    db,
    `SELECT payload FROM events WHERE channel_id = ? AND event_id = ? AND type = 'message.create'`,
  )
    .pluck()
    .get(channelId, messageId) as string | undefined;
  for (const text of original ? textsOfPayload(original) : []) collectTerms(forget, text);
  sql(db, `${scrub} WHERE channel_id = ? AND event_id = ? AND type = 'message.create'`).run(channelId, messageId);
  // The sender's copy of what it sent (kept for a relay restored from a backup, sync-history.ts)
  // keeps its sealed bytes, which is all a resend needs; the plaintext copy goes like the log's.
  const sentScrub = `UPDATE sent_log SET payload = json_set(payload, '$.body', '', '$.mentions', json('[]'))`;
  sql(db, `${sentScrub} WHERE client_event_id = ? AND channel_id = ?`).run(messageId, channelId);
  if (!edited) return;
  const editsOf = `WHERE channel_id = ? AND type = 'message.edit' AND json_extract(payload, '$.messageId') = ? AND event_id IS NOT ?`;
  for (const payload of sql(db, `SELECT payload FROM events ${editsOf}`)
    .pluck()
    .all(channelId, messageId, keepEventId)) {
    for (const text of textsOfPayload(payload as string)) collectTerms(forget, text);
  }
  sql(db, `${scrub} ${editsOf}`).run(channelId, messageId, keepEventId);
  const sentEditsOf = `WHERE channel_id = ? AND json_extract(payload, '$.type') = 'message.edit' AND json_extract(payload, '$.messageId') = ? AND client_event_id IS NOT ?`;
  sql(db, `${sentScrub} ${sentEditsOf}`).run(channelId, messageId, keepEventId);
}

/** An accepted edit of the message later in the log (refused ones keep no message id, waiting ones have no message yet). */
function newerEdit(db: Db, channelId: string, messageId: string, seq: number): boolean {
  return (
    sql(
      db,
      `SELECT 1 FROM events WHERE channel_id = ? AND type = 'message.edit' AND seq > ? AND json_extract(payload, '$.messageId') = ? LIMIT 1`,
    )
      .pluck()
      .get(channelId, seq, messageId) !== undefined
  );
}

/**
 * Whether someone other than the author acknowledged the urgent message before this edit in the
 * log (an acknowledgement with a lower relay seq): an edit opened late is judged by the acks before
 * it, not by those this device happened to open first. An own edit not yet sequenced is judged by
 * every acknowledgement known here.
 */
function acknowledgedUrgent(db: Db, channelId: string, messageId: string, editSeq: number | null): boolean {
  if (editSeq === null)
    return (
      sql(
        db,
        `SELECT 1 FROM messages m JOIN message_acks a ON a.channel_id = m.channel_id AND a.message_id = m.message_id AND a.user_id != m.sender_user_id
         WHERE m.channel_id = ? AND m.message_id = ? AND m.urgent = 1 LIMIT 1`,
      )
        .pluck()
        .get(channelId, messageId) !== undefined
    );
  return (
    sql(
      db,
      `SELECT 1 FROM messages m JOIN events a ON a.channel_id = m.channel_id AND a.type = 'message.ack' AND a.sender_user_id != m.sender_user_id
         AND a.seq < ? AND json_extract(a.payload, '$.messageId') = m.message_id
       WHERE m.channel_id = ? AND m.message_id = ? AND m.urgent = 1 LIMIT 1`,
    )
      .pluck()
      .get(editSeq, channelId, messageId) !== undefined
  );
}

/** An edit or delete opened before its message waits for it; a message's text is in its log events alone. */
const theMessage = { type: 'message.create', field: 'messageId' } as const;
const messageText = { field: 'body', scrubbed: true } as const;

export const messagesContent: ContentFeature = {
  name: 'messages',
  events: {
    'message.create': {
      schema: messageCreate,
      rule: { who: 'member' },
      contentType: 'message',
      searchText: messageText,
    },
    'message.edit': {
      schema: messageEdit,
      rule: { who: 'author', unlessLocked: 'acknowledged_urgent' },
      contentType: 'message',
      waitsFor: theMessage,
      searchText: messageText,
    },
    'message.delete': { schema: messageDelete, rule: { who: 'author' }, contentType: 'message', waitsFor: theMessage },
    'message.ack': { schema: messageAck, rule: { who: 'member' }, contentType: 'receipt' },
    'read.receipt': { schema: readReceipt, rule: { who: 'member' }, contentType: 'receipt' },
  },
  apply: (db, event, forget) => applyMessage(db, event as MessageEvent, forget),
  author(db, event) {
    const p = (event as MessageEvent).payload;
    // An edit or delete changes the message its sender wrote; the others ask for membership only.
    if (p.type !== 'message.edit' && p.type !== 'message.delete') return undefined;
    return (
      (sql(db, 'SELECT sender_user_id FROM messages WHERE channel_id = ? AND message_id = ?')
        .pluck()
        .get(event.channelId, p.messageId) as string | undefined) ?? null
    );
  },
  locked(db, event) {
    const p = (event as MessageEvent).payload;
    return p.type === 'message.edit' && acknowledgedUrgent(db, event.channelId, p.messageId, event.seq);
  },
  own: ownMessageSteps,
};
