// API of the channel calendar: entries, recurring series and single occurrences, invitations, iCalendar
// export and import.
// Every method acts on the visible, unlocked profile (`locked` otherwise) and on channels this user is a member
// of (`not_found` otherwise). Everything written travels as an encrypted channel event; the reducers in
// apps/desktop/electron/core/collab decide what it does, identically on every client. Inputs are strict objects with
// bounded strings and arrays, so a hostile or buggy renderer is refused before any logic runs.
// Merged into contract.ts; the names are in ./calendar-names.ts.
import { z } from 'zod';
import { RECURRENCE_ID_MAX, RECURRENCE_ID_MIN } from '../../domain/events.ts';
import { method, type MethodSpec } from '../define.ts';
import { channelId, userId } from '../common.ts';
const done = z.object({ done: z.literal(true) });
const objectId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id');
const person = z.object({ userId: z.string(), displayName: z.string() });

export const calendarUid = objectId;

const rrule = z
  .string()
  .max(500)
  .regex(
    /^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Za-z0-9,+-]+)*$/,
    'RRULE: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY;...',
  );

export const calendarPutInput = z
  .strictObject({
    channelId,
    /** Omitted for a new entry; the entry's uid to edit it. */
    uid: calendarUid.optional(),
    title: z.string().trim().min(1).max(300),
    start: z.number().int(),
    end: z.number().int(),
    allDay: z.boolean(),
    location: z.string().max(300).default(''),
    description: z.string().max(5000).default(''),
    meetingUrl: z
      .union([z.literal(''), z.string().url().startsWith('https://', 'meeting link: https only').max(2000)])
      .default(''),
    rrule: z.union([z.literal(''), rrule]).default(''),
    attendeeUserIds: z.array(userId).max(500).default([]),
  })
  .refine((e) => e.end >= e.start, { message: 'end before start', path: ['end'] });

export const calendarRef = z.strictObject({ channelId, uid: calendarUid });

/** Where the series puts an occurrence (iCalendar RECURRENCE-ID): the `recurrenceId` of its occurrence view. */
const recurrenceId = z.number().int().min(RECURRENCE_ID_MIN).max(RECURRENCE_ID_MAX);

export const calendarOccurrenceRef = z.strictObject({ channelId, uid: calendarUid, recurrenceId });

export const calendarOccurrencePutInput = z
  .strictObject({
    channelId,
    uid: calendarUid,
    recurrenceId,
    title: z.string().trim().min(1).max(300),
    start: z.number().int(),
    end: z.number().int(),
    location: z.string().max(300).default(''),
    description: z.string().max(5000).default(''),
  })
  .refine((e) => e.end >= e.start, { message: 'end before start', path: ['end'] });

export const calendarRsvpInput = z.strictObject({ channelId, uid: calendarUid, rsvp: z.enum(['yes', 'no', 'maybe']) });

const attendeeView = z.object({
  userId: z.string(),
  displayName: z.string(),
  rsvp: z.enum(['yes', 'no', 'maybe', 'pending']),
});

export const calendarEntrySchema = z.object({
  uid: z.string(),
  title: z.string(),
  start: z.number(),
  end: z.number(),
  allDay: z.boolean(),
  location: z.string(),
  description: z.string(),
  meetingUrl: z.string(),
  rrule: z.string(),
  attendees: z.array(attendeeView),
  organizer: person,
  cancelled: z.boolean(),
  /** This user's answer; null when not invited. */
  myRsvp: z.enum(['yes', 'no', 'maybe', 'pending']).nullable(),
  /** Whether this user may change or cancel the entry (its creator or a channel admin; the rule every client applies). */
  mayChange: z.boolean(),
});

export const calendarRangeInput = z
  .strictObject({ channelId, from: z.number().int(), to: z.number().int() })
  .refine((r) => r.to > r.from && r.to - r.from <= 400 * 86_400_000, {
    message: 'range: to after from, at most 400 days',
  });

export const occurrenceSchema = z.object({
  uid: z.string(),
  start: z.number(),
  end: z.number(),
  /** The occurrence's place in its series (iCalendar RECURRENCE-ID); null for an entry that does not repeat. */
  recurrenceId: z.number().nullable(),
  /** True when this occurrence was changed on its own; title, location and description are then its own. */
  changed: z.boolean(),
  title: z.string(),
  location: z.string(),
  description: z.string(),
});

export const calendarRangeSchema = z.object({
  entries: z.array(calendarEntrySchema),
  occurrences: z.array(occurrenceSchema),
});

export const icsExportInput = z.strictObject({ channelId, uid: calendarUid.optional() });

export const icsSchema = z.object({ fileName: z.string(), text: z.string() });

export const icsImportInput = z.strictObject({ channelId, text: z.string().max(5 * 1024 * 1024) });

export const icsImportSchema = z.object({
  imported: z.number().int(),
  problems: z.array(z.object({ uid: z.string().nullable(), reason: z.string() })),
});

export const calendarMethods = {
  'calendar.range': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarRangeInput,
    output: calendarRangeSchema,
    doc: 'Calendar entries of a channel and their occurrences in [from, to), recurring ones expanded on Europe/Berlin wall time, with single changed occurrences applied and cancelled ones left out.',
  }),
  'calendar.put': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarPutInput,
    output: z.object({ uid: z.string() }),
    doc: 'Creates or edits an entry (the whole new version; the later one in the channel order wins everywhere). `invalid_input` for an RRULE ical.js cannot read.',
  }),
  'calendar.cancel': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarRef,
    output: done,
    doc: 'Cancels an entry for everyone.',
  }),
  'calendar.putOccurrence': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarOccurrencePutInput,
    output: done,
    doc: 'Changes one occurrence of a recurring entry on its own (time, title, location, description); the rest of the series stays. The later change of the same occurrence in the channel order wins everywhere. `not_found` when the series has no occurrence at `recurrenceId`, `invalid_input` for an entry that does not repeat, `not_permitted` for a cancelled series.',
  }),
  'calendar.cancelOccurrence': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarOccurrenceRef,
    output: done,
    doc: 'Cancels one occurrence of a recurring entry for everyone (it disappears from the views, an EXDATE in exports); the same refusals as `calendar.putOccurrence`.',
  }),
  'calendar.rsvp': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarRsvpInput,
    output: done,
    doc: 'Answers an invitation: yes, no or maybe. `not_permitted` when this user is not an attendee.',
  }),
  'calendar.exportIcs': method({
    requires: 'member',
    channelField: 'channelId',
    input: icsExportInput,
    output: icsSchema,
    doc: 'iCalendar (RFC 5545) text of one entry or the whole channel calendar, with the Europe/Berlin VTIMEZONE, for Outlook and Thunderbird.',
  }),
  'calendar.importIcs': method({
    requires: 'member',
    channelField: 'channelId',
    input: icsImportInput,
    output: icsImportSchema,
    doc: 'Imports the events of an .ics file into the channel calendar and lists what it skipped. `invalid_input` when the file as a whole is empty or not iCalendar.',
  }),
} satisfies Record<string, MethodSpec>;

export type CalendarEntryView = z.output<typeof calendarEntrySchema>;
export type OccurrenceView = z.output<typeof occurrenceSchema>;
