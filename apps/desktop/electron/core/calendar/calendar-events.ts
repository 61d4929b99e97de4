// Channel calendar state from the event log. The rule for concurrent edits: each event carries
// the whole new version of a calendar entry, and the one with the higher relay sequence number
// wins (last writer by seq). RSVPs are kept apart, per attendee, so an edit of the title never
// loses someone's answer, and only attendees answer for themselves.
//
// Single occurrences of a series (overrides) are kept apart from the series altogether, by
// (entry uid, recurrence id), last writer by seq, and the reducer checks only what does not
// depend on any other event (a well-formed recurrence id, end after start, a title). A client
// applies its own events when the relay acknowledges them, possibly before earlier events of
// others have arrived, so "as the series stands now" differs between clients; whether an override
// names a real occurrence of the series is therefore decided only when the entry is expanded
// (calendar/recurrence.ts), from state that every client reaches alike from the same events.
import type { CalendarEvent, OccurrenceOverride, Rsvp } from './model.ts';
import { RECURRENCE_ID_MAX, RECURRENCE_ID_MIN } from '@klinikfunk/protocol/domain/events.ts';

export type SeriesPayload =
  | { type: 'calendar.put'; event: Omit<CalendarEvent, 'sequence' | 'overrides'> }
  | { type: 'calendar.cancel'; uid: string }
  | { type: 'calendar.rsvp'; uid: string; rsvp: Exclude<Rsvp, 'pending'> };
export type OccurrencePayload =
  | {
      type: 'calendar.occurrence.put';
      uid: string;
      recurrenceId: number;
      title: string;
      start: number;
      end: number;
      location?: string;
      description?: string;
    }
  | { type: 'calendar.occurrence.cancel'; uid: string; recurrenceId: number };
export type CalendarPayload = SeriesPayload | OccurrencePayload;

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
}

/** One series' single occurrences by recurrence id, each with the seq of its last change. */
export type OccurrenceSlots = Map<number, { override: OccurrenceOverride; seq: number }>;

/**
 * A series with a changed occurrence every day for years is not a calendar but a flood. Beyond
 * this many, the override with the lowest seq gives way (or a new one below all kept is refused):
 * the kept ones are the MAX_OVERRIDES latest by seq, whatever order they arrived in. The handler
 * refuses the 501st at once, so this only meets a buggy or hostile sender.
 */
export const MAX_OVERRIDES = 500;

export type CalendarRefusal =
  'unknown_event' | 'stale' | 'not_attendee' | 'invalid_event' | 'recurrence_out_of_range' | 'too_many_overrides';
export type CalendarVerdict = { accepted: true } | { accepted: false; reason: CalendarRefusal };
/** `evicted`: the recurrence id whose override gave way to this one (MAX_OVERRIDES), else null. */
export type OccurrenceVerdict =
  { accepted: true; evicted: number | null } | { accepted: false; reason: CalendarRefusal };

/**
 * Applies one event. `overrides` holds the channel's single occurrences by entry uid, apart from
 * `entries` (an override may arrive before its series); a caller replaying occurrence events must
 * pass it.
 */
export function applyCalendarEvent(
  entries: Map<string, CalendarEntry>,
  log: CalendarLogEvent,
  overrides?: Map<string, OccurrenceSlots>,
): CalendarVerdict {
  const { payload } = log;
  if (payload.type === 'calendar.occurrence.put' || payload.type === 'calendar.occurrence.cancel') {
    if (!overrides) throw new Error('applyCalendarEvent: occurrence events need the overrides map');
    const slots = overrides.get(payload.uid) ?? new Map();
    const verdict = applyOccurrenceEvent(slots, log.seq, payload);
    if (verdict.accepted) overrides.set(payload.uid, slots);
    return verdict.accepted ? { accepted: true } : verdict;
  }
  return applySeriesEvent(entries, log.seq, log.senderUserId, payload);
}

/**
 * Puts and cancellations: last writer by seq. Every one that reaches an existing entry counts
 * towards its SEQUENCE, the losing (stale) ones too, so SEQUENCE is the number of changes however
 * they arrived: a stale event is refused and still bumps it.
 */
function applySeriesEvent(
  entries: Map<string, CalendarEntry>,
  seq: number,
  senderUserId: string,
  payload: SeriesPayload,
): CalendarVerdict {
  if (payload.type === 'calendar.put') {
    if (payload.event.end < payload.event.start || payload.event.title.trim() === '')
      return { accepted: false, reason: 'invalid_event' };
    const existing = entries.get(payload.event.uid);
    if (existing && existing.lastSeq >= seq) return staleChange(existing);
    entries.set(payload.event.uid, {
      event: { ...payload.event, sequence: (existing?.event.sequence ?? -1) + 1 },
      lastSeq: seq,
      createdBy: existing?.createdBy ?? senderUserId,
      rsvps: existing?.rsvps ?? new Map(),
    });
    return { accepted: true };
  }
  const entry = entries.get(payload.uid);
  if (!entry) return { accepted: false, reason: 'unknown_event' };
  if (payload.type === 'calendar.cancel') {
    if (entry.lastSeq >= seq) return staleChange(entry);
    entry.event = { ...entry.event, cancelled: true, sequence: entry.event.sequence + 1 };
    entry.lastSeq = seq;
    return { accepted: true };
  }
  if (!entry.event.attendees.some((a) => a.userId === senderUserId)) return { accepted: false, reason: 'not_attendee' };
  const previous = entry.rsvps.get(senderUserId);
  if (previous && previous.seq >= seq) return { accepted: false, reason: 'stale' };
  entry.rsvps.set(senderUserId, { rsvp: payload.rsvp, seq });
  return { accepted: true };
}

function staleChange(entry: CalendarEntry): CalendarVerdict {
  entry.event = { ...entry.event, sequence: entry.event.sequence + 1 };
  return { accepted: false, reason: 'stale' };
}

/**
 * One override into its series' slots: last writer by seq per recurrence id, independent of the
 * series and its other overrides. Its SEQUENCE (iCalendar) is the seq of its last change, which
 * grows with every change whatever order the changes arrived in.
 */
export function applyOccurrenceEvent(
  slots: OccurrenceSlots,
  seq: number,
  payload: OccurrencePayload,
): OccurrenceVerdict {
  const { recurrenceId } = payload;
  if (!Number.isInteger(recurrenceId) || recurrenceId < RECURRENCE_ID_MIN || recurrenceId > RECURRENCE_ID_MAX)
    return { accepted: false, reason: 'recurrence_out_of_range' };
  if (payload.type === 'calendar.occurrence.put' && (payload.end < payload.start || payload.title.trim() === ''))
    return { accepted: false, reason: 'invalid_event' };
  const previous = slots.get(recurrenceId);
  if (previous && previous.seq >= seq) return { accepted: false, reason: 'stale' };
  let evicted: number | null = null;
  if (!previous && slots.size >= MAX_OVERRIDES) {
    const [oldestId, oldest] = [...slots].reduce((a, b) => (b[1].seq < a[1].seq ? b : a));
    if (oldest.seq >= seq) return { accepted: false, reason: 'too_many_overrides' };
    slots.delete(oldestId);
    evicted = oldestId;
  }
  const override: OccurrenceOverride =
    payload.type === 'calendar.occurrence.cancel'
      ? { recurrenceId, sequence: seq, cancelled: true }
      : {
          recurrenceId,
          sequence: seq,
          cancelled: false,
          title: payload.title,
          start: payload.start,
          end: payload.end,
          ...(payload.location ? { location: payload.location } : {}),
          ...(payload.description ? { description: payload.description } : {}),
        };
  slots.set(recurrenceId, { override, seq });
  return { accepted: true, evicted };
}

/**
 * The entry as shown and exported: attendees carry their latest answer, overrides in recurrence
 * order, all of them (expansion and export ignore those the series does not have).
 */
export function calendarView(entry: CalendarEntry, slots?: OccurrenceSlots): CalendarEvent {
  const overrides = [...(slots?.values() ?? [])].map((o) => o.override).sort((a, b) => a.recurrenceId - b.recurrenceId);
  return {
    ...entry.event,
    attendees: entry.event.attendees.map((a) => ({ ...a, rsvp: entry.rsvps.get(a.userId)?.rsvp ?? 'pending' })),
    ...(overrides.length > 0 ? { overrides } : {}),
  };
}
