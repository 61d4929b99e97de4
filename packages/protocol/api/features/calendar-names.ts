// Method names of the calendar (api/features/calendar.ts); merged into names.ts.
export const CALENDAR_METHOD_NAMES = [
  'calendar.range',
  'calendar.put',
  'calendar.cancel',
  'calendar.putOccurrence',
  'calendar.cancelOccurrence',
  'calendar.rsvp',
  'calendar.exportIcs',
  'calendar.importIcs',
] as const;
