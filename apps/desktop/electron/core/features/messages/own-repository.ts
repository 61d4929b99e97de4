// What the outbox's verdicts do to this device's own messages (the store's own-event steps,
// store/content-features.ts `own`, run inside its transactions): a message the relay ordered gets
// its place and shows as sent; one the relay refused for good stays, marked not sent, until the user
// sends it again (`retry`); an edit or acknowledgement every receiver refuses is undone here. The
// store keeps the outbox and the log; this file keeps what they mean for the messages table.
import { channelEventPayload, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { OwnEventSteps } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { queueOutbox, replaceMentions } from '../../store/messages.ts';
import { dueNow } from '../../store/outbox.ts';
import { indexTerms } from '../../store/search-terms.ts';
import { sql } from '../../store/statements.ts';

type MessageEventType = 'message.create' | 'message.edit' | 'message.delete' | 'message.ack' | 'read.receipt';
type MessageEvent = ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: MessageEventType }> };

function urgentMessage(db: Db, channelId: string, messageId: string): boolean {
  return (
    sql(db, 'SELECT urgent FROM messages WHERE channel_id = ? AND message_id = ?').pluck().get(channelId, messageId) ===
    1
  );
}

/** Another accepted ack of the same message by this user is in the log: the acknowledgement stands. */
function ownAckLogged(db: Db, event: ChannelEvent): boolean {
  const p = event.payload as { messageId: string };
  return (
    sql(
      db,
      `SELECT 1 FROM events WHERE channel_id = ? AND type = 'message.ack' AND sender_user_id = ? AND seq IS NOT NULL AND json_extract(payload, '$.messageId') = ? LIMIT 1`,
    ).get(event.channelId, event.senderUserId, p.messageId) !== undefined
  );
}

/**
 * An own edit refused once ordered (an urgent message acknowledged before it): the message gets
 * back the text in force, the newest accepted edit's or the original's. The queued edit of an
 * urgent message left that text in the log for this (apply.ts); a refused edit's own text is
 * scrubbed from the log, so it is never taken.
 */
function restoreText(db: Db, channelId: string, messageId: string): void {
  const edit = sql(
    db,
    `SELECT created_at, payload FROM events WHERE channel_id = ? AND type = 'message.edit' AND seq IS NOT NULL
       AND json_extract(payload, '$.messageId') = ? AND json_extract(payload, '$.body') != '' ORDER BY seq DESC LIMIT 1`,
  ).get(channelId, messageId) as { created_at: number; payload: string } | undefined;
  const source =
    edit ??
    (sql(
      db,
      `SELECT NULL AS created_at, payload FROM events WHERE channel_id = ? AND event_id = ? AND type = 'message.create'`,
    ).get(channelId, messageId) as { created_at: null; payload: string } | undefined);
  if (!source) return;
  const text = JSON.parse(source.payload) as { body: string; mentions: string[] };
  const row = sql(
    db,
    'SELECT sort_key FROM messages WHERE channel_id = ? AND message_id = ? AND deleted_at IS NULL',
  ).get(channelId, messageId) as { sort_key: number } | undefined;
  if (!row) return;
  sql(db, 'UPDATE messages SET body = ?, mentions = ?, edited_at = ? WHERE channel_id = ? AND message_id = ?').run(
    text.body,
    JSON.stringify(text.mentions),
    source.created_at,
    channelId,
    messageId,
  );
  replaceMentions(db, channelId, messageId, row.sort_key, text.mentions);
  indexTerms(db, [text.body]);
}

/**
 * An own message event every receiver refuses (the relay refused it for good, or its seq made the
 * rule table refuse it). An edit of an urgent message gets back the text in force; queued, an edit
 * of a message that is not urgent took the earlier text out of this store at once (applyMessage):
 * a recompute would blank the message, so the text stays as written. An acknowledgement the relay
 * never took goes, unless another of the same message by this user is in the log. A message itself
 * stays, marked not sent (store/own-refused.ts), and a delete cannot be undone.
 */
function ownMessageRefused(db: Db, event: ChannelEvent, how: 'sent' | 'withdrawn'): boolean {
  const p = (event as MessageEvent).payload;
  if (p.type === 'message.edit') {
    if (how === 'withdrawn' && !urgentMessage(db, event.channelId, p.messageId)) return false;
    restoreText(db, event.channelId, p.messageId);
    return true;
  }
  if (how === 'sent' || p.type !== 'message.ack') return false;
  if (!ownAckLogged(db, event))
    sql(db, 'DELETE FROM message_acks WHERE channel_id = ? AND message_id = ? AND user_id = ?').run(
      event.channelId,
      p.messageId,
      event.senderUserId,
    );
  return true;
}

/**
 * The user sends a refused message again (say, after being added back to the channel): it is
 * queued anew under its own id (the relay never took it, so the id is free) and its time of
 * writing (receivers see how late it came). False when there is no refused message of that id.
 */
export function requeueRefusedMessage(db: Db, channelId: string, messageId: string): boolean {
  const row = sql(
    db,
    `SELECT e.payload, e.sender_user_id, e.sender_device_id, e.created_at, m.body, m.mentions FROM messages m JOIN events e ON e.channel_id = m.channel_id AND e.event_id = m.message_id
     WHERE m.channel_id = ? AND m.message_id = ? AND m.refused_code IS NOT NULL AND e.seq IS NULL`,
  ).get(channelId, messageId) as
    | {
        payload: string;
        sender_user_id: string;
        sender_device_id: string;
        created_at: number;
        body: string;
        mentions: string;
      }
    | undefined;
  if (!row) return false;
  const logged = channelEventPayload.parse(JSON.parse(row.payload));
  // With the text on screen: an own edit since (refused too, or not) blanked the logged one (repository.ts).
  const payload =
    logged.type === 'message.create'
      ? { ...logged, body: row.body, mentions: JSON.parse(row.mentions) as string[] }
      : logged;
  queueOutbox(
    db,
    {
      eventId: messageId,
      channelId,
      seq: null,
      senderUserId: row.sender_user_id,
      senderDeviceId: row.sender_device_id,
      createdAt: row.created_at,
      relayAt: null,
      payload,
    },
    'message',
  );
  sql(db, `UPDATE messages SET delivery = 'sending', refused_code = NULL WHERE channel_id = ? AND message_id = ?`).run(
    channelId,
    messageId,
  );
  return true;
}

/** A message's delivery mark follows its outbox item (only a message has one). */
function setDelivery(db: Db, channelId: string, messageId: string, delivery: 'sending' | 'failed' | 'sent'): void {
  // Failing marks only one being sent; sent again, a failed or sent one shows as being sent.
  const from = { sending: `delivery <> 'sending'`, failed: `delivery = 'sending'`, sent: '1' }[delivery];
  sql(db, `UPDATE messages SET delivery = ? WHERE channel_id = ? AND message_id = ? AND ${from}`).run(
    delivery,
    channelId,
    messageId,
  );
}

export const ownMessageSteps: OwnEventSteps = {
  // The relay's order gives a message its place: its seq is its sort key from now on.
  onOwnPlaced(db, { type, channelId, eventId, seq }) {
    if (type !== 'message.create') return false;
    sql(db, `UPDATE messages SET seq = ?, sort_key = ?, delivery = 'sent' WHERE channel_id = ? AND message_id = ?`).run(
      seq,
      seq,
      channelId,
      eventId,
    );
    sql(db, 'UPDATE message_mentions SET sort_key = ? WHERE channel_id = ? AND message_id = ?').run(
      seq,
      channelId,
      eventId,
    );
    return true;
  },
  keepWithdrawn(db, event, code) {
    if (event.payload.type !== 'message.create') return false;
    sql(
      db,
      `UPDATE messages SET delivery = 'failed', refused_code = ? WHERE channel_id = ? AND message_id = ? AND seq IS NULL`,
    ).run(code, event.channelId, event.eventId);
    return true;
  },
  onDelivery(db, { type, channelId, eventId }, delivery) {
    if (type === 'message.create') setDelivery(db, channelId, eventId, delivery);
  },
  // A message deleted for everyone since, and its edits, never go to a restored relay again.
  keepForResend(db, { type, channelId, eventId, payload }) {
    const messageId =
      type === 'message.create'
        ? eventId
        : type === 'message.edit'
          ? (payload as { messageId: string }).messageId
          : null;
    return (
      messageId === null ||
      sql(db, 'SELECT 1 FROM messages WHERE channel_id = ? AND message_id = ? AND deleted_at IS NOT NULL').get(
        channelId,
        messageId,
      ) === undefined
    );
  },
  onOwnRefused: ownMessageRefused,
};

/** The own messages' side the messages service uses (ProfileStore.repository). */
export const ownMessages = (db: Db) => ({
  /**
   * Sends a message again: one the relay refused for good is queued anew, a failed one is due now.
   * How many queued events changed (0: nothing to send again).
   */
  async retry(channelId: string, messageId: string, now: number): Promise<number> {
    return db.transaction(() => {
      if (requeueRefusedMessage(db, channelId, messageId)) return 1;
      const queued = dueNow(db, channelId, messageId, now);
      sql(
        db,
        `UPDATE messages SET delivery = 'sending' WHERE channel_id = ? AND message_id = ? AND delivery = 'failed'`,
      ).run(channelId, messageId);
      return queued;
    })();
  },
});
