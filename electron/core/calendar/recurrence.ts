// Occurrences of an event between two instants, following the RRULE on Europe/Berlin wall time,
// with single occurrences changed or cancelled on their own (overrides) applied on top.
import ICAL from 'ical.js';
import { dateOnly, toUtcMs, zonedTime } from './ical-zone.ts';
import type { CalendarEvent, ChangedOccurrence } from './model.ts';

export interface Occurrence {
  uid: string;
  start: number;
  end: number;
  /** Where the series puts this occurrence (iCalendar RECURRENCE-ID); null for a single event. */
  recurrenceId: number | null;
  /** Present when this occurrence was changed on its own. */
  changed?: ChangedOccurrence;
}

/** The series as its rule gives it, overrides ignored: at most `limit` occurrences overlapping [from, to). */
export function seriesOccurrences(event: CalendarEvent, from: number, to: number, limit = 500): Occurrence[] {
  const duration = event.end - event.start;
  if (!event.rrule) return event.start < to && event.end > from ? [{ uid: event.uid, start: event.start, end: event.end, recurrenceId: null }] : [];
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
    if (start + duration > from) result.push({ uid: event.uid, start, end: start + duration, recurrenceId: start });
  }
  return result;
}

/** Whether the series (as it is now) has an occurrence starting at `recurrenceId`. */
export function isOccurrence(event: CalendarEvent, recurrenceId: number): boolean {
  if (!event.rrule) return false;
  return seriesOccurrences(event, recurrenceId, recurrenceId + 1, 50).some((o) => o.start === recurrenceId);
}

/** Which of `ids` the series has as occurrences: one walk of the rule for all of them (export, import). */
export function occurrenceIds(event: CalendarEvent, ids: readonly number[]): Set<number> {
  if (!event.rrule || ids.length === 0) return new Set();
  const wanted = new Set(ids);
  const from = Math.min(...ids);
  const found = seriesOccurrences(event, from, Math.max(...ids) + 1, 100_000).filter((o) => wanted.has(o.start));
  return new Set(found.map((o) => o.start));
}

/**
 * At most `limit` occurrences that overlap [from, to), in time order. A single event yields itself
 * if it overlaps. A cancelled occurrence is left out (as an EXDATE would); a changed one appears at
 * its new time, also when only the new time lies in the range. Overrides whose recurrence id the
 * series no longer has (its time or rule changed since) are ignored.
 */
export function occurrences(event: CalendarEvent, from: number, to: number, limit = 500): Occurrence[] {
  if (event.cancelled) return [];
  const overrides = event.rrule ? (event.overrides ?? []) : [];
  const series = seriesOccurrences(event, from, to, limit);
  if (overrides.length === 0) return series;
  const byId = new Map(overrides.map((o) => [o.recurrenceId, o]));
  const overlaps = (o: { start: number; end: number }) => o.start < to && o.end > from;
  const result: Occurrence[] = [];
  const seen = new Set<number>();
  for (const occurrence of series) {
    seen.add(occurrence.start);
    const override = byId.get(occurrence.start);
    if (!override) result.push(occurrence);
    else if (!override.cancelled && overlaps(override)) result.push({ ...occurrence, start: override.start, end: override.end, changed: override });
  }
  // Occurrences moved into the range from outside it.
  for (const override of overrides) {
    if (override.cancelled || seen.has(override.recurrenceId) || !overlaps(override) || !isOccurrence(event, override.recurrenceId)) continue;
    result.push({ uid: event.uid, start: override.start, end: override.end, recurrenceId: override.recurrenceId, changed: override });
  }
  return result.sort((a, b) => a.start - b.start).slice(0, limit);
}
