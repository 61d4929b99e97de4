// Reads a duty roster exported by the clinic's roster software, as iCalendar (one VEVENT per duty:
// the holder is its first ATTENDEE's CN, else its SUMMARY) or CSV (columns Person; Beginn; Ende),
// into schedule entries in UTC. CSV times are Europe/Berlin wall-clock: one the DST change skips
// (02:30 on the last Sunday of March) is refused with its row, one it repeats (02:30 on the last
// Sunday of October) is read as the first, summer-time, one. iCalendar times are read by ical.js
// in their own zone (floating ones as Europe/Berlin; a TZID other than that needs its VTIMEZONE). Every row that cannot become an entry is
// reported with its number and reason, for the import preview; nothing here sends anything.
import ICAL from 'ical.js';
import { berlinZone, toUtcMs } from '../../calendar/ical-zone.ts';

export interface RosterPerson {
  userId: string;
  displayName: string;
}

export type RosterRowError =
  'unknown_person' | 'ambiguous_person' | 'bad_time' | 'nonexistent_time' | 'end_before_start' | 'missing_column';

export interface RosterRow {
  /** 1-based: the CSV line, or the VEVENT's position in the file. */
  row: number;
  person: string;
  userId: string | null;
  start: number | null;
  end: number | null;
  error: RosterRowError | null;
}

export type RosterFormat = 'ics' | 'csv';

/** Matches a roster's person to a user: their user id, or their display name when exactly one user has it. */
function matcher(people: readonly RosterPerson[]) {
  const byId = new Map(people.map((p) => [p.userId, p]));
  const byName = new Map<string, RosterPerson[]>();
  for (const p of people) {
    const key = p.displayName.trim().toLocaleLowerCase('de');
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  return (person: string): { userId: string } | { error: RosterRowError } => {
    const trimmed = person.trim();
    const hit = byId.get(trimmed);
    if (hit) return { userId: hit.userId };
    const named = byName.get(trimmed.toLocaleLowerCase('de')) ?? [];
    if (named.length === 1) return { userId: named[0]!.userId };
    return { error: named.length > 1 ? 'ambiguous_person' : 'unknown_person' };
  };
}

const LOCAL_TIME = /^(?:(\d{4})-(\d{2})-(\d{2})|(\d{2})\.(\d{2})\.(\d{4}))[ T](\d{2}):(\d{2})$/;

const berlinParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Berlin',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});

/** The Europe/Berlin wall-clock of an instant, as if it were UTC (so two can be compared). */
function berlinWallClock(utc: number): number {
  const part = (type: string) => Number(berlinParts.formatToParts(utc).find((p) => p.type === type)!.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
}

/** A Europe/Berlin wall-clock time as UTC ms; null when unreadable, 'nonexistent' when DST skips it. */
export function berlinLocalToUtc(text: string): number | 'nonexistent' | null {
  const m = LOCAL_TIME.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = m[1] ? [+m[1], +m[2]!, +m[3]!] : [+m[6]!, +m[5]!, +m[4]!];
  const [hour, minute] = [+m[7]!, +m[8]!];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const d = new Date(wall);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  // The zone's offsets around that day; each that maps back to the same wall-clock is a reading
  // (two in the repeated hour: the earlier instant, summer time, is taken; none in the skipped one).
  const offsets = new Set([wall - 12 * 3600_000, wall + 12 * 3600_000].map((t) => berlinWallClock(t) - t));
  const readings = [...offsets].map((o) => wall - o).filter((utc) => berlinWallClock(utc) === wall);
  return readings.length === 0 ? 'nonexistent' : Math.min(...readings);
}

function splitCsvLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

const COLUMNS = { person: ['person', 'name', 'mitarbeiter'], start: ['beginn', 'start'], end: ['ende', 'end'] };

function row(
  rowNo: number,
  person: string,
  match: ReturnType<typeof matcher>,
  start: number | 'nonexistent' | null,
  end: number | 'nonexistent' | null,
): RosterRow {
  const base = { row: rowNo, person, userId: null, start: null, end: null };
  const who = match(person);
  if ('error' in who) return { ...base, error: who.error };
  if (start === null || end === null) return { ...base, userId: who.userId, error: 'bad_time' };
  if (start === 'nonexistent' || end === 'nonexistent')
    return { ...base, userId: who.userId, error: 'nonexistent_time' };
  if (end <= start) return { ...base, userId: who.userId, start, end, error: 'end_before_start' };
  return { row: rowNo, person, userId: who.userId, start, end, error: null };
}

export function parseCsvRoster(text: string, people: readonly RosterPerson[]): RosterRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0] ?? '';
  const delimiter = header.includes(';') ? ';' : ',';
  const names = splitCsvLine(header, delimiter).map((h) => h.toLocaleLowerCase('de'));
  const column = (keys: string[]) => names.findIndex((n) => keys.includes(n));
  const [person, start, end] = [column(COLUMNS.person), column(COLUMNS.start), column(COLUMNS.end)];
  if (person < 0 || start < 0 || end < 0)
    return [{ row: 1, person: '', userId: null, start: null, end: null, error: 'missing_column' }];
  const match = matcher(people);
  const rows: RosterRow[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = splitCsvLine(line, delimiter);
    rows.push(
      row(i + 2, cells[person] ?? '', match, berlinLocalToUtc(cells[start] ?? ''), berlinLocalToUtc(cells[end] ?? '')),
    );
  });
  return rows;
}

export function parseIcsRoster(text: string, people: readonly RosterPerson[]): RosterRow[] {
  berlinZone();
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown as unknown[]);
  } catch {
    return [{ row: 1, person: '', userId: null, start: null, end: null, error: 'bad_time' }];
  }
  // The file's own VTIMEZONEs are found in its component tree by ical.js; registering them with
  // the process-wide time zone service would make them the zones of every later file too.
  const match = matcher(people);
  return root.getAllSubcomponents('vevent').map((component, i) => {
    const event = new ICAL.Event(component);
    const attendee = component.getFirstProperty('attendee');
    const cn = attendee?.getParameter('cn');
    const person = (typeof cn === 'string' && cn) || event.summary || '';
    const time = (t: ICAL.Time | null) => {
      if (!t || t.isDate) return null;
      const utc = toUtcMs(t);
      return Number.isFinite(utc) ? utc : null;
    };
    return row(i + 1, person, match, time(event.startDate), time(event.endDate));
  });
}

export function parseRoster(format: RosterFormat, text: string, people: readonly RosterPerson[]): RosterRow[] {
  return format === 'csv' ? parseCsvRoster(text, people) : parseIcsRoster(text, people);
}
