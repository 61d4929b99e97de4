// Single occurrences of a series through the reducer: a change applies to that occurrence only,
// a cancellation removes it from the views, concurrent changes of the same occurrence converge to
// the higher relay seq, and an override of an occurrence the series does not have is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalendarEvent } from '../../../electron/core/calendar/model.ts';
import { occurrences, seriesOccurrences } from '../../../electron/core/calendar/recurrence.ts';
import {
  applyCalendarEvent,
  calendarView,
  MAX_OVERRIDES,
  type CalendarEntry,
  type CalendarLogEvent,
  type CalendarPayload,
} from '../../../electron/core/collab/calendar-events.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 2 November 2026, 07:00 Berlin (CET, UTC+1); weekly on Mondays, six times.
const MONDAY = Date.UTC(2026, 10, 2, 6);
const series: Omit<CalendarEvent, 'sequence'> = {
  uid: 'handover',
  title: 'Schichtübergabe',
  start: MONDAY,
  end: MONDAY + HOUR / 2,
  allDay: false,
  timeZone: 'Europe/Berlin',
  location: 'Stationszimmer',
  rrule: 'FREQ=WEEKLY;COUNT=6',
  attendees: [{ userId: 'ben', name: 'Ben', rsvp: 'pending' }],
  cancelled: false,
};
const week = (n: number) => MONDAY + n * 7 * DAY;
const create: CalendarLogEvent = { seq: 1, senderUserId: 'anna', payload: { type: 'calendar.put', event: series } };
const change = (
  recurrenceId: number,
  over: Partial<Extract<CalendarPayload, { type: 'calendar.occurrence.put' }>> = {},
): CalendarPayload => ({
  type: 'calendar.occurrence.put',
  uid: 'handover',
  recurrenceId,
  title: 'Schichtübergabe (verlegt)',
  start: recurrenceId + HOUR,
  end: recurrenceId + HOUR + HOUR / 2,
  location: 'Raum 2',
  ...over,
});
const cancel = (recurrenceId: number): Extract<CalendarPayload, { type: 'calendar.occurrence.cancel' }> => ({
  type: 'calendar.occurrence.cancel',
  uid: 'handover',
  recurrenceId,
});

function replay(log: CalendarLogEvent[]) {
  const entries = new Map<string, CalendarEntry>();
  const verdicts = [...log].sort((a, b) => a.seq - b.seq).map((e) => applyCalendarEvent(entries, e));
  return { entries, verdicts, view: entries.has('handover') ? calendarView(entries.get('handover')!) : null };
}
const starts = (event: CalendarEvent, from = MONDAY - DAY, to = week(6)) =>
  occurrences(event, from, to).map((o) => new Date(o.start).toISOString());

describe('single occurrences of a series', () => {
  it('a changed occurrence moves and gets its own title and location; the others stay', () => {
    const { verdicts, view } = replay([create, { seq: 2, senderUserId: 'ben', payload: change(week(1)) }]);
    expect(verdicts[1]).toEqual({ accepted: true });
    const list = occurrences(view!, MONDAY, week(6));
    expect(list).toHaveLength(6);
    expect(list[1]).toMatchObject({
      start: week(1) + HOUR,
      recurrenceId: week(1),
      changed: { title: 'Schichtübergabe (verlegt)', location: 'Raum 2' },
    });
    expect(list.filter((o) => o.changed)).toHaveLength(1);
    expect(list[2]).toMatchObject({ start: week(2), recurrenceId: week(2) });
    expect(list[2]!.changed).toBeUndefined();
  });

  it('a cancelled occurrence disappears; the series and its other occurrences stay', () => {
    const { view } = replay([create, { seq: 2, senderUserId: 'anna', payload: cancel(week(2)) }]);
    expect(view!.cancelled).toBe(false);
    expect(starts(view!)).toEqual([0, 1, 3, 4, 5].map((n) => new Date(week(n)).toISOString()));
    expect(view!.overrides).toEqual([{ recurrenceId: week(2), sequence: 0, cancelled: true }]);
  });

  it('a change of the same occurrence on two workstations converges to the higher seq, in any arrival order', () => {
    const byAnna: CalendarLogEvent = { seq: 2, senderUserId: 'anna', payload: change(week(1), { location: 'Raum 1' }) };
    const byBen: CalendarLogEvent = { seq: 3, senderUserId: 'ben', payload: change(week(1), { location: 'Raum 4' }) };
    const a = replay([create, byAnna, byBen]);
    const b = replay([byBen, create, byAnna]);
    expect(a.view).toEqual(b.view);
    expect(a.view!.overrides).toEqual([
      expect.objectContaining({ recurrenceId: week(1), location: 'Raum 4', sequence: 1 }),
    ]);
    // Applied one at a time, the earlier one arriving late is stale.
    const entries = new Map<string, CalendarEntry>();
    applyCalendarEvent(entries, create);
    applyCalendarEvent(entries, byBen);
    expect(applyCalendarEvent(entries, byAnna)).toEqual({ accepted: false, reason: 'stale' });
  });

  it('a cancellation and a change of one occurrence: the later by seq wins', () => {
    const cancelled = replay([
      create,
      { seq: 2, senderUserId: 'ben', payload: change(week(1)) },
      { seq: 3, senderUserId: 'anna', payload: cancel(week(1)) },
    ]);
    expect(starts(cancelled.view!)).toHaveLength(5);
    const restored = replay([
      create,
      { seq: 2, senderUserId: 'anna', payload: cancel(week(1)) },
      { seq: 3, senderUserId: 'ben', payload: change(week(1)) },
    ]);
    expect(occurrences(restored.view!, MONDAY, week(6))[1]).toMatchObject({ start: week(1) + HOUR });
  });

  it('refuses an override of an occurrence the series does not have, with a reason', () => {
    const single: CalendarLogEvent = {
      seq: 2,
      senderUserId: 'anna',
      payload: { type: 'calendar.put', event: { ...series, uid: 'single1', rrule: undefined } },
    };
    const { verdicts, view } = replay([
      create,
      single,
      { seq: 3, senderUserId: 'ben', payload: change(week(1) + 60_000) }, // not at an occurrence's start
      { seq: 4, senderUserId: 'ben', payload: cancel(week(6)) }, // after COUNT=6
      { seq: 5, senderUserId: 'ben', payload: { ...cancel(MONDAY), uid: 'single1' } },
      { seq: 6, senderUserId: 'ben', payload: { ...cancel(MONDAY), uid: 'nowhere1' } },
      { seq: 7, senderUserId: 'ben', payload: change(week(1), { end: week(1) - 1 }) },
      { seq: 8, senderUserId: 'ben', payload: change(week(1), { title: '  ' }) },
    ]);
    expect(verdicts.slice(2)).toEqual([
      { accepted: false, reason: 'unknown_occurrence' },
      { accepted: false, reason: 'unknown_occurrence' },
      { accepted: false, reason: 'not_recurring' },
      { accepted: false, reason: 'unknown_event' },
      { accepted: false, reason: 'invalid_event' },
      { accepted: false, reason: 'invalid_event' },
    ]);
    expect(view!.overrides).toBeUndefined();
  });

  it('an edit of the whole series keeps its single changes; one made against the old times is refused', () => {
    const { verdicts, view } = replay([
      create,
      { seq: 2, senderUserId: 'anna', payload: cancel(week(3)) },
      { seq: 3, senderUserId: 'anna', payload: { type: 'calendar.put', event: { ...series, title: 'Übergabe 3B' } } },
      {
        seq: 4,
        senderUserId: 'anna',
        payload: { type: 'calendar.put', event: { ...series, start: MONDAY + HOUR, end: MONDAY + HOUR + HOUR / 2 } },
      },
      // Sent by Ben before he saw the new time: the series has no occurrence at 07:00 any more.
      { seq: 5, senderUserId: 'ben', payload: change(week(1)) },
    ]);
    expect(verdicts[4]).toEqual({ accepted: false, reason: 'unknown_occurrence' });
    // The cancellation of week 3 was for 07:00; at 08:00 the series no longer has that occurrence, so it is ignored.
    expect(view!.overrides).toHaveLength(1);
    expect(starts(view!)).toHaveLength(6);
    const atSeven = replay([
      create,
      { seq: 2, senderUserId: 'anna', payload: cancel(week(3)) },
      { seq: 3, senderUserId: 'anna', payload: { type: 'calendar.put', event: { ...series, title: 'Übergabe 3B' } } },
    ]);
    expect(starts(atSeven.view!)).toHaveLength(5);
  });

  it('an occurrence moved into a range from outside it appears there; one moved out leaves it', () => {
    const { view } = replay([
      create,
      // The week-3 occurrence moved back to the Sunday before week 2; week 1 moved to the week after.
      { seq: 2, senderUserId: 'anna', payload: change(week(3), { start: week(2) - DAY, end: week(2) - DAY + HOUR }) },
      {
        seq: 3,
        senderUserId: 'anna',
        payload: change(week(1), { start: week(1) + 8 * DAY, end: week(1) + 8 * DAY + HOUR }),
      },
    ]);
    const fortnight = occurrences(view!, week(1) - DAY, week(2) + DAY);
    expect(
      fortnight.map((o) => [
        new Date(o.start).toISOString(),
        o.recurrenceId === null ? null : new Date(o.recurrenceId).toISOString(),
      ]),
    ).toEqual([
      [new Date(week(2) - DAY).toISOString(), new Date(week(3)).toISOString()],
      [new Date(week(2)).toISOString(), new Date(week(2)).toISOString()],
    ]);
  });

  it('bounds the number of overrides of one entry', () => {
    const daily: CalendarLogEvent = {
      seq: 1,
      senderUserId: 'anna',
      payload: { type: 'calendar.put', event: { ...series, rrule: 'FREQ=DAILY' } },
    };
    const entries = new Map<string, CalendarEntry>();
    applyCalendarEvent(entries, daily);
    // Daily at 07:00 Berlin: the UTC instants shift with summer time, so take them from the series.
    const ids = seriesOccurrences(
      { ...entries.get('handover')!.event },
      MONDAY,
      MONDAY + 1200 * DAY,
      MAX_OVERRIDES + 1,
    ).map((o) => o.start);
    for (let i = 0; i < MAX_OVERRIDES; i++)
      expect(applyCalendarEvent(entries, { seq: i + 2, senderUserId: 'anna', payload: cancel(ids[i]!) }).accepted).toBe(
        true,
      );
    expect(
      applyCalendarEvent(entries, {
        seq: MAX_OVERRIDES + 2,
        senderUserId: 'anna',
        payload: cancel(ids[MAX_OVERRIDES]!),
      }),
    ).toEqual({ accepted: false, reason: 'too_many_overrides' });
    // A change of an occurrence that already has an override is still accepted.
    expect(
      applyCalendarEvent(entries, { seq: MAX_OVERRIDES + 3, senderUserId: 'anna', payload: change(MONDAY) }).accepted,
    ).toBe(true);
  });

  it('converges for any arrival order of series edits and single changes (property)', () => {
    const action = fc.oneof(
      fc.record({
        kind: fc.constant('series' as const),
        title: fc.constantFrom('A', 'B'),
        hour: fc.constantFrom(0, 1),
      }),
      fc.record({
        kind: fc.constant('change' as const),
        week: fc.integer({ min: 0, max: 6 }),
        hourAt: fc.constantFrom(0, 1),
        location: fc.constantFrom('R1', 'R2'),
      }),
      fc.record({
        kind: fc.constant('cancel' as const),
        week: fc.integer({ min: 0, max: 6 }),
        hourAt: fc.constantFrom(0, 1),
      }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 20 }), fc.integer(), (steps, shuffleSeed) => {
        const log: CalendarLogEvent[] = [create];
        steps.forEach((a, i) => {
          const seq = i + 2;
          if (a.kind === 'series')
            log.push({
              seq,
              senderUserId: 'anna',
              payload: {
                type: 'calendar.put',
                event: {
                  ...series,
                  title: a.title,
                  start: MONDAY + a.hour * HOUR,
                  end: MONDAY + a.hour * HOUR + HOUR / 2,
                },
              },
            });
          else if (a.kind === 'change')
            log.push({
              seq,
              senderUserId: 'ben',
              payload: change(week(a.week) + a.hourAt * HOUR, { location: a.location }),
            });
          else log.push({ seq, senderUserId: 'ben', payload: cancel(week(a.week) + a.hourAt * HOUR) });
        });
        const shuffled = [...log].sort(
          (x, y) => ((x.seq * 7919 + shuffleSeed) % 101) - ((y.seq * 7919 + shuffleSeed) % 101),
        );
        const [a, b] = [replay(shuffled).view!, replay(log).view!];
        expect(a).toEqual(b);
        expect(occurrences(a, MONDAY - DAY, week(7))).toEqual(occurrences(b, MONDAY - DAY, week(7)));
      }),
      { numRuns: 200 },
    );
  });
});
