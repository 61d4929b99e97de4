// size: the generic dispatch plus the message and calendar reducers that have not yet moved to their feature folders (issue 16 item 2); they are the next to go.
// Materialises decrypted channel events into messages, channel settings and calendar entries, and
// hands a registered feature's events (polls, files, pins, reactions, roles) to its folder (content-features.ts).
// `applyEvents` runs inside the caller's transaction (together with the cursor), is idempotent
// by event id (an event seen before changes nothing), and applies the same rules on every
// client, so every workstation ends with the same state from the same log.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { isStoreEvent } from './authorise.ts';
import { authoriseEvent } from './authorise-facts.ts';
import { applyCalendar } from './calendar-apply.ts';
import {
  contentFeatureOf,
  keepsRefusedPayload,
  orderedFeatureFor,
  typesWaitingForMessage,
} from './content-features.ts';
import { isCalendarEvent, openedLate, replayable, replayCalendarEntry } from './calendar-replay.ts';
import type { Db } from './database.ts';
import { applyDiscoveryEvent } from './discovery-apply.ts';
import { collectTerms, forgetTerms, indexTerms, textsOfPayload } from './search-terms.ts';
import { sql } from './statements.ts';

export interface ApplyResult {
  applied: number;
  duplicates: number;
  /**
   * Events kept in the log (by id, without their content) whose effect was refused, with reasons:
   * by the rule table (authorise.ts: not_channel_admin, not_author...) or by a reducer (late vote...).
   */
  refused: Array<{ eventId: string; reason: string }>;
}

export function applyEvents(db: Db, events: readonly ChannelEvent[]): ApplyResult {
  const result: ApplyResult = { applied: 0, duplicates: 0, refused: [] };
  /** Words of texts deleted by this batch; dropped from the vocabulary after it is indexed. */
  const forget = new Set<string>();
  const logEvent = sql(
    db,
    `INSERT OR IGNORE INTO events (channel_id, event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, written_at_relay, epoch, type, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ensureChannel = sql(
    db,
    `INSERT OR IGNORE INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', ?)`,
  );
  for (const channelId of new Set(events.map((e) => e.channelId))) ensureChannel.run(channelId, events[0]!.createdAt);
  const accepted: ChannelEvent[] = [];
  const waiting = new WaitingForTarget(db);
  /** Calendar entries to recompute after this batch, with the batch's events of each. */
  const replays = new Map<string, { channelId: string; uid: string; events: ChannelEvent[] }>();
  const decide = (event: ChannelEvent, eventPk: number | bigint): void => {
    // A calendar event opened after later ones of its entry: the entry is recomputed from its log
    // in seq order, so its creator and every verdict are an in-order device's (calendar-replay.ts).
    // Once per entry and batch (history opened newest first would otherwise recompute it per event);
    // the batch's later events of that entry wait for it too.
    if (isCalendarEvent(event)) {
      const key = `${event.channelId}\u0000${event.payload.uid}`;
      const replay =
        replays.get(key) ??
        (openedLate(db, event) && replayable(db, event.channelId, event.payload.uid)
          ? { channelId: event.channelId, uid: event.payload.uid, events: [] }
          : null);
      if (replay) {
        replay.events.push(event);
        replays.set(key, replay);
        return;
      }
    }
    // A feature's event (a pin) opened after a later one of the same thing: the feature recomputes
    // it from its log in seq order, rule table included, so the verdict is an in-order device's.
    const feature = orderedFeatureFor(event.payload.type);
    if (feature?.openedLate(db, event)) {
      const reason = feature.recompute(db, event).get(event.eventId) ?? null;
      if (reason === 'unknown_target' && waitsForTarget(event.payload.type)) return;
      if (reason) result.refused.push({ eventId: event.eventId, reason });
      else accepted.push(event);
      return;
    }
    // The rule table first (authorise.ts): a member's validly sealed event that asks for more than
    // its sender may do changes nothing on any client.
    const denied = authoriseEvent(db, event);
    // An edit, delete or close opened before its target (the target's key came later) waits in
    // the log with its content and is decided when the target arrives, as on a device that opened
    // them in order.
    if (denied === 'unknown_target' && waitsForTarget(event.payload.type)) return;
    const refusal = denied ?? materialise(db, event, forget);
    if (refusal) {
      // Kept for idempotency (the event id). Refused by the rule table: without its content, so a
      // refused rename stays nowhere in the store. Refused by a reducer (a late vote, a stale
      // change): kept as the record of what was refused, but never with a message text. A refused
      // calendar event keeps its payload: an earlier event of its entry opened later may make it
      // the accepted one (calendar-replay.ts); so does a registered feature's (a pin), which it
      // recomputes from the log when an own event gets its place (content-features.ts).
      if (
        !isCalendarEvent(event) &&
        !keepsRefusedPayload(event.payload.type) &&
        (denied || textsOfPayload(JSON.stringify(event.payload)).length > 0)
      )
        scrubLogged(db, eventPk, forget);
      result.refused.push({ eventId: event.eventId, reason: refusal });
      return;
    }
    accepted.push(event);
    for (const late of waiting.for(event)) decide(late.event, late.eventPk);
  };
  for (const event of events) {
    const inserted = logEvent.run(
      event.channelId,
      event.eventId,
      event.seq,
      event.senderUserId,
      event.senderDeviceId,
      event.createdAt,
      event.relayAt ?? null,
      event.writtenAtRelay ?? null,
      event.epoch ?? null,
      event.payload.type,
      JSON.stringify(event.payload),
    );
    if (inserted.changes === 0) {
      result.duplicates++;
      continue;
    }
    decide(event, inserted.lastInsertRowid);
    result.applied++;
  }
  for (const { channelId, uid, events: late } of replays.values()) {
    const verdicts = replayCalendarEntry(db, channelId, uid);
    for (const event of late) {
      const reason = verdicts.get(event.eventId) ?? null;
      if (reason) result.refused.push({ eventId: event.eventId, reason });
      else accepted.push(event);
    }
  }
  indexTerms(db, searchableTexts(accepted));
  forgetTerms(db, forget);
  return result;
}

/** Events that change a message or poll: when opened before it, they wait for it (WaitingForTarget). */
const WAITS_FOR_TARGET = new Set(['message.edit', 'message.delete', 'poll.close']);
/** Those, and a registered feature's events that name a message (a pin). */
const waitsForTarget = (type: string) => WAITS_FOR_TARGET.has(type) || typesWaitingForMessage().includes(type);

/**
 * The events waiting in the log for a message or poll that has just arrived. Only a target applied
 * late can have any: one at or below the channel's cursor (an envelope opened after later ones);
 * own events not yet sequenced never wait (their target is here). The channel's log is read once
 * per batch for the waiting ids; an event refused by the rule table keeps no target id there, so
 * only waiting ones (and accepted ones, whose target exists) match.
 */
class WaitingForTarget {
  readonly #db: Db;
  readonly #ids = new Map<string, Set<string>>();
  constructor(db: Db) {
    this.#db = db;
  }

  for(target: ChannelEvent): Array<{ event: ChannelEvent; eventPk: number }> {
    const p = target.payload;
    if ((p.type !== 'message.create' && p.type !== 'poll.create') || target.seq === null) return [];
    const cursor = sql(this.#db, 'SELECT seq FROM sync_cursors WHERE channel_id = ?').pluck().get(target.channelId) as
      number | undefined;
    if (cursor === undefined || target.seq > cursor) return [];
    const field = p.type === 'message.create' ? '$.messageId' : '$.pollId';
    // Besides edits and deletes, the registered features' events that name a message (a pin).
    const forMessages = ['message.edit', 'message.delete', ...typesWaitingForMessage()];
    const marks = (types: readonly string[]) => types.map(() => '?').join(', ');
    let ids = this.#ids.get(target.channelId);
    if (!ids) {
      const waiting = [...forMessages, 'poll.close'];
      ids = new Set(
        sql(
          this.#db,
          `SELECT coalesce(json_extract(payload, '$.messageId'), json_extract(payload, '$.pollId')) FROM events WHERE channel_id = ? AND type IN (${marks(waiting)}) AND seq IS NOT NULL`,
        )
          .pluck()
          .all(target.channelId, ...waiting) as string[],
      );
      this.#ids.set(target.channelId, ids);
    }
    if (!ids.has(target.eventId)) return [];
    const types = p.type === 'message.create' ? forMessages : ['poll.close'];
    const rows = sql(
      this.#db,
      `SELECT event_pk, event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, payload FROM events
       WHERE channel_id = ? AND type IN (${marks(types)}) AND json_extract(payload, '${field}') = ? AND seq IS NOT NULL ORDER BY seq`,
    ).all(target.channelId, ...types, target.eventId) as Array<{
      event_pk: number;
      event_id: string;
      seq: number | null;
      sender_user_id: string;
      sender_device_id: string;
      created_at: number;
      relay_at: number | null;
      payload: string;
    }>;
    return rows.map((r) => ({
      eventPk: r.event_pk,
      event: {
        eventId: r.event_id,
        channelId: target.channelId,
        seq: r.seq,
        senderUserId: r.sender_user_id,
        senderDeviceId: r.sender_device_id,
        createdAt: r.created_at,
        relayAt: r.relay_at,
        payload: JSON.parse(r.payload) as ChannelEvent['payload'],
      },
    }));
  }
}

function scrubLogged(db: Db, eventPk: number | bigint, forget: Set<string>): void {
  const payload = sql(db, 'SELECT payload FROM events WHERE event_pk = ?').pluck().get(eventPk) as string | undefined;
  for (const text of payload ? textsOfPayload(payload) : []) collectTerms(forget, text);
  sql(db, `UPDATE events SET payload = json_object('type', type) WHERE event_pk = ?`).run(eventPk);
  // A refused own event: the sender's plaintext copy goes too (its sealed bytes stay for a resend).
  sql(
    db,
    `UPDATE sent_log SET payload = json_object('type', json_extract(payload, '$.type')) WHERE client_event_id = (SELECT event_id FROM events WHERE event_pk = ?)`,
  ).run(eventPk);
}

/** Returns a reason when the event's effect is refused, null when applied. */
function materialise(db: Db, event: ChannelEvent, forget: Set<string>): string | null {
  const p = event.payload;
  // Materialised by their feature folder (polls, files, pins: store/content-features.ts, features/registry.ts).
  if (!isStoreEvent(p)) return contentFeatureOf(p.type).apply(db, event);
  const sortKey = event.seq ?? nextPendingSortKey(db, event.channelId);
  switch (p.type) {
    case 'message.create': {
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
    case 'message.edit': {
      // The edit replaces the text everywhere: the earlier text stays in no row of this store (the
      // message, the logged create and earlier edits, the search index and its vocabulary).
      const before = sql(
        db,
        'SELECT body, edited_at, urgent FROM messages WHERE channel_id = ? AND message_id = ?',
      ).get(event.channelId, p.messageId) as { body: string; edited_at: number | null; urgent: number } | undefined;
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
      // puts that text back (own-refused.ts). Ordered, it is applied again and scrubs it then.
      if (event.seq !== null || before?.urgent !== 1)
        scrubLoggedTexts(db, event.channelId, p.messageId, before?.edited_at != null, forget, event.eventId);
      return null;
    }
    case 'message.delete': {
      // Delete for everyone: a tombstone stays (who and when), the text is gone: from the message,
      // from search, and from the decrypted log (the original event and its edits).
      const before = sql(
        db,
        'SELECT body, edited_at FROM messages WHERE channel_id = ? AND message_id = ? AND sender_user_id = ? AND deleted_at IS NULL',
      ).get(event.channelId, p.messageId, event.senderUserId) as { body: string; edited_at: number | null } | undefined;
      if (!before) return 'delete of an unknown, deleted or foreign message';
      sql(
        db,
        `UPDATE messages SET body = '', mentions = '[]', deleted_at = ? WHERE channel_id = ? AND message_id = ?`,
      ).run(event.createdAt, event.channelId, p.messageId);
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
    case 'message.ack':
      sql(db, 'INSERT OR IGNORE INTO message_acks VALUES (?, ?, ?, ?)').run(
        event.channelId,
        p.messageId,
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
      ).run(event.channelId, event.senderUserId, p.upToSeq, event.createdAt);
      return null;
    case 'channel.update':
      return applySettings(db, { ...event, payload: p });
    case 'channel.announce':
    case 'channel.unannounce':
    case 'channel.join_request':
      return applyDiscoveryEvent(db, { ...event, payload: p });
    case 'calendar.put':
    case 'calendar.cancel':
    case 'calendar.rsvp':
    case 'calendar.occurrence.put':
    case 'calendar.occurrence.cancel':
      return applyCalendar(db, { ...event, payload: p });
  }
}

/** A channel.update (its sender authorised already): the newest by seq is in force. */
export function applySettings(
  db: Db,
  event: ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: 'channel.update' }> },
): string | null {
  const p = event.payload;
  // Only a channel admin gets here (authorise.ts). The newest by relay seq is in force, so an
  // older update opened late never undoes a newer one. A changed retention applies to what
  // arrives after this update only (retention_since_seq, retention.ts): lowering it never
  // deletes what members already have. An own update not yet sequenced takes effect now and
  // gets its seq when the relay acknowledges it (applied again then).
  const since =
    event.seq ??
    (sql(db, 'SELECT coalesce(max(seq), 0) FROM events WHERE channel_id = ?').pluck().get(event.channelId) as number);
  const changed = sql(
    db,
    `UPDATE channels SET name = ?, topic = ?, history_for_new_members = ?,
       retention_since_seq = CASE WHEN retention_days IS ? THEN retention_since_seq ELSE ? END,
       retention_days = ?, settings_seq = coalesce(?, settings_seq)
     WHERE channel_id = ? AND (? IS NULL OR settings_seq < ?)`,
  ).run(
    p.name,
    p.topic,
    p.historyForNewMembers ? 1 : 0,
    p.retentionDays,
    since,
    p.retentionDays,
    event.seq,
    event.channelId,
    event.seq,
    event.seq,
  );
  return changed.changes === 0 ? 'stale' : null;
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

function* searchableTexts(events: readonly ChannelEvent[]): Iterable<string> {
  for (const { payload: p } of events) {
    if (p.type === 'message.create' || p.type === 'message.edit') yield p.body;
    else if (p.type === 'file.share') yield p.name;
    else if (p.type === 'poll.create') yield p.question;
    else if (p.type === 'calendar.put') yield p.title;
  }
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
