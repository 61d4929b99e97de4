// Duty rosters and handovers are Europe/Berlin wall-clock (the roster import reads them so), so
// role times show in that zone whatever zone the workstation is set to: the preview matches the file.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function roleTime(timestamp: number, locale: string): string {
  let format = formatters.get(locale);
  if (!format)
    formatters.set(
      locale,
      (format = new Intl.DateTimeFormat(locale, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: 'Europe/Berlin',
      })),
    );
  return format.format(timestamp);
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();
const berlinDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', dateStyle: 'short' });

/** "07:00" for a moment of today (Europe/Berlin), else date and time: the header's "seit …". */
export function roleClock(timestamp: number, locale: string, now: number): string {
  if (berlinDay.format(timestamp) !== berlinDay.format(now)) return roleTime(timestamp, locale);
  let format = clockFormatters.get(locale);
  if (!format)
    clockFormatters.set(
      locale,
      (format = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'Europe/Berlin' })),
    );
  return format.format(timestamp);
}
