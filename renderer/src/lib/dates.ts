// Dates as staff read them: day separators ("Heute", "Gestern", "Montag, 3. März 2025") and
// clock times, in the UI language, in the workstation's time zone.

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
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(timestamp);
}

export function timeLabel(timestamp: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(timestamp);
}

export function dateTimeLabel(timestamp: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(timestamp);
}

export function dateLabel(timestamp: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(timestamp);
}
