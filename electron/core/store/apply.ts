// Materialises decrypted channel events into messages, polls, files and calendar entries.
// `applyEvents` runs inside the caller's transaction (together with the cursor), is idempotent
// by event id (an event seen before changes nothing), and applies the same rules on every
// client, so every workstation ends with the same state from the same log.
import type { ChannelEvent } from '../../../shared/domain/events.ts';
import { applyPollEvent, type PollState } from '../collab/polls.ts';
import { applyCalendar } from './calendar-apply.ts';
import type { Db } from './database.ts';
import { applyDiscoveryEvent } from './discovery-apply.ts';
import { collectTerms, forgetTerms, indexTerms, textsOfPayload } from './search-terms.ts';
import { sql } from './statements.ts';

export interface ApplyResult {
  applied: number;
  duplicates: number;
  /** Events accepted into the log whose effect was refused (late vote, foreign edit...), with reasons. */
  refused: Array<{ eventId: string; reason: string }>;
}

export function applyEvents(db: Db, events: readonly ChannelEvent[]): ApplyResult {
  const result: ApplyResult = { applied: 0, duplicates: 0, refused: [] };
  /** Words of texts deleted by this batch; dropped from the vocabulary after it is indexed. */
  const forget = new Set<string>();
  const logEvent = sql(
    db,
    `INSERT OR IGNORE INTO events (channel_id, event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, type, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ensureChannel = sql(db, `INSERT OR IGNORE INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', ?)`);
  for (const channelId of new Set(events.map((e) => e.channelId))) ensureChannel.run(channelId, events[0]!.createdAt);
  for (const event of events) {
    const inserted = logEvent.run(event.channelId, event.eventId, event.seq, event.senderUserId, event.senderDeviceId, event.createdAt, event.relayAt ?? null, event.payload.type, JSON.stringify(event.payload));
    if (inserted.changes === 0) {
      result.duplicates++;
      continue;
    }
    const refusal = materialise(db, event, forget);
    if (refusal) result.refused.push({ eventId: event.eventId, reason: refusal });
    result.applied++;
  }
  indexTerms(db, searchableTexts(events));
  forgetTerms(db, forget);
  return result;
}

/** Returns a reason when the event's effect is refused, null when applied. */
function materialise(db: Db, event: ChannelEvent, forget: Set<string>): string | null {
  const p = event.payload;
  const sortKey = event.seq ?? nextPendingSortKey(db, event.channelId);
  switch (p.type) {
    case 'message.create': {
      sql(db, 
        `INSERT INTO messages (channel_id, message_id, seq, sort_key, sender_user_id, created_at, body, mentions, reply_to, urgent, delivery)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent')
         ON CONFLICT (channel_id, message_id) DO UPDATE SET seq = excluded.seq, sort_key = excluded.sort_key, created_at = excluded.created_at, delivery = 'sent'`,
      ).run(event.channelId, event.eventId, event.seq, sortKey, event.senderUserId, event.createdAt, p.body, JSON.stringify(p.mentions), p.replyTo, p.urgent ? 1 : 0);
      replaceMentions(db, event.channelId, event.eventId, sortKey, p.mentions);
      return null;
    }
    case 'message.edit': {
      const changed = sql(
          db,
          `UPDATE messages SET body = ?, mentions = ?, edited_at = ? WHERE channel_id = ? AND message_id = ? AND sender_user_id = ? AND deleted_at IS NULL`)
        .run(p.body, JSON.stringify(p.mentions), event.createdAt, event.channelId, p.messageId, event.senderUserId);
      if (changed.changes === 0) return 'edit of an unknown, deleted or foreign message';
      const row = sql(db, 'SELECT sort_key FROM messages WHERE channel_id = ? AND message_id = ?').get(event.channelId, p.messageId) as { sort_key: number };
      replaceMentions(db, event.channelId, p.messageId, row.sort_key, p.mentions);
      return null;
    }
    case 'message.delete': {
      // Delete for everyone: a tombstone stays (who and when), the text is gone: from the message,
      // from search, and from the decrypted log (the original event and its edits).
      const before = sql(db, 'SELECT body, edited_at FROM messages WHERE channel_id = ? AND message_id = ? AND sender_user_id = ? AND deleted_at IS NULL').get(
        event.channelId,
        p.messageId,
        event.senderUserId,
      ) as { body: string; edited_at: number | null } | undefined;
      if (!before) return 'delete of an unknown, deleted or foreign message';
      sql(db, `UPDATE messages SET body = '', mentions = '[]', deleted_at = ? WHERE channel_id = ? AND message_id = ?`).run(event.createdAt, event.channelId, p.messageId);
      sql(db, 'DELETE FROM message_mentions WHERE channel_id = ? AND message_id = ?').run(event.channelId, p.messageId);
      collectTerms(forget, before.body);
      const scrub = `UPDATE events SET payload = json_set(payload, '$.body', '', '$.mentions', json('[]'))`;
      const original = sql(db, 'SELECT payload FROM events WHERE channel_id = ? AND event_id = ?').pluck().get(event.channelId, p.messageId) as string | undefined;
      for (const text of original ? textsOfPayload(original) : []) collectTerms(forget, text);
      sql(db, `${scrub} WHERE channel_id = ? AND event_id = ? AND type = 'message.create'`).run(event.channelId, p.messageId);
      if (before.edited_at !== null) {
        // Edits are looked up only for a message that was edited (rare): a scan of this channel's log.
        const editsOf = `WHERE channel_id = ? AND type = 'message.edit' AND json_extract(payload, '$.messageId') = ?`;
        for (const payload of sql(db, `SELECT payload FROM events ${editsOf}`).pluck().all(event.channelId, p.messageId)) {
          for (const text of textsOfPayload(payload as string)) collectTerms(forget, text);
        }
        sql(db, `${scrub} ${editsOf}`).run(event.channelId, p.messageId);
      }
      return null;
    }
    case 'message.ack':
      sql(db, 'INSERT OR IGNORE INTO message_acks VALUES (?, ?, ?, ?)').run(event.channelId, p.messageId, event.senderUserId, event.createdAt);
      return null;
    case 'read.receipt':
      // Kept always (the organisation may switch receipts on later); shown only while it allows them.
      sql(
        db,
        `INSERT INTO read_receipts VALUES (?, ?, ?, ?) ON CONFLICT (channel_id, user_id) DO UPDATE
         SET up_to_seq = max(up_to_seq, excluded.up_to_seq), read_at = CASE WHEN excluded.up_to_seq > up_to_seq THEN excluded.read_at ELSE read_at END`,
      ).run(event.channelId, event.senderUserId, p.upToSeq, event.createdAt);
      return null;
    case 'channel.update':
      // Roster admins decide membership; the name and settings may be set by any member whose
      // update reaches the log (last writer by seq), as in a shared ward channel.
      sql(
        db,
        `INSERT INTO channels (channel_id, kind, name, topic, history_for_new_members, retention_days, created_at) VALUES (?, 'channel', ?, ?, ?, ?, ?)
         ON CONFLICT (channel_id) DO UPDATE SET name = excluded.name, topic = excluded.topic, history_for_new_members = excluded.history_for_new_members, retention_days = excluded.retention_days`,
      ).run(event.channelId, p.name, p.topic, p.historyForNewMembers ? 1 : 0, p.retentionDays, event.createdAt);
      return null;
    case 'channel.announce':
    case 'channel.unannounce':
    case 'channel.join_request':
      return applyDiscoveryEvent(db, { ...event, payload: p });
    case 'poll.create':
    case 'poll.vote':
    case 'poll.close':
      return applyPoll(db, event);
    case 'file.share':
      sql(db, 
        `INSERT OR IGNORE INTO files (channel_id, file_id, name, mime_type, size, blob_id, blob_parts, key_b64, hash_b64, thumbnail_blob_id, caption, uploader_user_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(event.channelId, event.eventId, p.name, p.mimeType, p.size, p.blobId, p.parts ? JSON.stringify(p.parts) : null, p.keyB64, p.hashB64, p.thumbnailBlobId, p.caption, event.senderUserId, event.createdAt);
      return null;
    case 'calendar.put':
    case 'calendar.cancel':
    case 'calendar.rsvp':
    case 'calendar.occurrence.put':
    case 'calendar.occurrence.cancel':
      return applyCalendar(db, { ...event, payload: p });
  }
}

function* searchableTexts(events: readonly ChannelEvent[]): Iterable<string> {
  for (const { payload: p } of events) {
    if (p.type === 'message.create' || p.type === 'message.edit') yield p.body;
    else if (p.type === 'file.share') yield p.name;
  }
}

const PENDING_BASE = 2 ** 50;

/** Local sends not yet sequenced sort after everything the relay has ordered. */
export function nextPendingSortKey(db: Db, channelId: string): number {
  const row = sql(db, 'SELECT max(sort_key) AS k FROM messages WHERE channel_id = ? AND sort_key >= ?').get(channelId, PENDING_BASE) as { k: number | null };
  return (row.k ?? PENDING_BASE) + 1;
}

function replaceMentions(db: Db, channelId: string, messageId: string, sortKey: number, mentions: readonly string[]): void {
  sql(db, 'DELETE FROM message_mentions WHERE channel_id = ? AND message_id = ?').run(channelId, messageId);
  const insert = sql(db, 'INSERT OR IGNORE INTO message_mentions VALUES (?, ?, ?, ?)');
  for (const userId of mentions) insert.run(userId, channelId, sortKey, messageId);
}

function applyPoll(db: Db, event: ChannelEvent): string | null {
  const p = event.payload;
  const pollId = p.type === 'poll.create' ? event.eventId : (p as { pollId: string }).pollId;
  const polls = new Map<string, PollState>();
  const row = sql(db, 'SELECT * FROM polls WHERE channel_id = ? AND poll_id = ?').get(event.channelId, pollId) as
    | { definition: string; creator_user_id: string; created_seq: number | null; closed_seq: number | null }
    | undefined;
  if (row) {
    const votes = sql(db, 'SELECT user_id, option_ids, seq FROM poll_votes WHERE channel_id = ? AND poll_id = ?').all(event.channelId, pollId) as Array<{ user_id: string; option_ids: string; seq: number }>;
    polls.set(pollId, {
      definition: JSON.parse(row.definition) as PollState['definition'],
      creatorUserId: row.creator_user_id,
      createdSeq: row.created_seq ?? 0,
      closedSeq: row.closed_seq,
      votes: new Map(votes.map((v) => [v.user_id, { optionIds: JSON.parse(v.option_ids) as string[], seq: v.seq }])),
    });
  }
  const envelope = {
    seq: event.seq ?? 0,
    // The relay's clock decides deadlines; only events from before relays stamped them fall back
    // to the sender's signed time.
    relayTime: event.relayAt ?? event.createdAt,
    senderUserId: event.senderUserId,
    payload:
      p.type === 'poll.create'
        ? { type: 'poll.create' as const, poll: { pollId, question: p.question, options: p.options, multipleChoice: p.multipleChoice, deadline: p.deadline, hideVoters: p.hideVoters } }
        : p.type === 'poll.vote'
          ? { type: 'poll.vote' as const, pollId, optionIds: p.optionIds }
          : { type: 'poll.close' as const, pollId },
  };
  const verdict = applyPollEvent(polls, envelope);
  if (!verdict.accepted) return verdict.reason;
  const state = polls.get(pollId)!;
  if (p.type === 'poll.create') {
    sql(db, 'INSERT INTO polls (channel_id, poll_id, creator_user_id, definition, created_seq, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      event.channelId,
      pollId,
      event.senderUserId,
      JSON.stringify(state.definition),
      event.seq,
      event.createdAt,
    );
  } else if (p.type === 'poll.close') {
    sql(db, 'UPDATE polls SET closed_seq = ? WHERE channel_id = ? AND poll_id = ?').run(event.seq ?? 0, event.channelId, pollId);
  } else {
    const vote = state.votes.get(event.senderUserId);
    if (vote) sql(db, 'INSERT OR REPLACE INTO poll_votes VALUES (?, ?, ?, ?, ?)').run(event.channelId, pollId, event.senderUserId, JSON.stringify(vote.optionIds), event.seq);
    else sql(db, 'DELETE FROM poll_votes WHERE channel_id = ? AND poll_id = ? AND user_id = ?').run(event.channelId, pollId, event.senderUserId);
  }
  return null;
}
