// An own event takes effect when queued (MessagingClient.send) and is judged again when the relay
// acknowledges it (SqliteSyncStore.markSent): only then are its seq and relay time known, and the
// rules that go by them (a poll's deadline by relay time, the roster in force at relay time, the
// order of changes) may refuse it now. Every receiver refuses it without ever applying it; here
// its queued effect is undone by recomputing what it touched from the log, the way the reducers
// decide, so the sender ends with the receivers' state. A feature's events (polls, files,
// calendar, pins...) are undone by the feature's own steps (store/content-features.ts `own`, or
// its `ordered` recompute); this file keeps the store's own types (messages, settings, acks).
import { channelEventPayload, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applySettings } from './apply.ts';
import { isStoreEvent } from './authorise.ts';
import { orderedFeatureFor, ownStepsFor } from './content-features.ts';
import type { Db } from './database.ts';
import { queueOutbox } from './messages.ts';
import { sql } from './statements.ts';

/**
 * An own event the relay refused for good (not a member any more, too large, a blob the sender
 * may not use: `code`) never reaches anyone: its queued effect is undone. An own message stays,
 * marked not sent with the reason, so its text is not lost and the user can send it again
 * (`requeueRefusedMessage`, with the text on screen). What cannot be recomputed (a delete, or an
 * edit of a message that is not urgent, already took the earlier text out of this store) stays as
 * it is on this device.
 */
export function undoQueuedOwn(db: Db, event: ChannelEvent, code: string): void {
  const p = event.payload;
  if (p.type === 'message.create') {
    sql(
      db,
      `UPDATE messages SET delivery = 'failed', refused_code = ? WHERE channel_id = ? AND message_id = ? AND seq IS NULL`,
    ).run(code, event.channelId, event.eventId);
    return;
  }
  sql(db, 'DELETE FROM events WHERE channel_id = ? AND event_id = ? AND seq IS NULL').run(
    event.channelId,
    event.eventId,
  );
  if (!isStoreEvent(p)) {
    // Messages, polls, files, calendar: the feature's own step; pins, reactions, roles: decided
    // again from the log without this event.
    const own = ownStepsFor(p.type);
    if (own) own.onOwnRefused(db, event, 'withdrawn');
    else orderedFeatureFor(p.type)?.recompute(db, event);
  } else undoRefusedOwn(db, event);
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
  // With the text on screen: an own edit since (refused too, or not) blanked the logged one (apply.ts).
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

/**
 * Undoes the queued effect of an own event the relay's seq or time made refused: true when its
 * state was recomputed. A feature's event by its own step (a poll's creation and close, only their
 * author's and kept once, are refused again merely as applied already: they only lack their seq
 * and are not undone).
 */
export function undoRefusedOwn(db: Db, event: ChannelEvent): boolean {
  const p = event.payload;
  if (!isStoreEvent(p)) return ownStepsFor(p.type)?.onOwnRefused(db, event, 'sent') ?? false;
  if (p.type !== 'channel.update') return false;
  recomputeSettings(db, event.channelId);
  return true;
}

/**
 * The channel's settings from its channel.update events: in seq order, then those still queued,
 * as every device applies them (the newest by seq wins). Events the rule table refused keep no
 * content in the log and take no part. Without any update left in the log (retention), the
 * settings stay as they are.
 */
function recomputeSettings(db: Db, channelId: string): void {
  const updates = sql(
    db,
    `SELECT event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, payload FROM events
     WHERE channel_id = ? AND type = 'channel.update' AND json_extract(payload, '$.name') IS NOT NULL ORDER BY seq IS NULL, seq, event_pk`,
  ).all(channelId) as Array<{
    event_id: string;
    seq: number | null;
    sender_user_id: string;
    sender_device_id: string;
    created_at: number;
    relay_at: number | null;
    payload: string;
  }>;
  if (updates.length === 0) return;
  sql(db, 'UPDATE channels SET settings_seq = 0 WHERE channel_id = ?').run(channelId);
  for (const u of updates)
    applySettings(db, {
      eventId: u.event_id,
      channelId,
      seq: u.seq,
      senderUserId: u.sender_user_id,
      senderDeviceId: u.sender_device_id,
      createdAt: u.created_at,
      relayAt: u.relay_at,
      payload: JSON.parse(u.payload) as Extract<ChannelEvent['payload'], { type: 'channel.update' }>,
    });
}
