// What an imported iCalendar event becomes in the channel: one calendar.put for the entry (or
// series), then one event per single occurrence changed or cancelled in the file. Bounded to what
// the wire schemas accept, with a problem for everything dropped, so staff learn what was skipped.
import { createHash } from 'node:crypto';
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { MAX_OVERRIDES } from './calendar-events.ts';
import type { ImportProblem } from './ics.ts';
import { DEFAULT_TIME_ZONE, type CalendarEvent } from './model.ts';

const ID = /^[A-Za-z0-9_-]{8,64}$/;

/** iCalendar UIDs may be anything ("040000008200E000…@outlook.com"); ours must be a short id. */
export const importedUid = (uid: string) =>
  ID.test(uid) ? uid : `ics${createHash('sha256').update(uid).digest('base64url').slice(0, 22)}`;

/**
 * The payloads for one imported event, in the order they must be sent. `directoryName` answers
 * the display name of a directory user, null for anyone else: only people from this
 * organisation's directory can be attendees.
 */
export function importPayloads(
  event: CalendarEvent,
  directoryName: (userId: string) => string | null,
): { payloads: ChannelEventPayload[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const rrule =
    event.rrule && /^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)/.test(event.rrule) && event.rrule.length <= 500
      ? event.rrule
      : undefined;
  if (event.rrule && !rrule)
    problems.push({ uid: event.uid, reason: 'recurrence not supported, imported as a single event' });
  const uid = importedUid(event.uid);
  const title = event.title.trim().slice(0, 300) || 'Termin';
  const payloads: ChannelEventPayload[] = [
    {
      type: 'calendar.put',
      uid,
      title,
      start: event.start,
      end: event.end,
      allDay: event.allDay,
      timeZone: DEFAULT_TIME_ZONE,
      ...(event.location ? { location: event.location.slice(0, 300) } : {}),
      ...(event.description ? { description: event.description.slice(0, 5000) } : {}),
      ...(event.meetingUrl && event.meetingUrl.length <= 2000 ? { meetingUrl: event.meetingUrl } : {}),
      ...(rrule ? { rrule } : {}),
      attendees: event.attendees.flatMap((a) => {
        const name = ID.test(a.userId) ? directoryName(a.userId) : null;
        return name === null ? [] : [{ userId: a.userId, name }];
      }),
    },
  ];
  const overrides = event.overrides ?? [];
  if (overrides.length > 0 && !rrule) {
    problems.push({
      uid: event.uid,
      reason: `${overrides.length} changed or cancelled occurrences skipped with the recurrence`,
    });
    return { payloads, problems };
  }
  if (overrides.length > MAX_OVERRIDES)
    problems.push({
      uid: event.uid,
      reason: `${overrides.length - MAX_OVERRIDES} changed or cancelled occurrences skipped (at most ${MAX_OVERRIDES})`,
    });
  for (const o of overrides.slice(0, MAX_OVERRIDES)) {
    if (o.cancelled) {
      payloads.push({ type: 'calendar.occurrence.cancel', uid, recurrenceId: o.recurrenceId });
      continue;
    }
    payloads.push({
      type: 'calendar.occurrence.put',
      uid,
      recurrenceId: o.recurrenceId,
      title: o.title.trim().slice(0, 300) || title,
      start: o.start,
      end: o.end,
      ...(o.location ? { location: o.location.slice(0, 300) } : {}),
      ...(o.description ? { description: o.description.slice(0, 5000) } : {}),
    });
  }
  return { payloads, problems };
}
