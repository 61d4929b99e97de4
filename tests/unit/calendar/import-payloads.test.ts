// An imported series becomes a calendar.put followed by one event per changed or cancelled
// occurrence, every one of them valid for the wire schema; what cannot be kept is reported.
import { describe, expect, it } from 'vitest';
import { channelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { importPayloads } from '../../../apps/desktop/electron/core/calendar/import-payloads.ts';
import type { CalendarEvent } from '../../../apps/desktop/electron/core/calendar/model.ts';

const start = Date.UTC(2026, 10, 10, 13);
const series: CalendarEvent = {
  uid: '040000008200E00074C5B7101A82E008@outlook.com',
  title: 'Qualitätszirkel',
  start,
  end: start + 3_600_000,
  allDay: false,
  timeZone: 'Europe/Berlin',
  rrule: 'FREQ=WEEKLY;COUNT=6',
  attendees: [
    { userId: 'usrBennoPflege1', name: 'Benno', rsvp: 'yes' },
    { userId: 'someone@example.org', name: 'Extern', rsvp: 'pending' },
  ],
  sequence: 3,
  cancelled: false,
  overrides: [
    {
      recurrenceId: start + 7 * 86_400_000,
      sequence: 1,
      cancelled: false,
      title: '  ',
      start: start + 7 * 86_400_000 + 3_600_000,
      end: start + 7 * 86_400_000 + 7_200_000,
      location: 'Raum 5',
    },
    { recurrenceId: start + 14 * 86_400_000, sequence: 0, cancelled: true },
  ],
};
const directory = (userId: string) => (userId === 'usrBennoPflege1' ? 'Benno Pflege' : null);

describe('import payloads', () => {
  it('the series first, then its occurrences, under the same short uid', () => {
    const { payloads, problems } = importPayloads(series, directory);
    expect(problems).toEqual([]);
    expect(payloads.map((p) => channelEventPayload.safeParse(p).success)).toEqual([true, true, true]);
    expect(payloads.map((p) => p.type)).toEqual([
      'calendar.put',
      'calendar.occurrence.put',
      'calendar.occurrence.cancel',
    ]);
    const uids = new Set(payloads.map((p) => (p as { uid: string }).uid));
    expect(uids.size).toBe(1);
    expect([...uids][0]).toMatch(/^ics[A-Za-z0-9_-]{22}$/);
    expect(payloads[0]).toMatchObject({ attendees: [{ userId: 'usrBennoPflege1', name: 'Benno Pflege' }] });
    // An occurrence without its own title keeps the series' title.
    expect(payloads[1]).toMatchObject({
      title: 'Qualitätszirkel',
      location: 'Raum 5',
      recurrenceId: start + 7 * 86_400_000,
    });
  });

  it('drops the occurrences with a recurrence it cannot keep, and says so', () => {
    const { payloads, problems } = importPayloads({ ...series, rrule: 'FREQ=SECONDLY' }, directory);
    expect(payloads.map((p) => p.type)).toEqual(['calendar.put']);
    expect(problems.map((p) => p.reason)).toEqual([
      'recurrence not supported, imported as a single event',
      '2 changed or cancelled occurrences skipped with the recurrence',
    ]);
  });
});
