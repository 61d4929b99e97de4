// Materialises calendar events (entries, cancellations, RSVPs, single occurrences) through the
// reducer in collab/calendar-events.ts. Runs in applyEvents' transaction: loads the one entry the
// event names, lets the reducer decide, and writes back only what changed.
import type { ChannelEvent } from '../../../shared/domain/events.ts';
import type { OccurrenceOverride } from '../calendar/model.ts';
import { applyCalendarEvent, type CalendarEntry, type CalendarPayload } from '../collab/calendar-events.ts';
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
  const overrides = sql(
    db,
    'SELECT recurrence_id, data, seq FROM calendar_overrides WHERE channel_id = ? AND uid = ?',
  ).all(channelId, uid) as Array<{
    recurrence_id: number;
    data: string;
    seq: number | null;
  }>;
  return {
    event: JSON.parse(row.data) as CalendarEntry['event'],
    lastSeq: row.last_seq ?? 0,
    createdBy: row.created_by,
    rsvps: new Map(rsvps.map((r) => [r.user_id, { rsvp: r.rsvp as 'yes', seq: r.seq }])),
    overrides: new Map(
      overrides.map((o) => [o.recurrence_id, { override: JSON.parse(o.data) as OccurrenceOverride, seq: o.seq ?? 0 }]),
    ),
  };
}

function toPayload(p: CalendarChannelEvent['payload']): CalendarPayload {
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
    case 'calendar.occurrence.put':
      return p;
    case 'calendar.occurrence.cancel':
      return p;
  }
}

/** Returns a reason when the event's effect is refused, null when applied. */
export function applyCalendar(db: Db, event: CalendarChannelEvent): string | null {
  const p = event.payload;
  const entries = new Map<string, CalendarEntry>();
  const loaded = loadEntry(db, event.channelId, p.uid);
  if (loaded) entries.set(p.uid, loaded);
  const verdict = applyCalendarEvent(entries, {
    seq: event.seq ?? 0,
    senderUserId: event.senderUserId,
    payload: toPayload(p),
  });
  if (!verdict.accepted) return verdict.reason;
  const entry = entries.get(p.uid)!;
  if (p.type === 'calendar.occurrence.put' || p.type === 'calendar.occurrence.cancel') {
    const changed = entry.overrides.get(p.recurrenceId)!;
    sql(db, 'INSERT OR REPLACE INTO calendar_overrides VALUES (?, ?, ?, ?, ?)').run(
      event.channelId,
      p.uid,
      p.recurrenceId,
      JSON.stringify(changed.override),
      changed.seq,
    );
    return null;
  }
  sql(db, 'INSERT OR REPLACE INTO calendar_events VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    event.channelId,
    p.uid,
    JSON.stringify(entry.event),
    entry.event.start,
    entry.lastSeq,
    entry.createdBy,
    entry.event.cancelled ? 1 : 0,
  );
  const upsertRsvp = sql(db, 'INSERT OR REPLACE INTO calendar_rsvps VALUES (?, ?, ?, ?, ?)');
  for (const [userId, r] of entry.rsvps) upsertRsvp.run(event.channelId, p.uid, userId, r.rsvp, r.seq);
  return null;
}
