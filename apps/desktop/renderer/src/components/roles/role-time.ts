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
