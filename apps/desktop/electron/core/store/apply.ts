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
  searchTextsOf,
  targetOf,
  everyWaiting,
  waitingFor,
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

/** Events kept in the log whose row key is known (the event's row in `events`). */
type Logged = { event: ChannelEvent; eventPk: number | bigint };

export function applyEvents(db: Db, events: readonly ChannelEvent[]): ApplyResult {
  const batch = new BatchApply(db);
  for (const channelId of new Set(events.map((e) => e.channelId)))
    sql(db, `INSERT OR IGNORE INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', ?)`).run(
      channelId,
      events[0]!.createdAt,
    );
  for (const event of events) batch.add(event);
  return batch.finish();
}

/** One applyEvents batch: its result, the words it took out, and what waits for the batch's end. */
class BatchApply {
  readonly #db: Db;
  readonly result: ApplyResult = { applied: 0, duplicates: 0, refused: [] };
  /** Words of texts deleted by this batch; dropped from the vocabulary after it is indexed. */
  readonly #forget = new Set<string>();
  readonly #accepted: ChannelEvent[] = [];
  readonly #waiting: WaitingForTarget;
  /** Entries of a replayed feature (calendar) to recompute after this batch, with the batch's events of each. */
  readonly #replays = new Map<
    string,
    { replayed: ReplayedFeature; channelId: string; entry: string; events: ChannelEvent[] }
  >();

  constructor(db: Db) {
    this.#db = db;
    this.#waiting = new WaitingForTarget(db);
  }

  /** Logs the event (idempotent by its id) and decides it unless it was seen before. */
  add(event: ChannelEvent): void {
    const inserted = sql(
      this.#db,
      `INSERT OR IGNORE INTO events (channel_id, event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, written_at_relay, epoch, type, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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
      this.result.duplicates++;
      return;
    }
    this.#decide({ event, eventPk: inserted.lastInsertRowid });
    this.result.applied++;
  }

  /** The replayed entries' verdicts, then the batch's texts into the search vocabulary. */
  finish(): ApplyResult {
    for (const { replayed, channelId, entry, events: late } of this.#replays.values()) {
      const verdicts = replayed.replay(this.#db, channelId, entry);
      for (const event of late) this.#verdict(event, verdicts.get(event.eventId) ?? null);
    }
    indexTerms(this.#db, searchableTexts(this.#accepted));
    forgetTerms(this.#db, this.#forget);
    return this.result;
  }

  #verdict(event: ChannelEvent, reason: string | null): void {
    if (reason) this.result.refused.push({ eventId: event.eventId, reason });
    else this.#accepted.push(event);
  }

  #decide({ event, eventPk }: Logged): void {
    if (this.#replayLater(event) || this.#decideInOrder(event)) return;
    // The rule table first (authorise.ts): a member's validly sealed event that asks for more than
    // its sender may do changes nothing on any client.
    const denied = authoriseEvent(this.#db, event);
    // An edit, delete or close opened before its target (the target's key came later) waits in
    // the log with its content and is decided when the target arrives, as on a device that opened
    // them in order.
    if (denied === 'unknown_target' && waitsForTarget(event.payload.type)) return;
    const refusal = denied ?? materialise(this.#db, event, this.#forget);
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
        scrubLogged(this.#db, eventPk, this.#forget);
      this.#verdict(event, refusal);
      return;
    }
    this.#accepted.push(event);
    for (const late of this.#waiting.for(event)) this.#decide(late);
  }

  /**
   * A calendar event opened after later ones of its entry: the entry is recomputed from its log
   * in seq order, so its creator and every verdict are an in-order device's
   * (features/calendar/repository.ts). Once per entry and batch (history opened newest first
   * would otherwise recompute it per event); the batch's later events of that entry wait for it too.
   */
  #replayLater(event: ChannelEvent): boolean {
    const replayedBy = replayedFeatureFor(event.payload.type);
    if (!replayedBy) return false;
    const { name, replayed } = replayedBy;
    const entry = replayed.entryOf(event);
    const key = `${name}\u0000${event.channelId}\u0000${entry}`;
    const replay =
      this.#replays.get(key) ??
      (replayed.replays(this.#db, event) ? { replayed, channelId: event.channelId, entry, events: [] } : null);
    if (!replay) return false;
    replay.events.push(event);
    this.#replays.set(key, replay);
    return true;
  }

  /**
   * A feature's event (a pin) opened after a later one of the same thing: the feature recomputes
   * it from its log in seq order, rule table included, so the verdict is an in-order device's.
   */
  #decideInOrder(event: ChannelEvent): boolean {
    const feature = orderedFeatureFor(event.payload.type);
    if (!feature?.openedLate(this.#db, event)) return false;
    const reason = feature.recompute(this.#db, event).get(event.eventId) ?? null;
    if (reason !== 'unknown_target' || !waitsForTarget(event.payload.type)) this.#verdict(event, reason);
    return true;
  }
}

/** Events that change a thing another event creates (a message, a poll): when opened before it, they wait for it. */
const waitsForTarget = (type: string) => targetOf(type) !== undefined;

/**
 * The events waiting in the log for a target (a message, a poll) that has just arrived: the
 * registered types whose declaration `waitsFor` the target's type. Only a target applied late can
 * have any: one at or below the channel's cursor (an envelope opened after later ones); own events
 * not yet sequenced never wait (their target is here). The channel's log is read once per batch
 * for the waiting ids; an event refused by the rule table keeps no target id there, so only
 * waiting ones (and accepted ones, whose target exists) match.
 */
class WaitingForTarget {
  readonly #db: Db;
  readonly #ids = new Map<string, Set<string>>();
  constructor(db: Db) {
    this.#db = db;
  }

  for(target: ChannelEvent): Logged[] {
    const waiting = waitingFor(target.payload.type);
    if (waiting.length === 0 || target.seq === null) return [];
    const cursor = sql(this.#db, 'SELECT seq FROM sync_cursors WHERE channel_id = ?').pluck().get(target.channelId) as
      number | undefined;
    if (cursor === undefined || target.seq > cursor || !this.#idsWaiting(target.channelId).has(target.eventId))
      return [];
    const rows = byField(waiting).flatMap(
      ([field, types]) =>
        sql(
          this.#db,
          `SELECT event_pk, event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, payload FROM events
         WHERE channel_id = ? AND type IN (${marks(types)}) AND json_extract(payload, '${jsonPath(field)}') = ? AND seq IS NOT NULL`,
        ).all(target.channelId, ...types, target.eventId) as LoggedRow[],
    );
    return rows.sort((a, b) => a.seq - b.seq).map((r) => loggedEvent(target.channelId, r));
  }

  /** The ids the channel's logged events that can wait name (whatever their target). */
  #idsWaiting(channelId: string): Set<string> {
    let ids = this.#ids.get(channelId);
    if (!ids) {
      ids = new Set();
      for (const [field, types] of byField(everyWaiting()))
        for (const id of sql(
          this.#db,
          `SELECT json_extract(payload, '${jsonPath(field)}') FROM events WHERE channel_id = ? AND type IN (${marks(types)}) AND seq IS NOT NULL`,
        )
          .pluck()
          .all(channelId, ...types) as string[])
          ids.add(id);
      this.#ids.set(channelId, ids);
    }
    return ids;
  }
}

const marks = (types: readonly string[]) => types.map(() => '?').join(', ');

/** A declared payload field as a JSON path written into the SQL (so an expression index could serve it). */
function jsonPath(field: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(field)) throw new Error(`waitsFor field ${field} is not a plain payload field`);
  return `$.${field}`;
}

/** The waiting types grouped by the payload field that names their target. */
function byField(waiting: ReadonlyArray<{ type: string; field: string }>): Array<[string, string[]]> {
  const fields = new Map<string, string[]>();
  for (const { type, field } of waiting) fields.set(field, [...(fields.get(field) ?? []), type]);
  return [...fields];
}

interface LoggedRow {
  event_pk: number;
  event_id: string;
  seq: number;
  sender_user_id: string;
  sender_device_id: string;
  created_at: number;
  relay_at: number | null;
  payload: string;
}

const loggedEvent = (channelId: string, r: LoggedRow): Logged => ({
  eventPk: r.event_pk,
  event: {
    eventId: r.event_id,
    channelId,
    seq: r.seq,
    senderUserId: r.sender_user_id,
    senderDeviceId: r.sender_device_id,
    createdAt: r.created_at,
    relayAt: r.relay_at,
    payload: JSON.parse(r.payload) as ChannelEvent['payload'],
  },
});

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

/** The texts of accepted events that search finds (their declaration's `searchText`). */
function* searchableTexts(events: readonly ChannelEvent[]): Iterable<string> {
  for (const { payload } of events) yield* searchTextsOf(payload);
}
