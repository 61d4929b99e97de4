// Which days a calendar view shows and which occurrences fall on each, in Berlin wall time
// (weeks start on Monday). All-day entries are dates (midnight UTC), timed ones instants. An
// occurrence spanning several days is placed on each of them, with its place in the span.
import type { CalendarEntryView, OccurrenceView } from '@klinikfunk/protocol/api/features/calendar.ts';
import { dateInput, dayStart, DAY_MS, monthStart, parseDate, wall, weekStart } from './berlin-time.ts';

export type CalendarMode = 'month' | 'week' | 'agenda';

export interface DayCell {
  key: string;
  start: number;
  inMonth: boolean;
  today: boolean;
}

/** Which day of a multi-day occurrence a cell shows: day `index` (0-based) of `count`. */
export interface Segment {
  index: number;
  count: number;
}

export interface Placed {
  occurrence: OccurrenceView;
  entry: CalendarEntryView;
  segment: Segment;
}

export type SegmentPart = 'whole' | 'first' | 'middle' | 'last';

export const partOf = (segment: Segment): SegmentPart =>
  segment.count <= 1
    ? 'whole'
    : segment.index === 0
      ? 'first'
      : segment.index === segment.count - 1
        ? 'last'
        : 'middle';

export function visibleRange(mode: CalendarMode, cursor: number): { from: number; to: number } {
  if (mode === 'month') {
    const from = weekStart(monthStart(cursor));
    return { from, to: dayStart(from, 42) };
  }
  if (mode === 'week') {
    const from = weekStart(cursor);
    return { from, to: dayStart(from, 7) };
  }
  const from = dayStart(cursor);
  return { from, to: dayStart(from, 60) };
}

export function days(mode: CalendarMode, cursor: number, now: number): DayCell[] {
  const { from, to } = visibleRange(mode, cursor);
  const month = wall(cursor).month;
  const todayKey = dateInput(now);
  const cells: DayCell[] = [];
  for (let i = 0; ; i++) {
    const start = dayStart(from, i);
    if (start >= to) break;
    const key = dateInput(start);
    cells.push({ key, start, inMonth: wall(start + DAY_MS / 2).month === month, today: key === todayKey });
  }
  return cells;
}

const utcDate = (utcMs: number) => new Date(utcMs).toISOString().slice(0, 10);
const dayNumber = (key: string) => Date.parse(`${key}T00:00:00Z`) / DAY_MS;

/**
 * The first and last day an occurrence covers. All-day entries are dates whose end is exclusive
 * (iCalendar DTEND): 3 to 5 December covers the 3rd and 4th. A timed one covers every Berlin day
 * it touches; ending at midnight it ends the day before.
 */
function span(o: { start: number; end: number }, allDay: boolean): { first: number; last: number } {
  if (allDay) return { first: o.start, last: Math.max(o.start, o.end - DAY_MS) };
  return { first: o.start, last: Math.max(o.start, o.end - 1) };
}

/** Day keys ("2026-11-23") an occurrence covers, in order, only those in `range` when given (the views' from/to). */
export function dayKeysOf(
  o: { start: number; end: number },
  allDay: boolean,
  range?: { from: number; to: number },
): string[] {
  const { first, last } = span(o, allDay);
  const keys: string[] = [];
  if (allDay) {
    const lo = range ? Math.max(first, parseDate(dateInput(range.from))!) : first;
    const hi = range ? Math.min(last, parseDate(dateInput(range.to - 1))!) : last;
    for (let day = lo; day <= hi; day += DAY_MS) keys.push(utcDate(day));
    return keys;
  }
  const lo = range ? Math.max(first, range.from) : first;
  const hi = range ? Math.min(last, range.to - 1) : last;
  for (let day = dayStart(lo), i = 1; day <= hi; day = dayStart(lo, i++)) keys.push(dateInput(day));
  return keys;
}

/** Occurrences on every day they cover (in `range` when given), per day: all-day first, then those continued from the day before, then by start. */
export function byDay(
  occurrences: readonly OccurrenceView[],
  entries: readonly CalendarEntryView[],
  range?: { from: number; to: number },
): Map<string, Placed[]> {
  const entryOf = new Map(entries.map((e) => [e.uid, e]));
  const map = new Map<string, Placed[]>();
  for (const occurrence of occurrences) {
    const entry = entryOf.get(occurrence.uid);
    if (!entry) continue;
    const { first, last } = span(occurrence, entry.allDay);
    const firstKey = entry.allDay ? utcDate(first) : dateInput(first);
    const count = dayNumber(entry.allDay ? utcDate(last) : dateInput(last)) - dayNumber(firstKey) + 1;
    for (const key of dayKeysOf(occurrence, entry.allDay, range)) {
      const list = map.get(key) ?? [];
      list.push({ occurrence, entry, segment: { index: dayNumber(key) - dayNumber(firstKey), count } });
      map.set(key, list);
    }
  }
  const rank = (p: Placed) => (p.entry.allDay ? 0 : p.segment.index > 0 ? 1 : 2);
  for (const list of map.values())
    list.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        a.occurrence.start - b.occurrence.start ||
        a.occurrence.uid.localeCompare(b.occurrence.uid),
    );
  return map;
}

export function shift(mode: CalendarMode, cursor: number, direction: 1 | -1): number {
  if (mode === 'month') return monthStart(cursor, direction);
  return dayStart(cursor, direction * (mode === 'week' ? 7 : 30));
}
