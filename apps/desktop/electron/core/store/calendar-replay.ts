// A calendar entry's state is the same on every device whatever order the envelopes were opened
// in: its creator is the author of its first put in the log (lowest relay seq), and the rule
// table (authorise.ts) judges every later change against that creator. Applied one by one, an
// event opened after later ones of the same entry (its key came late, a new member reading
// history) would be judged against the wrong creator or a missing entry, and could not undo what
// those later ones did. So such an event makes the entry be recomputed from its log in seq order,
// as a device that opened everything in order has it; an event opened in order is simply applied.
//
// Why recompute rather than hold back events while lower seqs are still pending: a device does not
// know every lower envelope it will ever open (pending keys may never come, history and gaps are
// fetched later), so holding back would wait without end or guess. Recomputing needs only the
// log this store already has: for it, refused calendar events keep their payload (apply.ts; a
// calendar payload holds no message text and reaches no search index).
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { authoriseEvent } from './authorise-facts.ts';
import { applyCalendar } from './calendar-apply.ts';
import type { Db } from './database.ts';
import { loggedEventsInOrder } from './logged-events.ts';
import { sql } from './statements.ts';

type CalendarEventType =
  'calendar.put' | 'calendar.cancel' | 'calendar.rsvp' | 'calendar.occurrence.put' | 'calendar.occurrence.cancel';
export type CalendarChannelEvent = ChannelEvent & {
  payload: Extract<ChannelEvent['payload'], { type: CalendarEventType }>;
};

export const isCalendarEvent = (event: ChannelEvent): event is CalendarChannelEvent =>
  event.payload.type.startsWith('calendar.');

/**
 * Whether the log holds a later event of the same entry (higher seq): this one was opened out of
 * order. The new event is logged already; own events not yet sequenced are never late.
 */
export function openedLate(db: Db, event: CalendarChannelEvent): boolean {
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
export function replayable(db: Db, channelId: string, uid: string): boolean {
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
 * time (authorise-facts.ts), so the verdicts are those of an in-order device. Returns each event's
 * verdict (a reason, or null when applied).
 */
export function replayCalendarEntry(db: Db, channelId: string, uid: string): Map<string, string | null> {
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
