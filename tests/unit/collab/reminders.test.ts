import { describe, expect, it } from 'vitest';
import type { CalendarEvent } from '../../../apps/desktop/electron/core/calendar/model.ts';
import { dueReminders } from '../../../apps/desktop/electron/core/calendar/reminders.ts';

const MIN = 60_000;
const start = Date.UTC(2026, 10, 2, 6); // Monday 07:00 Berlin
const entry = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: 'e1',
  title: 'Übergabe',
  start,
  end: start + 30 * MIN,
  allDay: false,
  timeZone: 'Europe/Berlin',
  attendees: [{ userId: 'ben', name: 'Ben', rsvp: 'pending' }],
  sequence: 0,
  cancelled: false,
  ...over,
});
const creators = new Map([['e1', 'anna']]);

describe('calendar reminders', () => {
  it('is due once, in the window that contains start minus 15 minutes', () => {
    const at = start - 15 * MIN;
    expect(dueReminders([entry()], creators, 'ben', { from: at - 30_000, to: at })).toEqual([
      { uid: 'e1', title: 'Übergabe', start },
    ]);
    expect(dueReminders([entry()], creators, 'ben', { from: at, to: at + 30_000 })).toEqual([]);
    expect(dueReminders([entry()], creators, 'ben', { from: at - 60_000, to: at - 30_000 })).toEqual([]);
  });

  it('reminds the organizer and attendees who did not decline, not others; not for cancelled entries', () => {
    const window = { from: start - 16 * MIN, to: start - 15 * MIN };
    expect(dueReminders([entry()], creators, 'anna', window)).toHaveLength(1);
    expect(dueReminders([entry()], creators, 'cara', window)).toHaveLength(0);
    expect(
      dueReminders([entry({ attendees: [{ userId: 'ben', name: 'Ben', rsvp: 'no' }] })], creators, 'ben', window),
    ).toHaveLength(0);
    expect(dueReminders([entry({ cancelled: true })], creators, 'anna', window)).toHaveLength(0);
  });

  it('follows the recurrence: the third weekly occurrence reminds in its own window', () => {
    const third = start + 14 * 86_400_000;
    const window = { from: third - 16 * MIN, to: third - 15 * MIN };
    expect(
      dueReminders([entry({ rrule: 'FREQ=WEEKLY;COUNT=5' })], creators, 'ben', window).map((r) => r.start),
    ).toEqual([third]);
  });

  it('a changed occurrence reminds at its new time with its own title; a cancelled one not at all', () => {
    const second = start + 7 * 86_400_000;
    const third = start + 14 * 86_400_000;
    const series = entry({
      rrule: 'FREQ=WEEKLY;COUNT=5',
      overrides: [
        {
          recurrenceId: second,
          sequence: 0,
          cancelled: false,
          title: 'Übergabe (verlegt)',
          start: second + 60 * MIN,
          end: second + 90 * MIN,
        },
        { recurrenceId: third, sequence: 0, cancelled: true },
      ],
    });
    const around = (at: number) => ({ from: at - 16 * MIN, to: at - 15 * MIN });
    expect(dueReminders([series], creators, 'ben', around(second))).toEqual([]);
    expect(dueReminders([series], creators, 'ben', around(second + 60 * MIN))).toEqual([
      { uid: 'e1', title: 'Übergabe (verlegt)', start: second + 60 * MIN },
    ]);
    expect(dueReminders([series], creators, 'ben', around(third))).toEqual([]);
  });
});
