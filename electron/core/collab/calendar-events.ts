// Channel calendar state from the ordered event log. The rule for concurrent edits: each event
// carries the whole new version of a calendar entry, and the one with the higher relay sequence
// number wins (last writer by seq). Every client sees the same order, so every client ends with
// the same entries. RSVPs are kept apart, per attendee, so an edit of the title never loses
// someone's answer, and only attendees answer for themselves. Single occurrences of a series
// (overrides) follow the same rule per (entry, recurrence id), apart from the series: an edit of
// the whole series keeps them, and a change of one occurrence never touches the others.
import type { CalendarEvent, OccurrenceOverride, Rsvp } from '../calendar/model.ts';
import { isOccurrence } from '../calendar/recurrence.ts';

export type CalendarPayload =
  | { type: 'calendar.put'; event: Omit<CalendarEvent, 'sequence' | 'overrides'> }
  | { type: 'calendar.cancel'; uid: string }
  | { type: 'calendar.rsvp'; uid: string; rsvp: Exclude<Rsvp, 'pending'> }
  | { type: 'calendar.occurrence.put'; uid: string; recurrenceId: number; title: string; start: number; end: number; location?: string; description?: string }
  | { type: 'calendar.occurrence.cancel'; uid: string; recurrenceId: number };

export interface CalendarLogEvent {
  seq: number;
  senderUserId: string;
  payload: CalendarPayload;
}

export interface CalendarEntry {
  /** The series (or single entry) without its overrides. */
  event: Omit<CalendarEvent, 'overrides'>;
  lastSeq: number;
  createdBy: string;
  rsvps: Map<string, { rsvp: Rsvp; seq: number }>;
  /** By recurrence id, each with the seq of its last change. */
  overrides: Map<number, { override: OccurrenceOverride; seq: number }>;
}

/** A series with a changed occurrence every day for years is not a calendar but a flood (and each check walks the rule). */
export const MAX_OVERRIDES = 500;

export type CalendarRefusal = 'unknown_event' | 'stale' | 'not_attendee' | 'invalid_event' | 'not_recurring' | 'unknown_occurrence' | 'too_many_overrides';
export type CalendarVerdict = { accepted: true } | { accepted: false; reason: CalendarRefusal };

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
      overrides: existing?.overrides ?? new Map(),
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
  if (payload.type === 'calendar.occurrence.put' || payload.type === 'calendar.occurrence.cancel') return applyOverride(entry, log.seq, payload);
  if (!entry.event.attendees.some((a) => a.userId === log.senderUserId)) return { accepted: false, reason: 'not_attendee' };
  const previous = entry.rsvps.get(log.senderUserId);
  if (previous && previous.seq >= log.seq) return { accepted: false, reason: 'stale' };
  entry.rsvps.set(log.senderUserId, { rsvp: payload.rsvp, seq: log.seq });
  return { accepted: true };
}

/**
 * The occurrence must exist in the series as it stands at this point of the log, so an override
 * sent against an older version of the series (before its time changed) is refused alike on every
 * client. The series' own cancellation does not matter: it may be revived by a later put.
 */
function applyOverride(entry: CalendarEntry, seq: number, payload: Extract<CalendarPayload, { type: `calendar.occurrence.${string}` }>): CalendarVerdict {
  if (!entry.event.rrule) return { accepted: false, reason: 'not_recurring' };
  if (!isOccurrence({ ...entry.event, cancelled: false }, payload.recurrenceId)) return { accepted: false, reason: 'unknown_occurrence' };
  const previous = entry.overrides.get(payload.recurrenceId);
  if (previous && previous.seq >= seq) return { accepted: false, reason: 'stale' };
  if (!previous && entry.overrides.size >= MAX_OVERRIDES) return { accepted: false, reason: 'too_many_overrides' };
  const sequence = (previous?.override.sequence ?? -1) + 1;
  let override: OccurrenceOverride;
  if (payload.type === 'calendar.occurrence.cancel') {
    override = { recurrenceId: payload.recurrenceId, sequence, cancelled: true };
  } else {
    if (payload.end < payload.start || payload.title.trim() === '') return { accepted: false, reason: 'invalid_event' };
    override = {
      recurrenceId: payload.recurrenceId,
      sequence,
      cancelled: false,
      title: payload.title,
      start: payload.start,
      end: payload.end,
      ...(payload.location ? { location: payload.location } : {}),
      ...(payload.description ? { description: payload.description } : {}),
    };
  }
  entry.overrides.set(payload.recurrenceId, { override, seq });
  return { accepted: true };
}

/** The entry as shown and exported: attendees carry their latest answer, overrides in recurrence order. */
export function calendarView(entry: CalendarEntry): CalendarEvent {
  const overrides = [...entry.overrides.values()].map((o) => o.override).sort((a, b) => a.recurrenceId - b.recurrenceId);
  return {
    ...entry.event,
    attendees: entry.event.attendees.map((a) => ({ ...a, rsvp: entry.rsvps.get(a.userId)?.rsvp ?? 'pending' })),
    ...(overrides.length > 0 ? { overrides } : {}),
  };
}
