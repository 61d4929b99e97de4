// Occurrences of an event between two instants, following the RRULE on Europe/Berlin wall time.
import ICAL from 'ical.js';
import { dateOnly, toUtcMs, zonedTime } from './ical-zone.ts';
import type { CalendarEvent } from './model.ts';

export interface Occurrence {
  uid: string;
  start: number;
  end: number;
}

/** At most `limit` occurrences that overlap [from, to). A single event yields itself if it overlaps. */
export function occurrences(event: CalendarEvent, from: number, to: number, limit = 500): Occurrence[] {
  const duration = event.end - event.start;
  if (event.cancelled) return [];
  if (!event.rrule) return event.start < to && event.end > from ? [{ uid: event.uid, start: event.start, end: event.end }] : [];
  const recur = ICAL.Recur.fromString(event.rrule);
  const dtstart = event.allDay ? dateOnly(event.start) : zonedTime(event.start);
  const iterator = recur.iterator(dtstart);
  const result: Occurrence[] = [];
  // A hard cap on iterations keeps a hostile rule (FREQ=SECONDLY with no end) from spinning.
  for (let i = 0; i < 100_000 && result.length < limit; i++) {
    const next = iterator.next();
    if (!next) break;
    const start = toUtcMs(next);
    if (start >= to) break;
    if (start + duration > from) result.push({ uid: event.uid, start, end: start + duration });
  }
  return result;
}
