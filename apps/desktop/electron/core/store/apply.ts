// Materialises decrypted channel events into channel settings, and hands a registered feature's
// events (messages, polls, files, calendar, pins, reactions, roles) to its folder (content-features.ts).
// `applyEvents` runs inside the caller's transaction (together with the cursor), is idempotent
// by event id (an event seen before changes nothing), and applies the same rules on every
// client, so every workstation ends with the same state from the same log.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { isStoreEvent } from './authorise.ts';
import { authoriseEvent } from './authorise-facts.ts';
import {
  contentFeatureOf,
  keepsRefusedPayload,
  orderedFeatureFor,
  replayedFeatureFor,
  typesWaitingForMessage,
  type ReplayedFeature,
} from './content-features.ts';
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
  /** Entries of a replayed feature (calendar) to recompute after this batch, with the batch's events of each. */
  const replays = new Map<
    string,
    { replayed: ReplayedFeature; channelId: string; entry: string; events: ChannelEvent[] }
  >();
  const decide = (event: ChannelEvent, eventPk: number | bigint): void => {
    // A calendar event opened after later ones of its entry: the entry is recomputed from its log
    // in seq order, so its creator and every verdict are an in-order device's
    // (features/calendar/repository.ts). Once per entry and batch (history opened newest first
    // would otherwise recompute it per event); the batch's later events of that entry wait for it too.
    const replayedBy = replayedFeatureFor(event.payload.type);
    if (replayedBy) {
      const { name, replayed } = replayedBy;
      const entry = replayed.entryOf(event);
      const key = `${name}\u0000${event.channelId}\u0000${entry}`;
      const replay =
        replays.get(key) ??
        (replayed.replays(db, event) ? { replayed, channelId: event.channelId, entry, events: [] } : null);
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
      // the accepted one (its feature's `replayed`); so does an ordered feature's (a pin), which it
      // recomputes from the log when an own event gets its place (content-features.ts).
      if (
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
  for (const { replayed, channelId, entry, events: late } of replays.values()) {
    const verdicts = replayed.replay(db, channelId, entry);
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
  // Materialised by their feature folder (messages, polls, files, calendar, pins:
  // store/content-features.ts, features/store-features.ts).
  if (!isStoreEvent(p)) return contentFeatureOf(p.type).apply(db, event, forget);
  switch (p.type) {
    case 'channel.update':
      return applySettings(db, { ...event, payload: p });
    case 'channel.announce':
    case 'channel.unannounce':
    case 'channel.join_request':
      return applyDiscoveryEvent(db, { ...event, payload: p });
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
