// iCalendar (RFC 5545) export and import with ical.js, the parser Thunderbird uses. Export writes
// timed events in Europe/Berlin with the VTIMEZONE included (Outlook needs it) and all-day events
// as dates; import accepts what Outlook and Thunderbird write and reports what it skipped. Single
// occurrences of a series travel as iCalendar has them: a cancelled one as an EXDATE of the series,
// a changed one as a VEVENT of its own with the series' UID and a RECURRENCE-ID.
import ICAL from 'ical.js';
import { BERLIN_VTIMEZONE } from './berlin-zone.ts';
import { berlinZone, dateOnly, toUtcMs, zonedTime } from './ical-zone.ts';
import {
  DEFAULT_TIME_ZONE,
  type Attendee,
  type CalendarEvent,
  type ChangedOccurrence,
  type OccurrenceOverride,
  type Rsvp,
} from './model.ts';
import { isOccurrence, occurrenceIds } from './recurrence.ts';

const PRODID = '-//Klinikfunk//Klinikfunk Calendar//DE';
const PARTSTAT: Record<Rsvp, string> = { yes: 'ACCEPTED', no: 'DECLINED', maybe: 'TENTATIVE', pending: 'NEEDS-ACTION' };
const RSVP_OF: Record<string, Rsvp> = {
  ACCEPTED: 'yes',
  DECLINED: 'no',
  TENTATIVE: 'maybe',
  'NEEDS-ACTION': 'pending',
};

/** Attendees have no e-mail in Klinikfunk: the directory user id is carried as a URN. */
const attendeeUri = (userId: string) => `urn:klinikfunk:user:${encodeURIComponent(userId)}`;
const userIdOf = (uri: string) =>
  uri.startsWith('urn:klinikfunk:user:') ? decodeURIComponent(uri.slice(20)) : uri.replace(/^mailto:/i, '');

/** A DATE for all-day entries, otherwise a DATE-TIME on Berlin wall time with its TZID. */
function addInstant(vevent: ICAL.Component, name: 'exdate' | 'recurrence-id', utcMs: number, allDay: boolean): void {
  const prop = vevent.addPropertyWithValue(name, allDay ? dateOnly(utcMs) : zonedTime(utcMs));
  if (!allDay) prop.setParameter('tzid', DEFAULT_TIME_ZONE);
}

/**
 * The series' changed occurrences as VEVENTs of their own (same UID, RECURRENCE-ID = where the
 * series puts them). Each is a whole event, as RFC 5545 wants: the series' attendees, organiser
 * and link, with the occurrence's own time, title, location and description.
 */
function overrideComponents(event: CalendarEvent, stampMs: number): ICAL.Component[] {
  if (!event.rrule) return [];
  const changed = (event.overrides ?? []).filter((o): o is ChangedOccurrence => !o.cancelled);
  const inSeries = occurrenceIds(
    event,
    changed.map((o) => o.recurrenceId),
  );
  return changed
    .filter((o) => inSeries.has(o.recurrenceId))
    .map((o) => {
      const { rrule: _rrule, overrides: _overrides, location: _location, description: _description, ...series } = event;
      const vevent = eventComponent(
        {
          ...series,
          title: o.title,
          start: o.start,
          end: o.end,
          sequence: o.sequence,
          ...(o.location ? { location: o.location } : {}),
          ...(o.description ? { description: o.description } : {}),
        },
        stampMs,
      );
      addInstant(vevent, 'recurrence-id', o.recurrenceId, event.allDay);
      return vevent;
    });
}

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
  const cancelled = (event.overrides ?? []).filter((o) => o.cancelled).map((o) => o.recurrenceId);
  const inSeries = occurrenceIds(event, cancelled);
  for (const recurrenceId of cancelled.filter((id) => inSeries.has(id)))
    addInstant(vevent, 'exdate', recurrenceId, event.allDay);
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

export function exportIcs(
  events: readonly CalendarEvent[],
  options: { calendarName?: string; now?: number } = {},
): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('prodid', PRODID);
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  if (options.calendarName) calendar.addPropertyWithValue('x-wr-calname', options.calendarName);
  if (events.some((e) => !e.allDay))
    calendar.addSubcomponent(new ICAL.Component(ICAL.parse(BERLIN_VTIMEZONE) as unknown as unknown[]));
  for (const event of events) {
    calendar.addSubcomponent(eventComponent(event, options.now ?? Date.now()));
    for (const vevent of overrideComponents(event, options.now ?? Date.now())) calendar.addSubcomponent(vevent);
  }
  return calendar.toString() + '\r\n';
}

export interface ImportProblem {
  uid: string | null;
  reason: string;
}

export interface ImportResult {
  events: CalendarEvent[];
  problems: ImportProblem[];
  /** Why the file as a whole cannot be read (empty, not iCalendar, too large), or null. */
  unreadable: string | null;
}

const MAX_ICS_BYTES = 5 * 1024 * 1024;

const unreadable = (reason: string): ImportResult => ({
  events: [],
  problems: [{ uid: null, reason }],
  unreadable: reason,
});

/** Reads an .ics file. Never throws: a file it cannot read comes back as `unreadable` (and one problem). */
export function importIcs(text: string): ImportResult {
  if (text.length > MAX_ICS_BYTES) return unreadable('file too large');
  // ical.js answers an empty file with nothing at all, and the component built from that throws later.
  if (text.trim() === '') return unreadable('empty file');
  let root: ICAL.Component;
  try {
    const parsed = ICAL.parse(text) as unknown as unknown[];
    // Several top-level components come back as a list of them; the first one has to be the calendar.
    root = new ICAL.Component((Array.isArray(parsed[0]) ? parsed[0] : parsed) as unknown[]);
  } catch (error) {
    return unreadable(`not an iCalendar file: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (root.name !== 'vcalendar')
    return unreadable(`not an iCalendar file: ${root.name.toUpperCase()} instead of VCALENDAR`);
  berlinZone();
  // Register the file's own zones so its TZIDs resolve (Outlook writes Windows zone names).
  for (const vtimezone of root.getAllSubcomponents('vtimezone')) {
    const zone = new ICAL.Timezone(vtimezone);
    if (zone.tzid && !ICAL.TimezoneService.has(zone.tzid)) ICAL.TimezoneService.register(zone, zone.tzid);
  }
  const events: CalendarEvent[] = [];
  const problems: ImportProblem[] = [];
  const changed: ICAL.Component[] = [];
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const uid = (vevent.getFirstPropertyValue('uid') as string | null) ?? null;
    try {
      // Single changed occurrences (RECURRENCE-ID) belong to their series, which may come later in the file.
      if (vevent.hasProperty('recurrence-id')) changed.push(vevent);
      else events.push(withExdates(fromComponent(vevent), vevent, problems));
    } catch (error) {
      problems.push({ uid, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  for (const vevent of changed) {
    const uid = (vevent.getFirstPropertyValue('uid') as string | null) ?? null;
    try {
      attachOverride(events, vevent);
    } catch (error) {
      problems.push({ uid, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { events, problems, unreadable: null };
}

/** EXDATEs become cancelled occurrences; one that the series does not have is reported and dropped. */
function withExdates(event: CalendarEvent, vevent: ICAL.Component, problems: ImportProblem[]): CalendarEvent {
  if (!event.rrule) return event;
  const ids = vevent.getAllProperties('exdate').flatMap((prop) => (prop.getValues() as ICAL.Time[]).map(toUtcMs));
  const inSeries = occurrenceIds(event, ids);
  const cancelled = new Map<number, OccurrenceOverride>();
  for (const recurrenceId of ids) {
    if (inSeries.has(recurrenceId)) cancelled.set(recurrenceId, { recurrenceId, sequence: 0, cancelled: true });
    else
      problems.push({
        uid: event.uid,
        reason: `cancelled occurrence ${new Date(recurrenceId).toISOString()} is not in the series`,
      });
  }
  return cancelled.size > 0 ? { ...event, overrides: sortOverrides([...cancelled.values()]) } : event;
}

/** Adds a VEVENT with RECURRENCE-ID to its series (same UID, the last one in the file); a cancellation wins over a change. */
function attachOverride(events: CalendarEvent[], vevent: ICAL.Component): void {
  const uid = vevent.getFirstPropertyValue('uid') as string | null;
  const index = events.findLastIndex((e) => e.uid === uid);
  if (index < 0) throw new Error('changed occurrence without its series');
  const series = events[index]!;
  if (!series.rrule) throw new Error('changed occurrence of an event that does not repeat');
  const prop = vevent.getFirstProperty('recurrence-id')!;
  if (String(prop.getParameter('range') ?? '').toUpperCase() === 'THISANDFUTURE')
    throw new Error('changes to this and all later occurrences (RANGE=THISANDFUTURE) not supported');
  const recurrenceId = toUtcMs(prop.getFirstValue() as ICAL.Time);
  if (!isOccurrence(series, recurrenceId))
    throw new Error(`changed occurrence ${new Date(recurrenceId).toISOString()} is not in the series`);
  const own = fromComponent(vevent);
  const existing = series.overrides?.find((o) => o.recurrenceId === recurrenceId);
  if (existing?.cancelled) return;
  const override: OccurrenceOverride = own.cancelled
    ? { recurrenceId, sequence: own.sequence, cancelled: true }
    : {
        recurrenceId,
        sequence: own.sequence,
        cancelled: false,
        title: own.title,
        start: own.start,
        end: own.end,
        ...(own.location ? { location: own.location } : {}),
        ...(own.description ? { description: own.description } : {}),
      };
  const others = (series.overrides ?? []).filter((o) => o.recurrenceId !== recurrenceId);
  events[index] = { ...series, overrides: sortOverrides([...others, override]) };
}

const sortOverrides = (list: OccurrenceOverride[]) => list.sort((a, b) => a.recurrenceId - b.recurrenceId);

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
    ...(description
      ? {
          description: meetingUrl
            ? description.replace(`\n\n${meetingUrl}`, '').replace(meetingUrl, '').trim() || undefined
            : description,
        }
      : {}),
    ...(meetingUrl ? { meetingUrl } : {}),
    ...(rrule ? { rrule: rrule.toString() } : {}),
    ...(organizerProp
      ? {
          organizer: {
            userId: userIdOf(String(organizerProp.getFirstValue())),
            name: String(organizerProp.getParameter('cn') ?? ''),
          },
        }
      : {}),
    attendees,
    sequence: event.sequence ?? 0,
    cancelled: String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED',
  };
}
