// Materialises calendar events (entries, cancellations, RSVPs, single occurrences) through the
// reducer in calendar/calendar-events.ts. Runs in applyEvents' transaction: loads the one entry (or
// the one entry's overrides) the event names, lets the reducer decide, and writes back only what
// changed. Overrides are stored whether or not their series is here yet: calendar_overrides has
// no foreign key to calendar_events, and the views read them only with their series.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { OccurrenceOverride } from '../calendar/model.ts';
import {
  applyCalendarEvent,
  applyOccurrenceEvent,
  type CalendarEntry,
  type OccurrenceSlots,
  type SeriesPayload,
} from '../calendar/calendar-events.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

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
  // The sender is kept for an override that came before its series (authorise.ts let it through
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
export function applyCalendar(db: Db, event: CalendarChannelEvent): string | null {
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
  // created_seq: the seq of the put that created the entry, kept across changes (calendar-replay.ts
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
 * its creator, not a channel admin: authorise.ts), go. Roles are the current roster's here, since
 * the override's epoch is not kept; overrides before their series are rare (a key that arrived late).
 */
function dropOverridesNotBy(db: Db, channelId: string, uid: string, creator: string): void {
  sql(
    db,
    `DELETE FROM calendar_overrides WHERE channel_id = ? AND uid = ? AND sender_user_id IS NOT NULL AND sender_user_id != ?
       AND sender_user_id NOT IN (SELECT user_id FROM channel_members WHERE channel_id = ? AND role = 'admin')`,
  ).run(channelId, uid, creator, channelId);
}
