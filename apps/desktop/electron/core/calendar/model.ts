// A calendar event as the core works with it: instants in UTC milliseconds plus the time zone
// the event was planned in (recurrence follows the wall clock there, so a weekly 07:00 handover
// stays at 07:00 across the change to summer time). All-day events carry dates, not instants.
export type Rsvp = 'yes' | 'no' | 'maybe' | 'pending';

export interface Attendee {
  userId: string;
  name: string;
  rsvp: Rsvp;
}

export interface CalendarEvent {
  uid: string;
  title: string;
  /** UTC ms; for all-day events midnight UTC of the first day. */
  start: number;
  /** UTC ms, exclusive; for all-day events midnight UTC of the day after the last day. */
  end: number;
  allDay: boolean;
  /** IANA zone the event was planned in. Klinikfunk plans in Europe/Berlin. */
  timeZone: string;
  location?: string;
  description?: string;
  /** e.g. the clinic's own Jitsi room; https only. */
  meetingUrl?: string;
  /** RFC 5545 RRULE value without the "RRULE:" prefix, e.g. "FREQ=WEEKLY;BYDAY=MO". */
  rrule?: string;
  organizer?: { userId: string; name: string };
  attendees: Attendee[];
  /** Incremented on every change (iCalendar SEQUENCE), so other calendars take the newest. */
  sequence: number;
  cancelled: boolean;
  /** Single occurrences of a recurring entry changed or cancelled on their own, by recurrence id; absent when none. */
  overrides?: OccurrenceOverride[];
}

/**
 * One occurrence of a series, changed or cancelled on its own (iCalendar RECURRENCE-ID; a
 * cancelled one is an EXDATE). `recurrenceId` is the occurrence's start as the series gives it,
 * UTC ms (all-day: midnight UTC of its date); the series keeps attendees, link and all-day.
 */
export type OccurrenceOverride =
  | { recurrenceId: number; sequence: number; cancelled: true }
  | {
      recurrenceId: number;
      sequence: number;
      cancelled: false;
      title: string;
      start: number;
      end: number;
      location?: string;
      description?: string;
    };

export type ChangedOccurrence = Extract<OccurrenceOverride, { cancelled: false }>;

export const DEFAULT_TIME_ZONE = 'Europe/Berlin';
