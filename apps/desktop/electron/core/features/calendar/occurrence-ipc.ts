// IPC handlers for single occurrences of a recurring entry: change one ("only this occurrence")
// or cancel one, each as one encrypted channel event. The reducer decides again on every client
// (calendar/calendar-events.ts); the checks here only answer at once what is already decided locally.
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { MAX_OVERRIDES } from '../../calendar/calendar-events.ts';
import { assertPermitted } from '../kit/channel-access.ts';
import type { CalendarEvent } from '../../calendar/model.ts';
import { inOverrideHorizon, isOccurrence } from '../../calendar/recurrence.ts';
import { calendarRepository } from './repository.ts';

type Names = 'calendar.putOccurrence' | 'calendar.cancelOccurrence';

const done = { done: true as const };
const DAY = 86_400_000;

/**
 * The series, if this occurrence of it can be changed: it exists, repeats, is not cancelled, has
 * the occurrence within 10 years of its start, and room for one more override. The reducer takes
 * any well-formed override (others may see the series differently when it arrives); these checks
 * keep this workstation from sending one its own views would ignore.
 */
async function seriesWith(
  runtime: ProfileRuntime,
  channelId: string,
  uid: string,
  recurrenceId: number,
): Promise<CalendarEvent> {
  const series = (await runtime.profile.store.repository(calendarRepository).entries(channelId)).find(
    (e) => e.uid === uid,
  );
  if (!series) throw new AppError('not_found', 'No such calendar entry.');
  // Only the series' creator or a channel admin changes its occurrences (every client refuses others).
  await assertPermitted(runtime, channelId, { type: 'calendar.occurrence.cancel', uid, recurrenceId });
  if (!series.rrule) throw new AppError('invalid_input', 'The entry does not repeat; edit the entry itself.');
  if (series.cancelled) throw new AppError('not_permitted', 'The series is cancelled.');
  if (!inOverrideHorizon(series, recurrenceId))
    throw new AppError(
      'invalid_input',
      'Only occurrences from the start of the series up to 10 years after it can be changed on their own.',
    );
  if (!isOccurrence(series, recurrenceId))
    throw new AppError('not_found', 'The series has no occurrence at that time.');
  const overrides = series.overrides ?? [];
  if (overrides.length >= MAX_OVERRIDES && !overrides.some((o) => o.recurrenceId === recurrenceId))
    throw new AppError('invalid_input', `A series can have at most ${MAX_OVERRIDES} single changes or cancellations.`);
  return series;
}

export function occurrenceHandlers(_ctx: HandlerContext): Pick<ProfileHandlers, Names> {
  return {
    'calendar.putOccurrence': async (input, { runtime }) => {
      const series = await seriesWith(runtime, input.channelId, input.uid, input.recurrenceId);
      // An occurrence of an all-day series stays all-day: whole dates, as calendar.put stores them.
      const start = series.allDay ? Math.floor(input.start / DAY) * DAY : input.start;
      const end = series.allDay ? Math.max(start + DAY, Math.ceil(input.end / DAY) * DAY) : input.end;
      await runtime.client.send(input.channelId, {
        type: 'calendar.occurrence.put',
        uid: input.uid,
        recurrenceId: input.recurrenceId,
        title: input.title.trim(),
        start,
        end,
        ...(input.location ? { location: input.location } : {}),
        ...(input.description ? { description: input.description } : {}),
      });
      return done;
    },

    'calendar.cancelOccurrence': async ({ channelId, uid, recurrenceId }, { runtime }) => {
      await seriesWith(runtime, channelId, uid, recurrenceId);
      await runtime.client.send(channelId, { type: 'calendar.occurrence.cancel', uid, recurrenceId });
      return done;
    },
  };
}
