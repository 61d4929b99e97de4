// Which days of the month, week and agenda views an occurrence appears on: every day it spans,
// all-day ones up to their exclusive end, timed ones across midnight, in Berlin wall time.
import { describe, expect, it } from 'vitest';
import type { CalendarEntryView, OccurrenceView } from '@klinikfunk/protocol/api/features/calendar.ts';
import {
  byDay,
  dayKeysOf,
  partOf,
  visibleRange,
} from '../../../apps/desktop/renderer/src/components/collab/calendar-layout.ts';
import { fromWall } from '../../../apps/desktop/renderer/src/components/collab/berlin-time.ts';

const entry = (uid: string, allDay: boolean, title = uid): CalendarEntryView => ({
  uid,
  title,
  start: 0,
  end: 0,
  allDay,
  location: '',
  description: '',
  meetingUrl: '',
  rrule: '',
  attendees: [],
  organizer: { userId: 'anna', displayName: 'Anna' },
  cancelled: false,
  myRsvp: null,
  mayChange: true,
});
const occurrence = (uid: string, start: number, end: number, over: Partial<OccurrenceView> = {}): OccurrenceView => ({
  uid,
  start,
  end,
  recurrenceId: null,
  changed: false,
  title: uid,
  location: '',
  description: '',
  ...over,
});
const summary = (map: Map<string, ReturnType<typeof byDay> extends Map<string, infer P> ? P : never>) =>
  Object.fromEntries(
    [...map].map(([key, list]) => [
      key,
      list.map((p) => `${p.occurrence.title} ${p.segment.index + 1}/${p.segment.count} ${partOf(p.segment)}`),
    ]),
  );

describe('calendar layout over several days', () => {
  it('an all-day entry ends the day before its exclusive end (iCalendar DTEND)', () => {
    expect(dayKeysOf({ start: Date.UTC(2026, 11, 3), end: Date.UTC(2026, 11, 5) }, true)).toEqual([
      '2026-12-03',
      '2026-12-04',
    ]);
    expect(dayKeysOf({ start: Date.UTC(2026, 11, 3), end: Date.UTC(2026, 11, 4) }, true)).toEqual(['2026-12-03']);
  });

  it('a timed entry across midnight is on both days; one ending at midnight only on the first', () => {
    const night = { start: fromWall(2026, 11, 23, 22), end: fromWall(2026, 11, 24, 6) };
    expect(dayKeysOf(night, false)).toEqual(['2026-11-23', '2026-11-24']);
    expect(dayKeysOf({ start: fromWall(2026, 11, 23, 18), end: fromWall(2026, 11, 24, 0) }, false)).toEqual([
      '2026-11-23',
    ]);
    expect(dayKeysOf({ start: fromWall(2026, 11, 23, 9), end: fromWall(2026, 11, 23, 9) }, false)).toEqual([
      '2026-11-23',
    ]);
  });

  it('counts Berlin days across the change to summer time (a 23-hour day)', () => {
    const congress = { start: fromWall(2027, 3, 27, 9), end: fromWall(2027, 3, 29, 17) };
    expect(dayKeysOf(congress, false)).toEqual(['2027-03-27', '2027-03-28', '2027-03-29']);
  });

  it('places each day with its place in the span, clipped to the visible range', () => {
    const week = visibleRange('week', fromWall(2026, 11, 25, 12)); // Monday 23 to Sunday 29 November
    const entries = [
      entry('Fortbildung', true),
      entry('Nachtdienst', false),
      entry('Umbau', true),
      entry('Visite', false),
    ];
    const placed = byDay(
      [
        occurrence('Fortbildung', Date.UTC(2026, 10, 25), Date.UTC(2026, 10, 28)),
        occurrence('Nachtdienst', fromWall(2026, 11, 24, 22), fromWall(2026, 11, 25, 6)),
        // Began long before this week and goes on after it.
        occurrence('Umbau', Date.UTC(2025, 0, 1), Date.UTC(2027, 0, 1)),
        occurrence('Visite', fromWall(2026, 11, 25, 8), fromWall(2026, 11, 25, 9)),
      ],
      entries,
      week,
    );
    expect([...placed.keys()].sort()).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
    const days = summary(placed);
    expect(days['2026-11-24']).toEqual(['Umbau 693/730 middle', 'Nachtdienst 1/2 first']);
    // All-day first (the earlier start first, so a long entry keeps its place), then what continues from the day before, then by start.
    expect(days['2026-11-25']).toEqual([
      'Umbau 694/730 middle',
      'Fortbildung 1/3 first',
      'Nachtdienst 2/2 last',
      'Visite 1/1 whole',
    ]);
    expect(days['2026-11-27']).toEqual(['Umbau 696/730 middle', 'Fortbildung 3/3 last']);
    expect(days['2026-11-28']).toEqual(['Umbau 697/730 middle']);
  });

  it('a changed occurrence is placed on the days of its new time, under its own title', () => {
    const moved = occurrence('Übergabe', fromWall(2026, 11, 24, 8), fromWall(2026, 11, 24, 8, 30), {
      recurrenceId: fromWall(2026, 11, 23, 7),
      changed: true,
      title: 'Übergabe (verlegt)',
    });
    const placed = byDay([moved], [entry('Übergabe', false)]);
    expect(summary(placed)).toEqual({ '2026-11-24': ['Übergabe (verlegt) 1/1 whole'] });
  });
});
