// Channel calendar state from the ordered event log. The rule for concurrent edits: each event
// carries the whole new version of a calendar entry, and the one with the higher relay sequence
// number wins (last writer by seq). Every client sees the same order, so every client ends with
// the same entries. RSVPs are kept apart, per attendee, so an edit of the title never loses
// someone's answer, and only attendees answer for themselves.
import type { CalendarEvent, Rsvp } from '../calendar/model.ts';

export type CalendarPayload =
  | { type: 'calendar.put'; event: Omit<CalendarEvent, 'sequence'> }
  | { type: 'calendar.cancel'; uid: string }
  | { type: 'calendar.rsvp'; uid: string; rsvp: Exclude<Rsvp, 'pending'> };

export interface CalendarLogEvent {
  seq: number;
  senderUserId: string;
  payload: CalendarPayload;
}

export interface CalendarEntry {
  event: CalendarEvent;
  lastSeq: number;
  createdBy: string;
  rsvps: Map<string, { rsvp: Rsvp; seq: number }>;
}

export type CalendarVerdict = { accepted: true } | { accepted: false; reason: 'unknown_event' | 'stale' | 'not_attendee' | 'invalid_event' };

export function applyCalendarEvent(entries: Map<string, CalendarEntry>, log: CalendarLogEvent): CalendarVerdict {
  const { payload } = log;
  if (payload.type === 'calendar.put') {
    if (payload.event.end < payload.event.start || payload.event.title.trim() === '') return { accepted: false, reason: 'invalid_event' };
    const existing = entries.get(payload.event.uid);
    if (existing && existing.lastSeq >= log.seq) return { accepted: false, reason: 'stale' };
    entries.set(payload.event.uid, {
      event: { ...payload.event, sequence: (existing?.event.sequence ?? -1) + 1 },
      lastSeq: log.seq,
      createdBy: existing?.createdBy ?? log.senderUserId,
      rsvps: existing?.rsvps ?? new Map(),
    });
    return { accepted: true };
  }
  const entry = entries.get(payload.uid);
  if (!entry) return { accepted: false, reason: 'unknown_event' };
  if (payload.type === 'calendar.cancel') {
    if (entry.lastSeq >= log.seq) return { accepted: false, reason: 'stale' };
    entry.event = { ...entry.event, cancelled: true, sequence: entry.event.sequence + 1 };
    entry.lastSeq = log.seq;
    return { accepted: true };
  }
  if (!entry.event.attendees.some((a) => a.userId === log.senderUserId)) return { accepted: false, reason: 'not_attendee' };
  const previous = entry.rsvps.get(log.senderUserId);
  if (previous && previous.seq >= log.seq) return { accepted: false, reason: 'stale' };
  entry.rsvps.set(log.senderUserId, { rsvp: payload.rsvp, seq: log.seq });
  return { accepted: true };
}

/** The entry as shown and exported: attendees carry their latest answer. */
export function calendarView(entry: CalendarEntry): CalendarEvent {
  return {
    ...entry.event,
    attendees: entry.event.attendees.map((a) => ({ ...a, rsvp: entry.rsvps.get(a.userId)?.rsvp ?? 'pending' })),
  };
}
