// The channel calendar for one signed-in profile: entries and their occurrences, create/edit (the
// whole new version as one calendar.put; the later one in the channel order wins on every client),
// cancel, RSVP, and iCalendar export/import through ical.js (ics.ts). Narrow methods over the
// profile's store and client; the IPC adapter (ipc.ts) hands each call here. Single occurrences of
// a series are changed and cancelled in occurrence-ipc.ts.
import { randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import type { MethodParsedInput } from '@klinikfunk/protocol/api/contract.ts';
import type { CalendarEntryView, OccurrenceView } from '@klinikfunk/protocol/api/features/calendar.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { Clock } from '../../clock/clock.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { serviceKey } from '../../app/profile-services.ts';
import { assertPermitted, nameLookup, UNKNOWN_NAME } from '../kit/channel-access.ts';
import { exportIcs, importIcs } from '../../calendar/ics.ts';
import { importPayloads } from '../../calendar/import-payloads.ts';
import { DEFAULT_TIME_ZONE, type CalendarEvent } from '../../calendar/model.ts';
import { occurrences, type Occurrence } from '../../calendar/recurrence.ts';
import { calendarRepository } from './repository.ts';

type PutPayload = Extract<ChannelEventPayload, { type: 'calendar.put' }>;

const DAY = 86_400_000;

/** Throws `invalid_input` for a rule ical.js cannot read or one without an end that repeats faster than daily. */
export function checkRrule(rule: string): void {
  try {
    const recur = ICAL.Recur.fromString(rule);
    if (!['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(recur.freq)) throw new Error(`FREQ=${recur.freq}`);
  } catch (error) {
    throw new AppError('invalid_input', `RRULE: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Entries as calendar.range (and the change events, calendar-changes.ts) show them. */
export async function entryViews(
  runtime: ProfileRuntime,
  channelId: string,
  entries: CalendarEvent[],
): Promise<CalendarEntryView[]> {
  const name = await nameLookup(runtime.profile.store);
  const creators = runtime.profile.store.repository(calendarRepository).creators(channelId);
  const me = runtime.identity.userId;
  // The same rule every client applies to a cancel, so the UI never offers what would be refused.
  const mayChange = new Map<string, boolean>();
  for (const e of entries) {
    const refusal = await runtime.profile.store.authorise({
      eventId: 'local-check',
      channelId,
      seq: null,
      senderUserId: me,
      senderDeviceId: '',
      createdAt: 0,
      payload: { type: 'calendar.cancel', uid: e.uid },
    });
    mayChange.set(e.uid, refusal === null);
  }
  return entries.map((e) => ({
    uid: e.uid,
    title: e.title,
    start: e.start,
    end: e.end,
    allDay: e.allDay,
    location: e.location ?? '',
    description: e.description ?? '',
    meetingUrl: e.meetingUrl ?? '',
    rrule: e.rrule ?? '',
    attendees: e.attendees.map((a) => ({
      userId: a.userId,
      displayName: name(a.userId).displayName === 'Unbekannt' ? a.name : name(a.userId).displayName,
      rsvp: a.rsvp,
    })),
    organizer: name(creators.get(e.uid) ?? ''),
    cancelled: e.cancelled,
    myRsvp: e.attendees.find((a) => a.userId === me)?.rsvp ?? null,
    mayChange: mayChange.get(e.uid) === true,
  }));
}

/** An occurrence as the views show it: a changed one with its own title, location and description. */
export function occurrenceView(entry: CalendarEvent, o: Occurrence): OccurrenceView {
  const own = o.changed;
  return {
    uid: o.uid,
    start: o.start,
    end: o.end,
    recurrenceId: o.recurrenceId,
    changed: !!own,
    title: own ? own.title : entry.title,
    location: (own ? own.location : entry.location) ?? '',
    description: (own ? own.description : entry.description) ?? '',
  };
}

export class CalendarService {
  readonly #runtime: ProfileRuntime;
  readonly #clock: Clock;
  constructor(runtime: ProfileRuntime, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
  }

  async range(channelId: string, from: number, to: number) {
    const runtime = this.#runtime;
    const entries = await runtime.profile.store.repository(calendarRepository).entries(channelId);
    // Cancelled entries keep their occurrences (shown struck through), so staff see what was called off;
    // a single cancelled occurrence of a series is left out, as an EXDATE is.
    const found = entries.flatMap((e) =>
      occurrences({ ...e, cancelled: false }, from, to, 500).map((o) => occurrenceView(e, o)),
    );
    return {
      entries: await entryViews(runtime, channelId, entries),
      occurrences: found.sort((a, b) => a.start - b.start),
    };
  }

  async put(input: MethodParsedInput<'calendar.put'>) {
    const runtime = this.#runtime;
    if (input.uid) await this.#entry(input.channelId, input.uid);
    if (input.rrule) checkRrule(input.rrule);
    const name = await nameLookup(runtime.profile.store);
    const attendees = [...new Set(input.attendeeUserIds)].map((userId) => {
      const person = name(userId);
      if (person.displayName === 'Unbekannt')
        throw new AppError('invalid_input', `Attendee ${userId} is not in the directory.`);
      return { userId, name: person.displayName };
    });
    // All-day entries are dates: midnight UTC of the first day to midnight UTC after the last.
    const start = input.allDay ? Math.floor(input.start / DAY) * DAY : input.start;
    const end = input.allDay ? Math.max(start + DAY, Math.ceil(input.end / DAY) * DAY) : input.end;
    const uid = input.uid ?? `cal${toBase64Url(new Uint8Array(randomBytes(12)))}`;
    const payload: PutPayload = {
      type: 'calendar.put',
      uid,
      title: input.title.trim(),
      start,
      end,
      allDay: input.allDay,
      timeZone: DEFAULT_TIME_ZONE,
      ...(input.location ? { location: input.location } : {}),
      ...(input.description ? { description: input.description } : {}),
      ...(input.meetingUrl ? { meetingUrl: input.meetingUrl } : {}),
      ...(input.rrule ? { rrule: input.rrule } : {}),
      attendees,
    };
    // Changing someone else's entry is refused by every client (creator or channel admin only).
    await assertPermitted(runtime, input.channelId, payload);
    await runtime.client.send(input.channelId, payload);
    return { uid };
  }

  async cancel(channelId: string, uid: string): Promise<void> {
    const runtime = this.#runtime;
    await this.#entry(channelId, uid);
    await assertPermitted(runtime, channelId, { type: 'calendar.cancel', uid });
    await runtime.client.send(channelId, { type: 'calendar.cancel', uid });
  }

  async rsvp({ channelId, uid, rsvp }: MethodParsedInput<'calendar.rsvp'>): Promise<void> {
    const runtime = this.#runtime;
    const found = await this.#entry(channelId, uid);
    if (!found.attendees.some((a) => a.userId === runtime.identity.userId))
      throw new AppError('not_permitted', 'Only attendees answer an invitation.');
    await runtime.client.send(channelId, { type: 'calendar.rsvp', uid, rsvp });
  }

  async exportIcs(channelId: string, uid: string | undefined) {
    const runtime = this.#runtime;
    const all = await this.#withOrganizers(channelId);
    const events = uid ? all.filter((e) => e.uid === uid) : all;
    if (uid && events.length === 0) throw new AppError('not_found', 'No such calendar entry.');
    const channelName = (await runtime.profile.store.channels.settings(channelId))?.name ?? 'Kalender';
    const base =
      (uid ? events[0]!.title : channelName)
        .replace(/[^\p{L}\p{N} _-]+/gu, '')
        .trim()
        .slice(0, 80) || 'Kalender';
    return { fileName: `${base}.ics`, text: exportIcs(events, { calendarName: channelName, now: this.#clock.now() }) };
  }

  async importIcs(channelId: string, text: string) {
    const runtime = this.#runtime;
    const parsed = importIcs(text);
    if (parsed.unreadable) throw new AppError('invalid_input', `The file cannot be imported: ${parsed.unreadable}`);
    const problems = [...parsed.problems];
    const known = await nameLookup(runtime.profile.store);
    let imported = 0;
    for (const event of parsed.events) {
      if (event.cancelled) continue;
      const converted = importPayloads(event, (userId) =>
        known(userId).displayName === UNKNOWN_NAME ? null : known(userId).displayName,
      );
      problems.push(...converted.problems);
      // An entry already here from someone else (same UID) is theirs to change: every client would refuse it.
      const [series] = converted.payloads;
      if (
        series &&
        (await runtime.profile.store.authorise({
          eventId: 'local-check',
          channelId,
          seq: null,
          senderUserId: runtime.identity.userId,
          senderDeviceId: '',
          createdAt: 0,
          payload: series,
        }))
      ) {
        problems.push({ uid: event.uid, reason: 'An entry with this UID exists and belongs to someone else.' });
        continue;
      }
      // In order: the series first, then its single occurrences (the outbox keeps the order).
      for (const payload of converted.payloads) await runtime.client.send(channelId, payload);
      imported++;
    }
    return { imported, problems };
  }

  async #entry(channelId: string, uid: string): Promise<CalendarEvent> {
    const runtime = this.#runtime;
    const found = (await runtime.profile.store.repository(calendarRepository).entries(channelId)).find(
      (e) => e.uid === uid,
    );
    if (!found) throw new AppError('not_found', 'No such calendar entry.');
    return found;
  }

  async #withOrganizers(channelId: string): Promise<CalendarEvent[]> {
    const runtime = this.#runtime;
    const name = await nameLookup(runtime.profile.store);
    const creators = runtime.profile.store.repository(calendarRepository).creators(channelId);
    const entries = await runtime.profile.store.repository(calendarRepository).entries(channelId);
    return entries.map((e) => {
      const organizer = creators.get(e.uid);
      return organizer ? { ...e, organizer: { userId: organizer, name: name(organizer).displayName } } : e;
    });
  }
}

const CALENDAR = serviceKey<CalendarService>('calendar');

/** The profile's calendar service, made once per sign-in (it goes with the runtime). */
export function calendarService(runtime: ProfileRuntime, clock: Clock): CalendarService {
  return runtime.services.get(CALENDAR, () => new CalendarService(runtime, clock));
}
