// Dates as staff read them: day separators ("Heute", "Gestern", "Montag, 3. März 2025") and
// clock times, in the UI language, in the workstation's time zone.

// Intl.DateTimeFormat objects are costly to build (a message list formats hundreds of times),
// so one per locale and style is kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${style}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}

export interface DayWords {
  today: string;
  yesterday: string;
}

/** Local calendar day of a timestamp, as a stable key for grouping (yyyy-mm-dd). */
export function dayKey(timestamp: number): string {
  const date = new Date(timestamp);
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

function startOfDay(timestamp: number): number {
  const date = new Date(timestamp);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Whole local days between two timestamps (DST-safe). */
export function daysBetween(earlier: number, later: number): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / 86_400_000);
}

export function dayLabel(timestamp: number, now: number, locale: string, words: DayWords): string {
  const diff = daysBetween(timestamp, now);
  if (diff === 0) return words.today;
  if (diff === 1) return words.yesterday;
  const sameYear = new Date(timestamp).getFullYear() === new Date(now).getFullYear();
  const options: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' };
  return formatter(locale, sameYear ? 'day' : 'dayYear', sameYear ? options : { ...options, year: 'numeric' }).format(
    timestamp,
  );
}

export function timeLabel(timestamp: number, locale: string): string {
  return formatter(locale, 'time', { hour: '2-digit', minute: '2-digit' }).format(timestamp);
}

export function dateTimeLabel(timestamp: number, locale: string): string {
  return formatter(locale, 'dateTime', { dateStyle: 'medium', timeStyle: 'short' }).format(timestamp);
}

export function dateLabel(timestamp: number, locale: string): string {
  return formatter(locale, 'date', { day: '2-digit', month: '2-digit', year: 'numeric' }).format(timestamp);
}

const relativeFormatters = new Map<string, Intl.RelativeTimeFormat>();

/**
 * How long ago something happened, for "last online": "vor 5 Minuten" within the last hour,
 * otherwise date and time ("03.03.2025, 14:05"), so an old contact reads as a date, not as
 * "vor 2.000 Stunden".
 */
export function sinceLabel(timestamp: number, now: number, locale: string): string {
  const minutes = Math.floor((now - timestamp) / 60_000);
  if (minutes < 0 || minutes >= 60) return `${dateLabel(timestamp, locale)}, ${timeLabel(timestamp, locale)}`;
  let format = relativeFormatters.get(locale);
  if (!format) relativeFormatters.set(locale, (format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
  return format.format(-Math.max(1, minutes), 'minute');
}
