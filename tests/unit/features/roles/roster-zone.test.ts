// A roster file's own VTIMEZONE applies to that file only. ical.js keeps one time zone service per
// process, which the calendar's iCalendar import reads Europe/Berlin from as well: a
// roster exported with its own (old, wrong or simply different) definition of "Europe/Berlin"
// must not change how every later file is read.
import { expect, it } from 'vitest';
import { parseIcsRoster } from '../../../../apps/desktop/electron/core/features/roles/roster-import.ts';

const people = [{ userId: 'anna-0001', displayName: 'Dr. Anna Albers' }];

const ics = (zone: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Dienstplan//DE',
    zone,
    'BEGIN:VEVENT',
    'UID:dienst-1@dienstplan',
    'DTSTAMP:20261201T000000Z',
    'SUMMARY:Dr. Anna Albers',
    'DTSTART;TZID=Europe/Berlin:20261207T080000',
    'DTEND;TZID=Europe/Berlin:20261207T160000',
    'END:VEVENT',
    'END:VCALENDAR',
  ]
    .filter((line) => line !== '')
    .join('\r\n');

/** A "Europe/Berlin" the roster software got wrong: a fixed +05:00. */
const wrongBerlin = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  'TZOFFSETFROM:+0500',
  'TZOFFSETTO:+0500',
  'TZNAME:XST',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

it('reads a file in its own zone, and a later file without one in the real Europe/Berlin', () => {
  const own = parseIcsRoster(ics(wrongBerlin), people);
  expect(own[0]).toMatchObject({ start: Date.UTC(2026, 11, 7, 3, 0), error: null });
  const later = parseIcsRoster(ics(''), people);
  expect(later[0]).toMatchObject({ start: Date.UTC(2026, 11, 7, 7, 0), error: null });
});
