// iCalendar (RFC 5545) export and import with ical.js, the parser Thunderbird uses. Export writes
// timed events in Europe/Berlin with the VTIMEZONE included (Outlook needs it) and all-day events
// as dates; import accepts what Outlook and Thunderbird write and reports what it skipped.
import ICAL from 'ical.js';
import { BERLIN_VTIMEZONE } from './berlin-zone.ts';
import { berlinZone, dateOnly, toUtcMs, zonedTime } from './ical-zone.ts';
import { DEFAULT_TIME_ZONE, type Attendee, type CalendarEvent, type Rsvp } from './model.ts';

const PRODID = '-//Klinikfunk//Klinikfunk Calendar//DE';
const PARTSTAT: Record<Rsvp, string> = { yes: 'ACCEPTED', no: 'DECLINED', maybe: 'TENTATIVE', pending: 'NEEDS-ACTION' };
const RSVP_OF: Record<string, Rsvp> = { ACCEPTED: 'yes', DECLINED: 'no', TENTATIVE: 'maybe', 'NEEDS-ACTION': 'pending' };

/** Attendees have no e-mail in Klinikfunk: the directory user id is carried as a URN. */
const attendeeUri = (userId: string) => `urn:klinikfunk:user:${encodeURIComponent(userId)}`;
const userIdOf = (uri: string) => (uri.startsWith('urn:klinikfunk:user:') ? decodeURIComponent(uri.slice(20)) : uri.replace(/^mailto:/i, ''));

function eventComponent(event: CalendarEvent, stampMs: number): ICAL.Component {
  berlinZone();
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', event.uid);
  vevent.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(stampMs), true));
  vevent.addPropertyWithValue('sequence', event.sequence);
  vevent.addPropertyWithValue('summary', event.title);
  const start = vevent.addPropertyWithValue('dtstart', event.allDay ? dateOnly(event.start) : zonedTime(event.start));
  const end = vevent.addPropertyWithValue('dtend', event.allDay ? dateOnly(event.end) : zonedTime(event.end));
  if (!event.allDay) {
    start.setParameter('tzid', DEFAULT_TIME_ZONE);
    end.setParameter('tzid', DEFAULT_TIME_ZONE);
  }
  if (event.rrule) vevent.addPropertyWithValue('rrule', ICAL.Recur.fromString(event.rrule));
  if (event.location) vevent.addPropertyWithValue('location', event.location);
  const description = [event.description, event.meetingUrl].filter(Boolean).join('\n\n');
  if (description) vevent.addPropertyWithValue('description', description);
  if (event.meetingUrl) vevent.addPropertyWithValue('url', event.meetingUrl);
  if (event.cancelled) vevent.addPropertyWithValue('status', 'CANCELLED');
  if (event.organizer) {
    const organizer = vevent.addPropertyWithValue('organizer', attendeeUri(event.organizer.userId));
    organizer.setParameter('cn', event.organizer.name);
  }
  for (const attendee of event.attendees) {
    const prop = vevent.addPropertyWithValue('attendee', attendeeUri(attendee.userId));
    prop.setParameter('cn', attendee.name);
    prop.setParameter('partstat', PARTSTAT[attendee.rsvp]);
  }
  return vevent;
}

export function exportIcs(events: readonly CalendarEvent[], options: { calendarName?: string; now?: number } = {}): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('prodid', PRODID);
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  if (options.calendarName) calendar.addPropertyWithValue('x-wr-calname', options.calendarName);
  if (events.some((e) => !e.allDay)) calendar.addSubcomponent(new ICAL.Component(ICAL.parse(BERLIN_VTIMEZONE) as unknown as unknown[]));
  for (const event of events) calendar.addSubcomponent(eventComponent(event, options.now ?? Date.now()));
  return calendar.toString() + '\r\n';
}

export interface ImportProblem {
  uid: string | null;
  reason: string;
}

export interface ImportResult {
  events: CalendarEvent[];
  problems: ImportProblem[];
}

const MAX_ICS_BYTES = 5 * 1024 * 1024;

/** Reads an .ics file. Never throws: a file it cannot read comes back as one problem. */
export function importIcs(text: string): ImportResult {
  if (text.length > MAX_ICS_BYTES) return { events: [], problems: [{ uid: null, reason: 'file too large' }] };
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown as unknown[]);
  } catch (error) {
    return { events: [], problems: [{ uid: null, reason: `not an iCalendar file: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  berlinZone();
  // Register the file's own zones so its TZIDs resolve (Outlook writes Windows zone names).
  for (const vtimezone of root.getAllSubcomponents('vtimezone')) {
    const zone = new ICAL.Timezone(vtimezone);
    if (zone.tzid && !ICAL.TimezoneService.has(zone.tzid)) ICAL.TimezoneService.register(zone, zone.tzid);
  }
  const events: CalendarEvent[] = [];
  const problems: ImportProblem[] = [];
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const uid = (vevent.getFirstPropertyValue('uid') as string | null) ?? null;
    try {
      // Overrides of single occurrences (RECURRENCE-ID) are not modelled yet; say so.
      if (vevent.hasProperty('recurrence-id')) {
        problems.push({ uid, reason: 'changed single occurrence skipped' });
        continue;
      }
      events.push(fromComponent(vevent));
    } catch (error) {
      problems.push({ uid, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { events, problems };
}

function fromComponent(vevent: ICAL.Component): CalendarEvent {
  const event = new ICAL.Event(vevent);
  if (!event.uid) throw new Error('event without UID');
  if (!event.startDate) throw new Error('event without start');
  const allDay = event.startDate.isDate;
  const start = toUtcMs(event.startDate);
  const end = event.endDate ? toUtcMs(event.endDate) : allDay ? start + 86_400_000 : start;
  if (end < start) throw new Error('event ends before it starts');
  const rrule = vevent.getFirstPropertyValue('rrule') as ICAL.Recur | null;
  const url = vevent.getFirstPropertyValue('url') as string | null;
  const attendees: Attendee[] = event.attendees.map((prop) => ({
    userId: userIdOf(String(prop.getFirstValue())),
    name: String(prop.getParameter('cn') ?? userIdOf(String(prop.getFirstValue()))),
    rsvp: RSVP_OF[String(prop.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase()] ?? 'pending',
  }));
  const organizerProp = vevent.getFirstProperty('organizer');
  const description = event.description ?? undefined;
  const meetingUrl = url && /^https:\/\//i.test(url) ? url : undefined;
  return {
    uid: event.uid,
    title: event.summary ?? '',
    start,
    end,
    allDay,
    timeZone: DEFAULT_TIME_ZONE,
    ...(event.location ? { location: event.location } : {}),
    ...(description ? { description: meetingUrl ? description.replace(`\n\n${meetingUrl}`, '').replace(meetingUrl, '').trim() || undefined : description } : {}),
    ...(meetingUrl ? { meetingUrl } : {}),
    ...(rrule ? { rrule: rrule.toString() } : {}),
    ...(organizerProp
      ? { organizer: { userId: userIdOf(String(organizerProp.getFirstValue())), name: String(organizerProp.getParameter('cn') ?? '') } }
      : {}),
    attendees,
    sequence: event.sequence ?? 0,
    cancelled: String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED',
  };
}
