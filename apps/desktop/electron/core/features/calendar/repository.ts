// size: the calendar's SQL in one file, as lint wants it (a feature's repository.ts): how its events
// change its tables, the recompute of an entry opened out of order, and what its views read.
// Materialises calendar events (entries, cancellations, RSVPs, single occurrences) through the
// reducer in calendar/calendar-events.ts, inside applyEvents' transaction through the store's port
// (store/content-features.ts). Loads the one entry (or the one entry's overrides) the event names,
// lets the reducer decide, and writes back only what changed. Overrides are stored whether or not
// their series is here yet: calendar_overrides has no foreign key to calendar_events, and the views
// read them only with their series.
//
// An entry's state is the same on every device whatever order the envelopes were opened in: its
// creator is the author of its first put in the log (lowest relay seq), and the rule table
// (store/authorise.ts) judges every later change against that creator. Applied one by one, an
// event opened after later ones of the same entry (its key came late, a new member reading
// history) would be judged against the wrong creator or a missing entry, and could not undo what
// those later ones did. So such an event makes the entry be recomputed from its log in seq order,
// as a device that opened everything in order has it; an event opened in order is simply applied.
//
// Why recompute rather than hold back events while lower seqs are still pending: a device does not
// know every lower envelope it will ever open (pending keys may never come, history and gaps are
// fetched later), so holding back would wait without end or guess. Recomputing needs only the
// log this store already has: for it, refused calendar events keep their payload (store/apply.ts;
// a calendar payload holds no message text and reaches no search index).
import {
  calendarCancel,
  calendarOccurrenceCancel,
  calendarOccurrencePut,
  calendarPut,
  calendarRsvp,
  type ChannelEvent,
} from '@klinikfunk/protocol/domain/events.ts';
import type { CalendarEvent, OccurrenceOverride } from '../../calendar/model.ts';
import {
  applyCalendarEvent,
  applyOccurrenceEvent,
  type CalendarEntry,
  type OccurrenceSlots,
  type SeriesPayload,
} from '../../calendar/calendar-events.ts';
import { occurrences, type Occurrence } from '../../calendar/recurrence.ts';
import { authoriseEvent } from '../../store/authorise-facts.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { loggedEventsInOrder } from '../../store/logged-events.ts';
import { sql } from '../../store/statements.ts';

type CalendarEventType =
  'calendar.put' | 'calendar.cancel' | 'calendar.rsvp' | 'calendar.occurrence.put' | 'calendar.occurrence.cancel';
type CalendarChannelEvent = ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: CalendarEventType }> };

function loadEntry(db: Db, channelId: string, uid: string): CalendarEntry | null {
  const row = sql(db, 'SELECT * FROM calendar_events WHERE channel_id = ? AND uid = ?').get(channelId, uid) as
    { data: string; last_seq: number | null; created_by: string } | undefined;
  if (!row) return null;
  const rsvps = sql(db, 'SELECT user_id, rsvp, seq FROM calendar_rsvps WHERE channel_id = ? AND uid = ?').all(
    channelId,
    uid,
  ) as Array<{ user_id: string; rsvp: string; seq: number }>;
  return {
    event: JSON.parse(row.data) as CalendarEntry['event'],
    lastSeq: row.last_seq ?? 0,
    createdBy: row.created_by,
    rsvps: new Map(rsvps.map((r) => [r.user_id, { rsvp: r.rsvp as 'yes', seq: r.seq }])),
  };
}

function loadOverrides(db: Db, channelId: string, uid: string): OccurrenceSlots {
  const rows = sql(db, 'SELECT recurrence_id, data, seq FROM calendar_overrides WHERE channel_id = ? AND uid = ?').all(
    channelId,
    uid,
  ) as Array<{
    recurrence_id: number;
    data: string;
    seq: number | null;
  }>;
  return new Map(
    rows.map((o) => [o.recurrence_id, { override: JSON.parse(o.data) as OccurrenceOverride, seq: o.seq ?? 0 }]),
  );
}

type OccurrenceChannelPayload = Extract<
  CalendarChannelEvent['payload'],
  { type: 'calendar.occurrence.put' | 'calendar.occurrence.cancel' }
>;

function applyOccurrence(
  db: Db,
  channelId: string,
  seq: number,
  senderUserId: string,
  p: OccurrenceChannelPayload,
): string | null {
  const slots = loadOverrides(db, channelId, p.uid);
  const verdict = applyOccurrenceEvent(slots, seq, p);
  if (!verdict.accepted) return verdict.reason;
  const changed = slots.get(p.recurrenceId)!;
  // The sender is kept for an override that came before its series (store/authorise.ts let it through
  // with nobody to compare against): dropOverridesNotBy checks it once the series is here.
  sql(
    db,
    'INSERT OR REPLACE INTO calendar_overrides (channel_id, uid, recurrence_id, data, seq, sender_user_id) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(channelId, p.uid, p.recurrenceId, JSON.stringify(changed.override), changed.seq, senderUserId);
  if (verdict.evicted !== null)
    sql(db, 'DELETE FROM calendar_overrides WHERE channel_id = ? AND uid = ? AND recurrence_id = ?').run(
      channelId,
      p.uid,
      verdict.evicted,
    );
  return null;
}

function toPayload(p: Exclude<CalendarChannelEvent['payload'], OccurrenceChannelPayload>): SeriesPayload {
  switch (p.type) {
    case 'calendar.put':
      return {
        type: 'calendar.put',
        event: {
          uid: p.uid,
          title: p.title,
          start: p.start,
          end: p.end,
          allDay: p.allDay,
          timeZone: p.timeZone,
          ...(p.location !== undefined ? { location: p.location } : {}),
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(p.meetingUrl !== undefined ? { meetingUrl: p.meetingUrl } : {}),
          ...(p.rrule !== undefined ? { rrule: p.rrule } : {}),
          attendees: p.attendees.map((a) => ({ ...a, rsvp: 'pending' as const })),
          cancelled: false,
        },
      };
    case 'calendar.cancel':
      return { type: 'calendar.cancel', uid: p.uid };
    case 'calendar.rsvp':
      return { type: 'calendar.rsvp', uid: p.uid, rsvp: p.rsvp };
  }
}

/** Returns a reason when the event's effect is refused, null when applied. */
function applyCalendar(db: Db, event: CalendarChannelEvent): string | null {
  const p = event.payload;
  if (p.type === 'calendar.occurrence.put' || p.type === 'calendar.occurrence.cancel')
    return applyOccurrence(db, event.channelId, event.seq ?? 0, event.senderUserId, p);
  const entries = new Map<string, CalendarEntry>();
  const loaded = loadEntry(db, event.channelId, p.uid);
  if (loaded) entries.set(p.uid, loaded);
  const verdict = applyCalendarEvent(entries, {
    seq: event.seq ?? 0,
    senderUserId: event.senderUserId,
    payload: toPayload(p),
  });
  // A stale put or cancel is refused but still counts towards the entry's SEQUENCE (the reducer's rule).
  if (!verdict.accepted && (verdict.reason !== 'stale' || p.type === 'calendar.rsvp')) return verdict.reason;
  const entry = entries.get(p.uid)!;
  if (!loaded) dropOverridesNotBy(db, event.channelId, p.uid, entry.createdBy);
  // created_seq: the seq of the put that created the entry, kept across changes (replayCalendarEntry
  // recomputes an entry only while that put is still in the log).
  sql(
    db,
    `INSERT INTO calendar_events (channel_id, uid, data, start, last_seq, created_by, cancelled, created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel_id, uid) DO UPDATE SET data = excluded.data, start = excluded.start, last_seq = excluded.last_seq, created_by = excluded.created_by, cancelled = excluded.cancelled`,
  ).run(
    event.channelId,
    p.uid,
    JSON.stringify(entry.event),
    entry.event.start,
    entry.lastSeq,
    entry.createdBy,
    entry.event.cancelled ? 1 : 0,
    loaded ? null : event.seq,
  );
  if (!verdict.accepted) return verdict.reason;
  const upsertRsvp = sql(db, 'INSERT OR REPLACE INTO calendar_rsvps VALUES (?, ?, ?, ?, ?)');
  for (const [userId, r] of entry.rsvps) upsertRsvp.run(event.channelId, p.uid, userId, r.rsvp, r.seq);
  return null;
}

/**
 * The series just arrived: overrides stored before it, from senders who may not change it (not
 * its creator, not a channel admin: store/authorise.ts), go. Roles are the current roster's here, since
 * the override's epoch is not kept; overrides before their series are rare (a key that arrived late).
 */
function dropOverridesNotBy(db: Db, channelId: string, uid: string, creator: string): void {
  sql(
    db,
    `DELETE FROM calendar_overrides WHERE channel_id = ? AND uid = ? AND sender_user_id IS NOT NULL AND sender_user_id != ?
       AND sender_user_id NOT IN (SELECT user_id FROM channel_members WHERE channel_id = ? AND role = 'admin')`,
  ).run(channelId, uid, creator, channelId);
}

/**
 * Whether the log holds a later event of the same entry (higher seq): this one was opened out of
 * order. The new event is logged already; own events not yet sequenced are never late.
 */
function openedLate(db: Db, event: CalendarChannelEvent): boolean {
  if (event.seq === null) return false;
  return (
    sql(
      db,
      `SELECT 1 FROM events WHERE channel_id = ? AND type LIKE 'calendar.%' AND json_extract(payload, '$.uid') = ? AND seq > ? LIMIT 1`,
    )
      .pluck()
      .get(event.channelId, event.payload.uid, event.seq) !== undefined
  );
}

/**
 * Whether the log still holds every event the entry's current state came from: the put that created
 * it, the last change of the series, each answer and each single occurrence, by seq. Retention
 * removes events from the log (by age) but keeps the calendar, so after it a recompute from what is
 * left would lose the entry's beginning (a later put's author would become its creator); then the
 * late event is decided against the state as it is, as before this rule.
 */
function replayable(db: Db, channelId: string, uid: string): boolean {
  const missing = sql(
    db,
    `SELECT 1 FROM (
       SELECT created_seq AS seq FROM calendar_events WHERE channel_id = @channelId AND uid = @uid
       UNION SELECT last_seq FROM calendar_events WHERE channel_id = @channelId AND uid = @uid
       UNION SELECT seq FROM calendar_rsvps WHERE channel_id = @channelId AND uid = @uid
       UNION SELECT seq FROM calendar_overrides WHERE channel_id = @channelId AND uid = @uid
     ) AS s
     WHERE s.seq > 0 AND NOT EXISTS (SELECT 1 FROM events e WHERE e.channel_id = @channelId AND e.type LIKE 'calendar.%' AND json_extract(e.payload, '$.uid') = @uid AND e.seq = s.seq)
     LIMIT 1`,
  )
    .pluck()
    .get({ channelId, uid });
  return missing === undefined;
}

/**
 * Recomputes one entry (series, answers, single occurrences) from its events in the log, in seq
 * order, then own events not yet sequenced as they were queued. Each is judged by the rule table
 * against the entry as it stands at that point of the log, with the roles of its epoch and relay
 * time (store/authorise-facts.ts), so the verdicts are those of an in-order device. Returns each
 * event's verdict (a reason, or null when applied).
 */
function replayCalendarEntry(db: Db, channelId: string, uid: string): Map<string, string | null> {
  for (const table of ['calendar_events', 'calendar_rsvps', 'calendar_overrides'])
    sql(db, `DELETE FROM ${table} WHERE channel_id = ? AND uid = ?`).run(channelId, uid);
  const verdicts = new Map<string, string | null>();
  for (const event of loggedEventsInOrder(
    db,
    channelId,
    `type LIKE 'calendar.%' AND json_extract(payload, '$.uid') = ?`,
    uid,
  ))
    verdicts.set(event.eventId, authoriseEvent(db, event) ?? applyCalendar(db, event as CalendarChannelEvent));
  return verdicts;
}

export const calendarContent: ContentFeature = {
  name: 'calendar',
  events: {
    'calendar.put': {
      schema: calendarPut,
      rule: { who: 'new_or_author_or_channel_admin' },
      contentType: 'calendar',
      searchText: { field: 'title' },
    },
    'calendar.cancel': { schema: calendarCancel, rule: { who: 'author_or_channel_admin' }, contentType: 'calendar' },
    'calendar.rsvp': { schema: calendarRsvp, rule: { who: 'member' }, contentType: 'calendar' },
    'calendar.occurrence.put': {
      schema: calendarOccurrencePut,
      rule: { who: 'new_or_author_or_channel_admin' },
      contentType: 'calendar',
    },
    'calendar.occurrence.cancel': {
      schema: calendarOccurrenceCancel,
      rule: { who: 'new_or_author_or_channel_admin' },
      contentType: 'calendar',
    },
  },
  apply: (db, event) => applyCalendar(db, event as CalendarChannelEvent),
  author(db, event) {
    const p = (event as CalendarChannelEvent).payload;
    // An answer asks for membership, not authorship; every other event changes the entry its creator made.
    if (p.type === 'calendar.rsvp') return undefined;
    return (
      (sql(db, 'SELECT created_by FROM calendar_events WHERE channel_id = ? AND uid = ?')
        .pluck()
        .get(event.channelId, p.uid) as string | undefined) ?? null
    );
  },
  replayed: {
    entryOf: (event) => (event as CalendarChannelEvent).payload.uid,
    // Once per entry and batch (history opened newest first would otherwise recompute it per event).
    replays: (db, event) =>
      openedLate(db, event as CalendarChannelEvent) &&
      replayable(db, event.channelId, (event as CalendarChannelEvent).payload.uid),
    replay: replayCalendarEntry,
  },
  own: {
    // The entry is recomputed from its log (the refused event is judged there again, refused again).
    // After retention removed part of its log a recompute would lose its beginning: left as it is.
    onOwnRefused(db, event) {
      const uid = (event as CalendarChannelEvent).payload.uid;
      if (!replayable(db, event.channelId, uid)) return false;
      replayCalendarEntry(db, event.channelId, uid);
      return true;
    },
  },
};

/** The calendar's read side: its views, the reminders and the exports read entries here. */
export class CalendarRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }
  /** Who created each calendar entry of a channel (the organizer in exports). */
  creators(channelId: string): Map<string, string> {
    const rows = sql(this.#db, 'SELECT uid, created_by FROM calendar_events WHERE channel_id = ?').all(
      channelId,
    ) as Array<{ uid: string; created_by: string }>;
    return new Map(rows.map((r) => [r.uid, r.created_by]));
  }

  /** Calendar entries of a channel with their RSVPs and single-occurrence overrides (in recurrence order). */
  async entries(channelId: string): Promise<CalendarEvent[]> {
    const rows = sql(this.#db, 'SELECT uid, data FROM calendar_events WHERE channel_id = ?').all(channelId) as Array<{
      uid: string;
      data: string;
    }>;
    const rsvps = sql(this.#db, 'SELECT user_id, rsvp FROM calendar_rsvps WHERE channel_id = ? AND uid = ?');
    const overridesOf = sql(
      this.#db,
      'SELECT data FROM calendar_overrides WHERE channel_id = ? AND uid = ? ORDER BY recurrence_id',
    ).pluck();
    return rows.map((row) => {
      const event = JSON.parse(row.data) as CalendarEvent;
      const answers = new Map(
        (
          rsvps.all(channelId, row.uid) as Array<{ user_id: string; rsvp: CalendarEvent['attendees'][number]['rsvp'] }>
        ).map((r) => [r.user_id, r.rsvp]),
      );
      const overrides = (overridesOf.all(channelId, row.uid) as string[]).map(
        (data) => JSON.parse(data) as OccurrenceOverride,
      );
      return {
        ...event,
        attendees: event.attendees.map((a) => ({ ...a, rsvp: answers.get(a.userId) ?? 'pending' })),
        ...(overrides.length > 0 ? { overrides } : {}),
      };
    });
  }

  /** Occurrences in [from, to) across the channel's entries, recurring ones expanded, in time order. */
  async range(channelId: string, from: number, to: number): Promise<Array<Occurrence & { title: string }>> {
    const entries = await this.entries(channelId);
    return entries
      .flatMap((e) => occurrences(e, from, to).map((o) => ({ ...o, title: e.title })))
      .sort((a, b) => a.start - b.start);
  }
}

export const calendarRepository = (db: Db) => new CalendarRepository(db);
