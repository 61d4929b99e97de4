// An own event takes effect when queued (MessagingClient.send) and is judged again when the relay
// acknowledges it (SqliteSyncStore.markSent): only then are its seq and relay time known, and the
// rules that go by them (a poll's deadline by relay time, the roster in force at relay time, the
// order of changes) may refuse it now. Every receiver refuses it without ever applying it; here
// its queued effect is undone by recomputing what it touched from the log, the way the reducers
// decide, so the sender ends with the receivers' state.
import { channelEventPayload, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applyPollEvent, type PollState } from '../collab/polls.ts';
import { applySettings, replaceMentions } from './apply.ts';
import { isCalendarEvent, replayable, replayCalendarEntry } from './calendar-replay.ts';
import { orderedFeatureFor } from './content-features.ts';
import type { Db } from './database.ts';
import { queueOutbox } from './messages.ts';
import { indexTerms } from './search-terms.ts';
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
  // Pins, reactions, roles: decided again from the log without this event.
  const ordered = orderedFeatureFor(p.type);
  if (p.type === 'poll.create') {
    sql(db, 'DELETE FROM poll_votes WHERE channel_id = ? AND poll_id = ?').run(event.channelId, event.eventId);
    sql(db, 'DELETE FROM polls WHERE channel_id = ? AND poll_id = ? AND created_seq IS NULL').run(
      event.channelId,
      event.eventId,
    );
  } else if (p.type === 'poll.close')
    sql(db, 'UPDATE polls SET closed_seq = NULL WHERE channel_id = ? AND poll_id = ? AND closed_seq = 0').run(
      event.channelId,
      p.pollId,
    );
  else if (p.type === 'file.share')
    sql(db, 'DELETE FROM files WHERE channel_id = ? AND file_id = ? AND seq IS NULL').run(
      event.channelId,
      event.eventId,
    );
  else if (p.type === 'file.group')
    sql(
      db,
      'UPDATE files SET group_id = NULL, group_index = NULL, group_count = NULL WHERE channel_id = ? AND group_id = ?',
    ).run(event.channelId, event.eventId);
  else if (ordered) ordered.recompute(db, event);
  else if (p.type === 'message.ack' && !ownAckLogged(db, event))
    sql(db, 'DELETE FROM message_acks WHERE channel_id = ? AND message_id = ? AND user_id = ?').run(
      event.channelId,
      p.messageId,
      event.senderUserId,
    );
  // Queued, an edit of a message that is not urgent took the earlier text out of this store at
  // once (apply.ts): a recompute would blank the message, so the text stays as written.
  else if (p.type === 'message.edit' && !urgentMessage(db, event.channelId, p.messageId)) return;
  else undoRefusedOwn(db, event);
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
 * Undoes the queued effect of an own event the relay's seq or time made refused: true when its
 * state was recomputed. Poll creation and close (only their author's, kept once) are refused again
 * merely as applied already; they only lack their seq and are not undone.
 */
export function undoRefusedOwn(db: Db, event: ChannelEvent): boolean {
  const p = event.payload;
  if (p.type === 'poll.vote') recomputeVote(db, event.channelId, p.pollId, event.senderUserId);
  else if (p.type === 'channel.update') recomputeSettings(db, event.channelId);
  else if (p.type === 'message.edit') restoreText(db, event.channelId, p.messageId);
  // The entry is recomputed from its log (the refused event is judged there again, refused again).
  // After retention removed part of its log a recompute would lose its beginning: left as it is.
  else if (isCalendarEvent(event) && replayable(db, event.channelId, event.payload.uid))
    replayCalendarEntry(db, event.channelId, event.payload.uid);
  else return false;
  return true;
}

/**
 * The voter's vote on one poll from the log: their votes in seq order, then those still queued,
 * each judged by the poll reducer (deadline by relay time; after the poll's close none counts).
 * The last one accepted stands; none, no vote. Other voters' votes are not touched.
 */
function recomputeVote(db: Db, channelId: string, pollId: string, userId: string): void {
  const row = sql(
    db,
    'SELECT definition, creator_user_id, created_seq, closed_seq FROM polls WHERE channel_id = ? AND poll_id = ?',
  ).get(channelId, pollId) as
    { definition: string; creator_user_id: string; created_seq: number | null; closed_seq: number | null } | undefined;
  if (!row) return;
  const poll: PollState = {
    definition: JSON.parse(row.definition) as PollState['definition'],
    creatorUserId: row.creator_user_id,
    createdSeq: row.created_seq ?? 0,
    closedSeq: null,
    votes: new Map(),
  };
  const polls = new Map([[pollId, poll]]);
  const votes = sql(
    db,
    `SELECT event_pk, seq, created_at, relay_at, json_extract(payload, '$.optionIds') AS option_ids FROM events
     WHERE channel_id = ? AND type = 'poll.vote' AND sender_user_id = ? AND json_extract(payload, '$.pollId') = ? ORDER BY seq IS NULL, seq, event_pk`,
  ).all(channelId, userId, pollId) as Array<{
    event_pk: number;
    seq: number | null;
    created_at: number;
    relay_at: number | null;
    option_ids: string | null;
  }>;
  let standing: { optionIds: string[]; seq: number | null } | null = null;
  // An own close still queued (closed_seq 0) refuses the votes queued after it. The outbox sends a
  // channel's events in queue order, so every vote the relay has ordered was queued before it.
  const queuedClose =
    row.closed_seq === 0
      ? (sql(
          db,
          `SELECT min(event_pk) FROM events WHERE channel_id = ? AND type = 'poll.close' AND seq IS NULL AND json_extract(payload, '$.pollId') = ?`,
        )
          .pluck()
          .get(channelId, pollId) as number | null)
      : null;
  for (const v of votes) {
    // A close the relay has ordered refuses every vote after it, and every vote still queued.
    if (row.closed_seq !== null && row.closed_seq > 0 && (v.seq === null || v.seq > row.closed_seq)) continue;
    if (queuedClose !== null && v.seq === null && v.event_pk > queuedClose) continue;
    if (v.option_ids === null) continue;
    const verdict = applyPollEvent(polls, {
      seq: v.seq ?? 0,
      relayTime: v.relay_at ?? v.created_at,
      senderUserId: userId,
      payload: { type: 'poll.vote', pollId, optionIds: JSON.parse(v.option_ids) as string[] },
    });
    if (!verdict.accepted) continue;
    const vote = poll.votes.get(userId);
    standing = vote ? { optionIds: vote.optionIds, seq: v.seq } : null;
  }
  if (standing)
    sql(db, 'INSERT OR REPLACE INTO poll_votes VALUES (?, ?, ?, ?, ?)').run(
      channelId,
      pollId,
      userId,
      JSON.stringify(standing.optionIds),
      standing.seq,
    );
  else
    sql(db, 'DELETE FROM poll_votes WHERE channel_id = ? AND poll_id = ? AND user_id = ?').run(
      channelId,
      pollId,
      userId,
    );
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
