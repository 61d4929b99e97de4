import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { exportIcs, importIcs } from '../../../apps/desktop/electron/core/calendar/ics.ts';
import type { CalendarEvent } from '../../../apps/desktop/electron/core/calendar/model.ts';
import { occurrences } from '../../../apps/desktop/electron/core/calendar/recurrence.ts';

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

/** The time zone block Outlook writes for Berlin (a Windows zone name, not an IANA one). */
const OUTLOOK_BERLIN_ZONE = [
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
];

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
      ...OUTLOOK_BERLIN_ZONE,
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
    expect(events[0]).toMatchObject({
      title: 'Qualitätszirkel',
      location: 'Konferenzraum 2',
      start: Date.UTC(2026, 10, 24, 13, 0),
      end: Date.UTC(2026, 10, 24, 14, 0),
    });
  });

  it.each([
    ['not a calendar', 'hello world'],
    ['a truncated file', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026'],
    ['an empty file', ''],
    ['blank lines', ' \r\n\n  '],
    ['another component than VCALENDAR', 'BEGIN:VTODO\r\nEND:VTODO'],
  ])('reports %s as unreadable instead of throwing', (_label, text) => {
    const result = importIcs(text);
    expect(result.events).toEqual([]);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.unreadable).toEqual(expect.any(String));
  });

  it('skips an event without UID and keeps the rest', () => {
    const text = exportIcs([teamDay], { now: 0 }).replace(
      'END:VCALENDAR',
      'BEGIN:VEVENT\r\nSUMMARY:kaputt\r\nDTSTART:20261201T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR',
    );
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
    const list = occurrences(
      { ...handover, rrule: 'FREQ=SECONDLY' },
      handover.start,
      handover.start + 10 * 86_400_000,
      1000,
    );
    expect(list).toHaveLength(1000);
  });
});

describe('single occurrences in iCalendar (RECURRENCE-ID, EXDATE)', () => {
  // The handover series: 26 October cancelled, 2 November moved to 08:00 with its own title.
  const changedHandover: CalendarEvent = {
    ...handover,
    overrides: [
      { recurrenceId: Date.UTC(2026, 9, 26, 6), sequence: 0, cancelled: true },
      {
        recurrenceId: Date.UTC(2026, 10, 2, 6),
        sequence: 1,
        cancelled: false,
        title: 'Schichtübergabe (verlegt)',
        start: Date.UTC(2026, 10, 2, 7),
        end: Date.UTC(2026, 10, 2, 7, 30),
        location: 'Raum 2',
        description: 'Wegen der Begehung eine Stunde später',
      },
    ],
  };
  // Weekend duty, Saturday and Sunday (DTEND exclusive), four times; the second moved by a day, the third cancelled.
  const weekendDuty: CalendarEvent = {
    uid: 'evt-weekend-duty',
    title: 'Wochenenddienst',
    start: Date.UTC(2026, 11, 5),
    end: Date.UTC(2026, 11, 7),
    allDay: true,
    timeZone: 'Europe/Berlin',
    rrule: 'FREQ=WEEKLY;COUNT=4',
    attendees: [],
    sequence: 0,
    cancelled: false,
    overrides: [
      {
        recurrenceId: Date.UTC(2026, 11, 12),
        sequence: 0,
        cancelled: false,
        title: 'Wochenenddienst (verschoben)',
        start: Date.UTC(2026, 11, 13),
        end: Date.UTC(2026, 11, 15),
      },
      { recurrenceId: Date.UTC(2026, 11, 19), sequence: 0, cancelled: true },
    ],
  };

  it('round-trips: the series with EXDATE, one VEVENT with RECURRENCE-ID per change', () => {
    const text = exportIcs([changedHandover, weekendDuty], { now: Date.UTC(2026, 10, 22) });
    expect(text).toContain('EXDATE;TZID=Europe/Berlin:20261026T070000');
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20261102T070000');
    expect(text).toContain('EXDATE;VALUE=DATE:20261219');
    expect(text).toContain('RECURRENCE-ID;VALUE=DATE:20261212');
    const { events, problems } = importIcs(text);
    expect(problems).toEqual([]);
    expect(events).toEqual([changedHandover, weekendDuty]);
  });

  it('ical.js expands the exported series as Klinikfunk does', () => {
    const root = new ICAL.Component(ICAL.parse(exportIcs([changedHandover], { now: 0 })) as unknown as unknown[]);
    const [master, ...exceptions] = root.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]!.isRecurrenceException()).toBe(true);
    expect(exceptions[0]!.attendees).toHaveLength(3); // a whole event, as RFC 5545 wants
    master!.relateException(exceptions[0]!);
    const theirs: string[][] = [];
    const iterator = master!.iterator();
    for (
      let next = iterator.next();
      next && next.toJSDate().getTime() < Date.UTC(2026, 10, 10);
      next = iterator.next()
    ) {
      const details = master!.getOccurrenceDetails(next);
      theirs.push([details.startDate.toJSDate().toISOString(), details.item.summary]);
    }
    const ours = occurrences(changedHandover, changedHandover.start, Date.UTC(2026, 10, 10)).map((o) => [
      new Date(o.start).toISOString(),
      o.changed?.title ?? handover.title,
    ]);
    expect(theirs).toEqual(ours);
    expect(ours).toEqual([
      ['2026-10-19T05:00:00.000Z', 'Schichtübergabe Station 3B'],
      ['2026-11-02T07:00:00.000Z', 'Schichtübergabe (verlegt)'],
      ['2026-11-09T06:00:00.000Z', 'Schichtübergabe Station 3B'],
    ]);
  });

  it('reads what Outlook writes: the changed occurrence before its series, several EXDATEs in one line, a Windows zone', () => {
    const outlook = [
      'BEGIN:VCALENDAR',
      'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
      'VERSION:2.0',
      ...OUTLOOK_BERLIN_ZONE,
      'BEGIN:VEVENT',
      'UID:040000008200E00074C5B7101A82E0080000000077',
      'RECURRENCE-ID;TZID="W. Europe Standard Time":20261117T140000',
      'SUMMARY:Qualitätszirkel (Raumwechsel)',
      'DTSTART;TZID="W. Europe Standard Time":20261117T150000',
      'DTEND;TZID="W. Europe Standard Time":20261117T160000',
      'LOCATION:Konferenzraum 5',
      'SEQUENCE:2',
      'DTSTAMP:20261110T100000Z',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:040000008200E00074C5B7101A82E0080000000077',
      'SUMMARY:Qualitätszirkel',
      'DTSTART;TZID="W. Europe Standard Time":20261110T140000',
      'DTEND;TZID="W. Europe Standard Time":20261110T150000',
      'RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=TU',
      'EXDATE;TZID="W. Europe Standard Time":20261124T140000,20261201T140000,20261202T140000',
      'LOCATION:Konferenzraum 2',
      'DTSTAMP:20261110T100000Z',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:only-an-exception',
      'RECURRENCE-ID:20261117T130000Z',
      'SUMMARY:Verwaist',
      'DTSTART:20261117T130000Z',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:040000008200E00074C5B7101A82E0080000000077',
      'RECURRENCE-ID;RANGE=THISANDFUTURE;TZID="W. Europe Standard Time":20261208T140000',
      'SUMMARY:Qualitätszirkel ab Dezember',
      'DTSTART;TZID="W. Europe Standard Time":20261208T150000',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const { events, problems } = importIcs(outlook);
    expect(events).toHaveLength(1);
    expect(events[0]!.overrides).toEqual([
      {
        recurrenceId: Date.UTC(2026, 10, 17, 13),
        sequence: 2,
        cancelled: false,
        title: 'Qualitätszirkel (Raumwechsel)',
        start: Date.UTC(2026, 10, 17, 14),
        end: Date.UTC(2026, 10, 17, 15),
        location: 'Konferenzraum 5',
      },
      { recurrenceId: Date.UTC(2026, 10, 24, 13), sequence: 0, cancelled: true },
      { recurrenceId: Date.UTC(2026, 11, 1, 13), sequence: 0, cancelled: true },
    ]);
    expect(problems).toEqual([
      {
        uid: '040000008200E00074C5B7101A82E0080000000077',
        reason: 'cancelled occurrence 2026-12-02T13:00:00.000Z is not in the series',
      },
      { uid: 'only-an-exception', reason: 'changed occurrence without its series' },
      {
        uid: '040000008200E00074C5B7101A82E0080000000077',
        reason: 'changes to this and all later occurrences (RANGE=THISANDFUTURE) not supported',
      },
    ]);
    // Tuesdays 10 November to 15 December, without 24 November and 1 December; the 17th an hour later.
    expect(occurrences(events[0]!, 0, Date.UTC(2027, 0)).map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-11-10T13:00:00.000Z',
      '2026-11-17T14:00:00.000Z',
      '2026-12-08T13:00:00.000Z',
      '2026-12-15T13:00:00.000Z',
    ]);
  });

  it('a changed occurrence the series does not have is reported, not attached', () => {
    const text = exportIcs([changedHandover], { now: 0 }).replace(
      'RECURRENCE-ID;TZID=Europe/Berlin:20261102T070000',
      'RECURRENCE-ID;TZID=Europe/Berlin:20261103T070000',
    );
    const { events, problems } = importIcs(text);
    expect(problems).toEqual([
      { uid: handover.uid, reason: 'changed occurrence 2026-11-03T06:00:00.000Z is not in the series' },
    ]);
    expect(events[0]!.overrides).toEqual([changedHandover.overrides![0]]);
  });
});
