// An own event takes effect when queued (MessagingClient.send) and is judged again when the relay
// acknowledges it (SqliteSyncStore.markSent): only then are its seq and relay time known, and the
// rules that go by them (a poll's deadline by relay time, the roster in force at relay time, the
// order of changes) may refuse it now. Every receiver refuses it without ever applying it; here
// its queued effect is undone by recomputing what it touched from the log, the way the reducers
// decide, so the sender ends with the receivers' state. A feature's events (messages, polls,
// files, calendar, pins...) are undone by the feature's own steps (store/content-features.ts
// `own`, or its `ordered` recompute); this file keeps the store's own types (settings).
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applySettings } from './apply.ts';
import { isStoreEvent } from './authorise.ts';
import { orderedFeatureFor, ownStepsFor } from './content-features.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

/**
 * An own event the relay refused for good (not a member any more, too large, a blob the sender
 * may not use: `code`) never reaches anyone: its queued effect is undone. A feature may keep it
 * instead (`keepWithdrawn`: an own message stays, marked not sent with the reason, so its text is
 * not lost and the user can send it again, features/messages/own-repository.ts). What cannot be
 * recomputed (a delete, or an edit of a message that is not urgent, already took the earlier text
 * out of this store) stays as it is on this device.
 */
export function undoQueuedOwn(db: Db, event: ChannelEvent, code: string): void {
  const p = event.payload;
  if (!isStoreEvent(p) && ownStepsFor(p.type)?.keepWithdrawn?.(db, event, code)) return;
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
