// Duty roster import (features/roles/roster-import.ts): iCalendar and CSV into UTC entries, with a
// reason per row the preview shows; Europe/Berlin local times across both DST changes.
import { describe, expect, it } from 'vitest';
import {
  berlinLocalToUtc,
  parseCsvRoster,
  parseIcsRoster,
} from '../../../../apps/desktop/electron/core/features/roles/roster-import.ts';

const people = [
  { userId: 'anna-0001', displayName: 'Dr. Anna Albers' },
  { userId: 'bert-0001', displayName: 'Bert Brandt' },
  { userId: 'bert-0002', displayName: 'Bert Brandt' },
];

describe('Europe/Berlin wall-clock times', () => {
  it('reads winter and summer time, refuses the skipped hour and takes the first of the repeated one', () => {
    expect(berlinLocalToUtc('2027-01-10 08:00')).toBe(Date.UTC(2027, 0, 10, 7, 0));
    expect(berlinLocalToUtc('10.07.2027 08:00')).toBe(Date.UTC(2027, 6, 10, 6, 0));
    expect(berlinLocalToUtc('2027-03-28 02:30')).toBe('nonexistent');
    expect(berlinLocalToUtc('2027-10-31 02:30')).toBe(Date.UTC(2027, 9, 31, 0, 30));
    expect(berlinLocalToUtc('2027-02-30 08:00')).toBeNull();
    expect(berlinLocalToUtc('morgen früh')).toBeNull();
  });
});

describe('CSV', () => {
  it('matches people by name or user id and reports each bad row with its line', () => {
    const rows = parseCsvRoster(
      [
        'Person;Beginn;Ende',
        'Dr. Anna Albers;27.03.2027 22:00;28.03.2027 06:00',
        'bert-0002;2027-03-28 06:00;2027-03-28 14:00',
        'Bert Brandt;2027-03-28 14:00;2027-03-28 22:00',
        'Zora Zett;2027-03-28 14:00;2027-03-28 22:00',
        'anna-0001;2027-03-28 02:30;2027-03-28 06:00',
        'anna-0001;2027-03-28 10:00;2027-03-28 09:00',
        '',
        '"Albers, Anna";x;y',
      ].join('\r\n'),
      people,
    );
    expect(rows.map((r) => [r.row, r.userId, r.error])).toEqual([
      [2, 'anna-0001', null],
      [3, 'bert-0002', null],
      [4, null, 'ambiguous_person'],
      [5, null, 'unknown_person'],
      [6, 'anna-0001', 'nonexistent_time'],
      [7, 'anna-0001', 'end_before_start'],
      [9, null, 'unknown_person'],
    ]);
    expect(rows[0]!.end! - rows[0]!.start!).toBe(7 * 3600_000);
  });

  it('says which column is missing instead of guessing', () => {
    expect(parseCsvRoster('Wer,Wann\nAnna,heute', people)).toEqual([
      { row: 1, person: '', userId: null, start: null, end: null, error: 'missing_column' },
    ]);
  });
});

describe('iCalendar', () => {
  it('reads the holder from ATTENDEE CN or SUMMARY, TZID Europe/Berlin, UTC and floating times', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Dienstplan//DE',
      'BEGIN:VEVENT',
      'UID:a1',
      'SUMMARY:Nachtdienst',
      'ATTENDEE;CN=Dr. Anna Albers:mailto:anna@example.org',
      'DTSTART;TZID=Europe/Berlin:20271030T220000',
      'DTEND;TZID=Europe/Berlin:20271031T060000',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:a2',
      'SUMMARY:bert-0001',
      'DTSTART:20271031T050000Z',
      'DTEND:20271031T130000Z',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:a3',
      'SUMMARY:Niemand',
      'DTSTART:20271031T140000',
      'DTEND:20271031T220000',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:a4',
      'SUMMARY:bert-0001',
      'DTSTART;VALUE=DATE:20271101',
      'DTEND;VALUE=DATE:20271102',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const rows = parseIcsRoster(ics, people);
    expect(rows.map((r) => [r.row, r.userId, r.error])).toEqual([
      [1, 'anna-0001', null],
      [2, 'bert-0001', null],
      [3, null, 'unknown_person'],
      [4, 'bert-0001', 'bad_time'],
    ]);
    expect(rows[0]).toMatchObject({ start: Date.UTC(2027, 9, 30, 20, 0), end: Date.UTC(2027, 9, 31, 5, 0) });
  });

  it('reports a file that is not iCalendar as one bad row', () => {
    expect(parseIcsRoster('not a calendar', people)[0]!.error).toBe('bad_time');
  });
});
