// Expanding a series with many overrides walks its rule once, however many overrides it has and
// however far off their recurrence ids are: overrides beyond the 10-year horizon are ignored
// without walking, and the rest are checked against one walk (kept for the next call).
import { describe, expect, it } from 'vitest';
import type { CalendarEvent, OccurrenceOverride } from '../../../apps/desktop/electron/core/calendar/model.ts';
import {
  isOccurrence,
  occurrenceIds,
  occurrences,
  OVERRIDE_HORIZON_MS,
  type WalkCounter,
} from '../../../apps/desktop/electron/core/calendar/recurrence.ts';

const DAY = 86_400_000;
// All-day and daily from Friday 1 January 2027: occurrence n is at exactly START + n days.
const START = Date.UTC(2027, 0, 1);
const daily: CalendarEvent = {
  uid: 'rounds01',
  title: 'Visite',
  start: START,
  end: START + DAY,
  allDay: true,
  timeZone: 'Europe/Berlin',
  rrule: 'FREQ=DAILY',
  attendees: [],
  sequence: 0,
  cancelled: false,
};
const counter = (): WalkCounter => ({ walks: 0, steps: 0 });
/** Occurrence `day` of the series moved into the first week. */
const movedIn = (day: number, i: number): OccurrenceOverride => ({
  recurrenceId: START + day * DAY,
  sequence: 0,
  cancelled: false,
  title: `verlegt ${day}`,
  start: START + (i % 7) * DAY,
  end: START + (i % 7) * DAY + DAY,
});

describe('expanding a series with many overrides', () => {
  it('500 far-off overrides cost one walk of the rule up to the farthest, not one per override', () => {
    const lastDay = Math.floor(OVERRIDE_HORIZON_MS / DAY);
    const overrides = [
      ...Array.from({ length: 500 }, (_, i) => movedIn(lastDay - 499 + i, i)),
      // Beyond the horizon (the reviewer's day 99,000) and before the start: ignored, never walked to.
      ...Array.from({ length: 20 }, (_, i) => movedIn(99_000 + i, i)),
      movedIn(-3, 0),
    ];
    const event = { ...daily, overrides };
    const first = counter();
    const week = occurrences(event, START, START + 7 * DAY, 1000, first);
    expect(week).toHaveLength(7 + 500);
    expect(week.filter((o) => o.changed).map((o) => o.recurrenceId)).toEqual(
      expect.arrayContaining([START + lastDay * DAY, START + (lastDay - 499) * DAY]),
    );
    expect(week.some((o) => o.recurrenceId! > START + OVERRIDE_HORIZON_MS || o.recurrenceId! < START)).toBe(false);
    // The range (8 steps) and one walk to the farthest override (a step per day of ten years).
    expect(first.walks).toBe(2);
    expect(first.steps).toBeLessThanOrEqual(8 + lastDay + 2);
    // Old code: an isOccurrence walk per override, ~3,400 steps each, ~1.7 million in all.

    // The walk is kept for this version of the series: the next view (or reminder check) only walks its range.
    const again = counter();
    expect(occurrences(event, START, START + 7 * DAY, 1000, again)).toEqual(week);
    expect(again.walks).toBe(1);
    expect(again.steps).toBeLessThanOrEqual(8);
  });

  it('an id beyond the horizon or before the start is no occurrence, without walking', () => {
    const c = counter();
    expect(isOccurrence(daily, START + 99_000 * DAY, c)).toBe(false);
    expect(isOccurrence(daily, START - DAY, c)).toBe(false);
    expect(c).toEqual({ walks: 0, steps: 0 });
    expect(occurrenceIds(daily, [START + 10 * DAY, START + 10 * DAY + 1, START + OVERRIDE_HORIZON_MS + DAY])).toEqual(
      new Set([START + 10 * DAY]),
    );
  });

  it('a changed rule or start is a new walk; the old one does not answer for it', () => {
    const moved = { ...daily, start: START + 1 * DAY, end: START + 2 * DAY, rrule: 'FREQ=WEEKLY' };
    const c = counter();
    expect(isOccurrence(moved, START + 8 * DAY, c)).toBe(true);
    expect(isOccurrence(moved, START + 9 * DAY, c)).toBe(false);
    expect(c.walks).toBe(1);
  });
});
