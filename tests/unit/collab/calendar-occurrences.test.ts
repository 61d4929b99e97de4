// Single occurrences of a series through the reducer: a change applies to that occurrence only,
// a cancellation removes it from the views, concurrent changes of the same occurrence converge to
// the higher relay seq, and whether an override names a real occurrence is decided when the
// series is expanded, so any arrival order of the same events ends in the same calendar.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalendarEvent } from '../../../apps/desktop/electron/core/calendar/model.ts';
import { occurrences, seriesOccurrences } from '../../../apps/desktop/electron/core/calendar/recurrence.ts';
import {
  applyCalendarEvent,
  calendarView,
  MAX_OVERRIDES,
  type CalendarEntry,
  type CalendarLogEvent,
  type CalendarPayload,
  type OccurrenceSlots,
} from '../../../apps/desktop/electron/core/calendar/calendar-events.ts';

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

/** Applies the events in the order given, as a client does (its own on the relay's ack, others' as fetched). */
function replay(log: CalendarLogEvent[]) {
  const entries = new Map<string, CalendarEntry>();
  const overrides = new Map<string, OccurrenceSlots>();
  const verdicts = log.map((e) => applyCalendarEvent(entries, e, overrides));
  const entry = entries.get('handover');
  return { entries, overrides, verdicts, view: entry ? calendarView(entry, overrides.get('handover')) : null };
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
    // Its SEQUENCE is the seq of its last change: it grows with every change, in any arrival order.
    expect(view!.overrides).toEqual([{ recurrenceId: week(2), sequence: 2, cancelled: true }]);
  });

  it('a change of the same occurrence on two workstations converges to the higher seq, in any arrival order', () => {
    const byAnna: CalendarLogEvent = { seq: 2, senderUserId: 'anna', payload: change(week(1), { location: 'Raum 1' }) };
    const byBen: CalendarLogEvent = { seq: 3, senderUserId: 'ben', payload: change(week(1), { location: 'Raum 4' }) };
    const a = replay([create, byAnna, byBen]);
    const b = replay([byBen, create, byAnna]);
    expect(a.view).toEqual(b.view);
    expect(a.view!.overrides).toEqual([
      expect.objectContaining({ recurrenceId: week(1), location: 'Raum 4', sequence: 3 }),
    ]);
    // Applied one at a time, the earlier one arriving late is stale.
    expect(replay([create, byBen, byAnna]).verdicts[2]).toEqual({ accepted: false, reason: 'stale' });
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

  it('refuses only malformed overrides; one the series does not have is kept and not shown', () => {
    const single: CalendarLogEvent = {
      seq: 2,
      senderUserId: 'anna',
      payload: { type: 'calendar.put', event: { ...series, uid: 'single1', rrule: undefined } },
    };
    const { verdicts, view, entries, overrides } = replay([
      create,
      single,
      { seq: 3, senderUserId: 'ben', payload: change(week(1) + 60_000) }, // not at an occurrence's start
      { seq: 4, senderUserId: 'ben', payload: cancel(week(6)) }, // after COUNT=6
      { seq: 5, senderUserId: 'ben', payload: { ...cancel(MONDAY), uid: 'single1' } }, // does not repeat (yet)
      { seq: 6, senderUserId: 'ben', payload: { ...cancel(MONDAY), uid: 'nowhere1' } }, // series not here (yet)
      { seq: 7, senderUserId: 'ben', payload: cancel(MONDAY - 7 * DAY) }, // before the series starts
      { seq: 8, senderUserId: 'ben', payload: change(week(1), { end: week(1) - 1 }) },
      { seq: 9, senderUserId: 'ben', payload: change(week(1), { title: '  ' }) },
      { seq: 10, senderUserId: 'ben', payload: cancel(Date.UTC(2300, 0, 1)) },
      { seq: 11, senderUserId: 'ben', payload: cancel(week(2) + 0.5) },
    ]);
    expect(verdicts.slice(2)).toEqual([
      ...Array.from({ length: 5 }, () => ({ accepted: true })),
      { accepted: false, reason: 'invalid_event' },
      { accepted: false, reason: 'invalid_event' },
      { accepted: false, reason: 'recurrence_out_of_range' },
      { accepted: false, reason: 'recurrence_out_of_range' },
    ]);
    // Kept, but the views expand only the occurrences the series has: all six, unchanged.
    expect(view!.overrides).toHaveLength(3);
    expect(occurrences(view!, MONDAY - 8 * DAY, week(7)).map((o) => [o.start, o.changed])).toEqual(
      [0, 1, 2, 3, 4, 5].map((n) => [week(n), undefined]),
    );
    expect(occurrences(calendarView(entries.get('single1')!, overrides.get('single1')), MONDAY, week(1))).toHaveLength(
      1,
    );
    expect(overrides.get('nowhere1')!.size).toBe(1);
  });

  it('an override that arrives before its series applies once the series is there', () => {
    const early = replay([{ seq: 2, senderUserId: 'ben', payload: cancel(week(1)) }, create]);
    expect(early.verdicts).toEqual([{ accepted: true }, { accepted: true }]);
    expect(starts(early.view!)).toHaveLength(5);
    expect(early.view).toEqual(replay([create, { seq: 2, senderUserId: 'ben', payload: cancel(week(1)) }]).view);
  });

  it("does not depend on the series' state on arrival: the reviewer's 1, 3, 2, 4", () => {
    // 1: series at 07:00; 2: moved to 08:00; 3: week 1's 07:00 occurrence cancelled (sent by Ben,
    // who applies it on the relay's ack before fetching 2); 4: back to 07:00.
    const log: CalendarLogEvent[] = [
      create,
      {
        seq: 2,
        senderUserId: 'anna',
        payload: { type: 'calendar.put', event: { ...series, start: MONDAY + HOUR, end: MONDAY + 1.5 * HOUR } },
      },
      { seq: 3, senderUserId: 'ben', payload: cancel(week(1)) },
      { seq: 4, senderUserId: 'anna', payload: { type: 'calendar.put', event: series } },
    ];
    const inSeq = replay(log);
    const ownFirst = replay([log[0]!, log[2]!, log[1]!, log[3]!]);
    expect(ownFirst.view).toEqual(inSeq.view);
    expect(starts(inSeq.view!)).toEqual([0, 2, 3, 4, 5].map((n) => new Date(week(n)).toISOString()));
    // While the series stood at 08:00, the cancellation did not apply.
    expect(starts(replay(log.slice(0, 3)).view!)).toHaveLength(6);
  });

  it('an edit of the whole series keeps its single changes; those for times it no longer has are ignored until it returns', () => {
    const moved: CalendarLogEvent = {
      seq: 4,
      senderUserId: 'anna',
      payload: { type: 'calendar.put', event: { ...series, start: MONDAY + HOUR, end: MONDAY + HOUR + HOUR / 2 } },
    };
    const { verdicts, view } = replay([
      create,
      { seq: 2, senderUserId: 'anna', payload: cancel(week(3)) },
      { seq: 3, senderUserId: 'anna', payload: { type: 'calendar.put', event: { ...series, title: 'Übergabe 3B' } } },
      moved,
      // Sent by Ben before he saw the new time: the series has no occurrence at 07:00 any more.
      { seq: 5, senderUserId: 'ben', payload: change(week(1)) },
    ]);
    expect(verdicts[4]).toEqual({ accepted: true });
    // Both were for 07:00; at 08:00 the series no longer has those occurrences, so they are ignored.
    expect(view!.overrides).toHaveLength(2);
    expect(occurrences(view!, MONDAY - DAY, week(6)).filter((o) => o.changed)).toEqual([]);
    expect(starts(view!)).toHaveLength(6);
    const back = replay([
      create,
      { seq: 2, senderUserId: 'anna', payload: cancel(week(3)) },
      { seq: 3, senderUserId: 'anna', payload: { type: 'calendar.put', event: { ...series, title: 'Übergabe 3B' } } },
      moved,
      { seq: 5, senderUserId: 'ben', payload: change(week(1)) },
      { seq: 6, senderUserId: 'anna', payload: { type: 'calendar.put', event: series } },
    ]);
    expect(starts(back.view!)).toHaveLength(5);
    expect(occurrences(back.view!, MONDAY, week(6))[1]).toMatchObject({
      start: week(1) + HOUR,
      changed: { location: 'Raum 2' },
    });
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

  it('bounds the number of overrides of one entry, keeping the latest by seq in any arrival order', () => {
    const daily: CalendarLogEvent = {
      seq: 1,
      senderUserId: 'anna',
      payload: { type: 'calendar.put', event: { ...series, rrule: 'FREQ=DAILY' } },
    };
    // Daily at 07:00 Berlin: the UTC instants shift with summer time, so take them from the series.
    const ids = seriesOccurrences(
      { ...series, rrule: 'FREQ=DAILY', sequence: 0 },
      MONDAY,
      MONDAY + 1200 * DAY,
      MAX_OVERRIDES + 3,
    ).map((o) => o.start);
    // Seqs 10.. for the first MAX_OVERRIDES + 2 occurrences; seq 2 for the last one.
    const flood: CalendarLogEvent[] = ids
      .slice(0, MAX_OVERRIDES + 2)
      .map((id, i) => ({ seq: i + 10, senderUserId: 'anna', payload: cancel(id) }));
    const early: CalendarLogEvent = { seq: 2, senderUserId: 'anna', payload: cancel(ids[MAX_OVERRIDES + 2]!) };
    const inSeq = replay([daily, early, ...flood]);
    const kept = (r: ReturnType<typeof replay>) => [...r.view!.overrides!].map((o) => o.recurrenceId);
    expect(inSeq.view!.overrides).toHaveLength(MAX_OVERRIDES);
    // The three lowest seqs (2, 10, 11) gave way.
    expect(kept(inSeq)).toEqual(ids.slice(2, MAX_OVERRIDES + 2));
    const reversed = replay([...flood].reverse().concat(early, daily));
    expect(reversed.verdicts.at(-2)).toEqual({ accepted: false, reason: 'too_many_overrides' });
    expect(reversed.view).toEqual(inSeq.view);
    // A change of an occurrence that already has an override is still accepted.
    expect(
      applyCalendarEvent(inSeq.entries, { seq: 1000, senderUserId: 'anna', payload: change(ids[5]!) }, inSeq.overrides),
    ).toEqual({ accepted: true });
  });

  it('converges for any arrival order of series edits and single changes (property)', () => {
    const action = fc.oneof(
      fc.record({
        kind: fc.constant('series' as const),
        title: fc.constantFrom('A', 'B'),
        hour: fc.constantFrom(0, 1),
        rrule: fc.constantFrom('FREQ=WEEKLY;COUNT=6', 'FREQ=WEEKLY;COUNT=3', undefined),
      }),
      fc.record({
        kind: fc.constant('change' as const),
        week: fc.integer({ min: -1, max: 6 }),
        hourAt: fc.constantFrom(0, 1),
        location: fc.constantFrom('R1', 'R2'),
        by: fc.constantFrom('anna', 'ben'),
      }),
      fc.record({
        kind: fc.constant('cancel' as const),
        week: fc.integer({ min: -1, max: 6 }),
        hourAt: fc.constantFrom(0, 1),
        by: fc.constantFrom('anna', 'ben'),
      }),
    );
    // A log and a genuine permutation of it: the order one client applied it in.
    const logAndOrder = fc.array(action, { maxLength: 20 }).chain((steps) => {
      const log: CalendarLogEvent[] = [create];
      steps.forEach((a, i) => {
        const seq = i + 2;
        if (a.kind === 'series') {
          const { rrule: _rrule, ...rest } = series;
          log.push({
            seq,
            senderUserId: 'anna',
            payload: {
              type: 'calendar.put',
              event: {
                ...rest,
                ...(a.rrule ? { rrule: a.rrule } : {}),
                title: a.title,
                start: MONDAY + a.hour * HOUR,
                end: MONDAY + a.hour * HOUR + HOUR / 2,
              },
            },
          });
        } else if (a.kind === 'change')
          log.push({
            seq,
            senderUserId: a.by,
            payload: change(week(a.week) + a.hourAt * HOUR, { location: a.location }),
          });
        else log.push({ seq, senderUserId: a.by, payload: cancel(week(a.week) + a.hourAt * HOUR) });
      });
      return fc.tuple(fc.constant(log), fc.shuffledSubarray(log, { minLength: log.length, maxLength: log.length }));
    });
    fc.assert(
      fc.property(logAndOrder, ([log, shuffled]) => {
        const [a, b] = [replay(shuffled).view!, replay(log).view!];
        expect(a).toEqual(b);
        expect(occurrences(a, MONDAY - 8 * DAY, week(7))).toEqual(occurrences(b, MONDAY - 8 * DAY, week(7)));
      }),
      { numRuns: 300 },
    );
  });
});
