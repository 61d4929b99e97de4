import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { exportIcs, importIcs } from '../../../electron/core/calendar/ics.ts';
import type { CalendarEvent } from '../../../electron/core/calendar/model.ts';
import { occurrences } from '../../../electron/core/calendar/recurrence.ts';

const handover: CalendarEvent = {
  uid: 'evt-handover-1',
  title: 'Schichtübergabe Station 3B',
  // Monday 2026-10-19 07:00 in Berlin (CEST, UTC+2)
  start: Date.UTC(2026, 9, 19, 5, 0),
  end: Date.UTC(2026, 9, 19, 5, 30),
  allDay: false,
  timeZone: 'Europe/Berlin',
  location: 'Stationszimmer 3B',
  description: 'Übergabe; Besonderheiten: Zimmer 12 (Isolation)',
  meetingUrl: 'https://jitsi.klinik.example/uebergabe-3b',
  rrule: 'FREQ=WEEKLY;BYDAY=MO',
  organizer: { userId: 'u-anna', name: 'Anna Berger' },
  attendees: [
    { userId: 'u-ben', name: 'Ben Öztürk', rsvp: 'yes' },
    { userId: 'u-cara', name: 'Cara Schmidt', rsvp: 'maybe' },
    { userId: 'u-dirk', name: 'Dirk Wagner', rsvp: 'pending' },
  ],
  sequence: 2,
  cancelled: false,
};

const teamDay: CalendarEvent = {
  uid: 'evt-teamday',
  title: 'Teamtag',
  start: Date.UTC(2026, 11, 3),
  end: Date.UTC(2026, 11, 5),
  allDay: true,
  timeZone: 'Europe/Berlin',
  attendees: [],
  sequence: 0,
  cancelled: false,
};

describe('iCalendar export', () => {
  it('round-trips through ical.js with every field intact', () => {
    const text = exportIcs([handover, teamDay], { calendarName: 'Station 3B', now: Date.UTC(2026, 10, 22) });
    const { events, problems } = importIcs(text);
    expect(problems).toEqual([]);
    expect(events).toEqual([handover, teamDay]);
  });

  it('writes what Outlook and Thunderbird expect: VERSION, PRODID, TZID with VTIMEZONE, CRLF lines', () => {
    const text = exportIcs([handover], { now: Date.UTC(2026, 10, 22) });
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(text).toContain('VERSION:2.0\r\n');
    expect(text).toContain('PRODID:-//Klinikfunk//Klinikfunk Calendar//DE');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20261019T070000');
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin');
    expect(text).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO');
    expect(text).toContain('PARTSTAT=ACCEPTED');
    expect(text.split('\r\n').every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true);
    // The raw parser sees one event with the Berlin start time.
    const vevent = new ICAL.Component(ICAL.parse(text) as unknown as unknown[]).getFirstSubcomponent('vevent')!;
    const start = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect([start.hour, start.minute]).toEqual([7, 0]);
  });

  it('all-day events are dates, not times', () => {
    const text = exportIcs([teamDay], { now: 0 });
    expect(text).toContain('DTSTART;VALUE=DATE:20261203');
    expect(text).toContain('DTEND;VALUE=DATE:20261205');
    expect(text).not.toContain('VTIMEZONE');
  });

  it('marks cancelled events', () => {
    const { events } = importIcs(exportIcs([{ ...handover, cancelled: true, sequence: 3 }], { now: 0 }));
    expect(events[0]).toMatchObject({ cancelled: true, sequence: 3 });
  });
});

describe('iCalendar import', () => {
  it('reads an Outlook file with a Windows time zone name', () => {
    const outlook = [
      'BEGIN:VCALENDAR',
      'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
      'VERSION:2.0',
      'METHOD:PUBLISH',
      'BEGIN:VTIMEZONE',
      'TZID:W. Europe Standard Time',
      'BEGIN:STANDARD',
      'DTSTART:16011028T030000',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:16010325T020000',
      'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:040000008200E00074C5B7101A82E008000000001',
      'SUMMARY:Qualitätszirkel',
      'DTSTART;TZID="W. Europe Standard Time":20261124T140000',
      'DTEND;TZID="W. Europe Standard Time":20261124T150000',
      'LOCATION:Konferenzraum 2',
      'DTSTAMP:20261120T100000Z',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const { events, problems } = importIcs(outlook);
    expect(problems).toEqual([]);
    expect(events[0]).toMatchObject({ title: 'Qualitätszirkel', location: 'Konferenzraum 2', start: Date.UTC(2026, 10, 24, 13, 0), end: Date.UTC(2026, 10, 24, 14, 0) });
  });

  it.each([
    ['not a calendar', 'hello world'],
    ['a truncated file', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026'],
  ])('reports %s as a problem instead of throwing', (_label, text) => {
    const result = importIcs(text);
    expect(result.events).toEqual([]);
    expect(result.problems.length).toBeGreaterThan(0);
  });

  it('skips an event without UID and keeps the rest', () => {
    const text = exportIcs([teamDay], { now: 0 }).replace('END:VCALENDAR', 'BEGIN:VEVENT\r\nSUMMARY:kaputt\r\nDTSTART:20261201T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR');
    const { events, problems } = importIcs(text);
    expect(events.map((e) => e.uid)).toEqual(['evt-teamday']);
    expect(problems).toEqual([{ uid: null, reason: 'event without UID' }]);
  });
});

describe('recurrence', () => {
  it('a weekly 07:00 handover stays at 07:00 Berlin time across the end of summer time', () => {
    const list = occurrences(handover, Date.UTC(2026, 9, 18), Date.UTC(2026, 10, 3));
    expect(list.map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-10-19T05:00:00.000Z', // CEST
      '2026-10-26T06:00:00.000Z', // CET after 25 October
      '2026-11-02T06:00:00.000Z',
    ]);
    expect(list.every((o) => o.end - o.start === 30 * 60_000)).toBe(true);
  });

  it('a cancelled series has no occurrences; a single event only when it overlaps', () => {
    expect(occurrences({ ...handover, cancelled: true }, 0, Date.UTC(2030, 0))).toEqual([]);
    expect(occurrences(teamDay, Date.UTC(2026, 11, 4), Date.UTC(2026, 11, 10))).toHaveLength(1);
    expect(occurrences(teamDay, Date.UTC(2026, 11, 5), Date.UTC(2026, 11, 10))).toHaveLength(0);
  });

  it('bounds a hostile rule', () => {
    const list = occurrences({ ...handover, rrule: 'FREQ=SECONDLY' }, handover.start, handover.start + 10 * 86_400_000, 1000);
    expect(list).toHaveLength(1000);
  });
});
