// Which days a calendar view shows and which occurrences fall on each, in Berlin wall time
// (weeks start on Monday). All-day entries are dates (midnight UTC), timed ones instants.
import type { CalendarEntryView, OccurrenceView } from '../../../../shared/api/parts/collab-schemas.ts';
import { dateInput, dayStart, DAY_MS, monthStart, wall, weekStart } from './berlin-time.ts';

export type CalendarMode = 'month' | 'week' | 'agenda';

export interface DayCell {
  key: string;
  start: number;
  inMonth: boolean;
  today: boolean;
}

export interface Placed {
  occurrence: OccurrenceView;
  entry: CalendarEntryView;
}

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

export const dayKeyOf = (occurrence: OccurrenceView, entry: CalendarEntryView): string => dateInput(occurrence.start, entry.allDay);

/** Occurrences grouped by day key, all-day first, then by start. */
export function byDay(occurrences: readonly OccurrenceView[], entries: readonly CalendarEntryView[]): Map<string, Placed[]> {
  const entryOf = new Map(entries.map((e) => [e.uid, e]));
  const map = new Map<string, Placed[]>();
  for (const occurrence of occurrences) {
    const entry = entryOf.get(occurrence.uid);
    if (!entry) continue;
    const key = dayKeyOf(occurrence, entry);
    const list = map.get(key) ?? [];
    list.push({ occurrence, entry });
    map.set(key, list);
  }
  for (const list of map.values()) list.sort((a, b) => Number(b.entry.allDay) - Number(a.entry.allDay) || a.occurrence.start - b.occurrence.start);
  return map;
}

export function shift(mode: CalendarMode, cursor: number, direction: 1 | -1): number {
  if (mode === 'month') return monthStart(cursor, direction);
  return dayStart(cursor, direction * (mode === 'week' ? 7 : 30));
}
