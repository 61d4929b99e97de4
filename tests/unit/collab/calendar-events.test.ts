import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalendarEvent } from '../../../apps/desktop/electron/core/calendar/model.ts';
import {
  applyCalendarEvent,
  calendarView,
  type CalendarEntry,
  type CalendarLogEvent,
} from '../../../apps/desktop/electron/core/calendar/calendar-events.ts';

const base: Omit<CalendarEvent, 'sequence'> = {
  uid: 'e1',
  title: 'Teambesprechung',
  start: Date.UTC(2026, 10, 25, 13),
  end: Date.UTC(2026, 10, 25, 14),
  allDay: false,
  timeZone: 'Europe/Berlin',
  attendees: [
    { userId: 'ben', name: 'Ben', rsvp: 'pending' },
    { userId: 'cara', name: 'Cara', rsvp: 'pending' },
  ],
  cancelled: false,
};

function replay(log: CalendarLogEvent[]) {
  const entries = new Map<string, CalendarEntry>();
  const verdicts = [...log].sort((a, b) => a.seq - b.seq).map((e) => applyCalendarEvent(entries, e));
  return { entries, verdicts };
}

describe('calendar events', () => {
  it('the edit with the higher relay seq wins, whatever order the edits arrived in', () => {
    const editByAnna: CalendarLogEvent = {
      seq: 2,
      senderUserId: 'anna',
      payload: { type: 'calendar.put', event: { ...base, title: 'Teambesprechung (Raum 2)' } },
    };
    const editByBen: CalendarLogEvent = {
      seq: 3,
      senderUserId: 'ben',
      payload: { type: 'calendar.put', event: { ...base, location: 'Raum 4' } },
    };
    const create: CalendarLogEvent = { seq: 1, senderUserId: 'anna', payload: { type: 'calendar.put', event: base } };
    const a = replay([create, editByAnna, editByBen]);
    const b = replay([editByBen, create, editByAnna]);
    expect(calendarView(a.entries.get('e1')!)).toEqual(calendarView(b.entries.get('e1')!));
    expect(a.entries.get('e1')!.event).toMatchObject({ title: 'Teambesprechung', location: 'Raum 4', sequence: 2 });
  });

  it('a cancellation by one member and an edit by another converge to the later one', () => {
    const log: CalendarLogEvent[] = [
      { seq: 1, senderUserId: 'anna', payload: { type: 'calendar.put', event: base } },
      { seq: 2, senderUserId: 'ben', payload: { type: 'calendar.cancel', uid: 'e1' } },
      { seq: 3, senderUserId: 'cara', payload: { type: 'calendar.put', event: { ...base, title: 'Doch statt' } } },
    ];
    expect(replay(log).entries.get('e1')!.event).toMatchObject({ cancelled: false, title: 'Doch statt' });
    expect(replay(log.slice(0, 2)).entries.get('e1')!.event.cancelled).toBe(true);
  });

  it('RSVPs survive edits; only attendees answer, only for themselves', () => {
    const { entries, verdicts } = replay([
      { seq: 1, senderUserId: 'anna', payload: { type: 'calendar.put', event: base } },
      { seq: 2, senderUserId: 'ben', payload: { type: 'calendar.rsvp', uid: 'e1', rsvp: 'yes' } },
      { seq: 3, senderUserId: 'anna', payload: { type: 'calendar.put', event: { ...base, title: 'Neu' } } },
      { seq: 4, senderUserId: 'mallory', payload: { type: 'calendar.rsvp', uid: 'e1', rsvp: 'no' } },
      { seq: 5, senderUserId: 'cara', payload: { type: 'calendar.rsvp', uid: 'e1', rsvp: 'maybe' } },
    ]);
    expect(verdicts[3]).toEqual({ accepted: false, reason: 'not_attendee' });
    expect(calendarView(entries.get('e1')!).attendees.map((a) => [a.userId, a.rsvp])).toEqual([
      ['ben', 'yes'],
      ['cara', 'maybe'],
    ]);
  });

  it('converges for any arrival order of any set of edits (property)', () => {
    const action = fc.oneof(
      fc.record({
        type: fc.constant('calendar.put' as const),
        event: fc.record({ title: fc.constantFrom('A', 'B', 'C'), location: fc.constantFrom('R1', 'R2') }),
      }),
      fc.record({ type: fc.constant('calendar.cancel' as const) }),
      fc.record({
        type: fc.constant('calendar.rsvp' as const),
        rsvp: fc.constantFrom('yes' as const, 'no' as const, 'maybe' as const),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('anna', 'ben', 'cara'), action), { maxLength: 25 }),
        fc.integer(),
        (steps, shuffleSeed) => {
          const log: CalendarLogEvent[] = [
            { seq: 1, senderUserId: 'anna', payload: { type: 'calendar.put', event: base } },
          ];
          steps.forEach(([user, a], i) => {
            const seq = i + 2;
            if (a.type === 'calendar.put')
              log.push({ seq, senderUserId: user, payload: { type: 'calendar.put', event: { ...base, ...a.event } } });
            else if (a.type === 'calendar.cancel')
              log.push({ seq, senderUserId: user, payload: { type: 'calendar.cancel', uid: 'e1' } });
            else log.push({ seq, senderUserId: user, payload: { type: 'calendar.rsvp', uid: 'e1', rsvp: a.rsvp } });
          });
          const shuffled = [...log].sort(
            (x, y) => ((x.seq * 7919 + shuffleSeed) % 101) - ((y.seq * 7919 + shuffleSeed) % 101),
          );
          expect(calendarView(replay(shuffled).entries.get('e1')!)).toEqual(
            calendarView(replay(log).entries.get('e1')!),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
