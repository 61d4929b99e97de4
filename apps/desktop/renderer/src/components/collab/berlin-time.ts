// Klinikfunk plans in Europe/Berlin (apps/desktop/electron/core/calendar/model.ts), whatever zone the
// workstation's clock is set to: wall-clock parts of an instant there, and the instant of a wall
// time there, through Intl (the browser's time-zone database), so summer time is right.
export const ZONE = 'Europe/Berlin';
export const DAY_MS = 86_400_000;

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Monday … 6 = Sunday (German weeks start on Monday). */
  weekday: number;
}

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  weekday: 'short',
});
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function wall(utcMs: number): WallTime {
  const p = Object.fromEntries(parts.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    weekday: WEEKDAYS.indexOf(p.weekday ?? 'Mon'),
  };
}

/** The instant of a Berlin wall time (day may overflow: day 32 is the 1st of the next month). */
export function fromWall(year: number, month: number, day: number, hour = 0, minute = 0): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const offsetAt = (t: number) => {
    const w = wall(t);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(t / 60_000) * 60_000;
  };
  const first = guess - offsetAt(guess);
  return guess - offsetAt(first);
}

/** Midnight in Berlin of the day `utcMs` falls on, plus `days`. */
export function dayStart(utcMs: number, days = 0): number {
  const w = wall(utcMs);
  return fromWall(w.year, w.month, w.day + days);
}

/** Monday 00:00 of the week `utcMs` falls in. */
export function weekStart(utcMs: number): number {
  return dayStart(utcMs, -wall(utcMs).weekday);
}

export function monthStart(utcMs: number, months = 0): number {
  const w = wall(utcMs);
  return fromWall(w.year, w.month + months, 1);
}

/** "2026-11-02" for date inputs; all-day entries are midnight UTC of their date. */
export function dateInput(utcMs: number, allDay = false): string {
  if (allDay) return new Date(utcMs).toISOString().slice(0, 10);
  const w = wall(utcMs);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

export function timeInput(utcMs: number): string {
  const w = wall(utcMs);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

export function parseDateTime(date: string, time: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time || '00:00');
  if (!d || !t) return null;
  return fromWall(Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2]));
}

export function parseDate(date: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return d ? Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) : null;
}

const formats = new Map<string, Intl.DateTimeFormat>();
/** Dates and times as German staff read them, in Berlin time, 24 h. */
export function formatIn(
  locale: string,
  utcMs: number,
  style: 'date' | 'time' | 'dateTime' | 'weekdayDate' | 'month' | 'day',
  allDay = false,
): string {
  const key = `${locale}|${style}|${allDay}`;
  let format = formats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = {
      date: { day: '2-digit', month: '2-digit', year: 'numeric' },
      time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      dateTime: {
        day: '2-digit',
        month: '2-digit',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      },
      weekdayDate: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
      month: { month: 'long', year: 'numeric' },
      day: { weekday: 'short', day: '2-digit', month: '2-digit' },
    }[style] as Intl.DateTimeFormatOptions;
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: allDay ? 'UTC' : ZONE });
    formats.set(key, format);
  }
  return format.format(new Date(utcMs));
}
