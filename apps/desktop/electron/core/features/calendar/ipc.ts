// IPC adapter of the channel calendar: each handler hands the call to the CalendarService
// (service.ts) of the profile the router checked the membership on (`requires: 'member'`).
// Single occurrences of a series are changed and cancelled in occurrence-ipc.ts.
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { calendarService } from './service.ts';

type Names =
  'calendar.range' | 'calendar.put' | 'calendar.cancel' | 'calendar.rsvp' | 'calendar.exportIcs' | 'calendar.importIcs';

const done = { done: true as const };

export function calendarHandlers(ctx: HandlerContext): Pick<ProfileHandlers, Names> {
  const calendar = (runtime: ProfileRuntime) => calendarService(runtime, ctx.clock);
  return {
    'calendar.range': ({ channelId, from, to }, { runtime }) => calendar(runtime).range(channelId, from, to),
    'calendar.put': (input, { runtime }) => calendar(runtime).put(input),
    'calendar.cancel': async ({ channelId, uid }, { runtime }) => {
      await calendar(runtime).cancel(channelId, uid);
      return done;
    },
    'calendar.rsvp': async (input, { runtime }) => {
      await calendar(runtime).rsvp(input);
      return done;
    },
    'calendar.exportIcs': ({ channelId, uid }, { runtime }) => calendar(runtime).exportIcs(channelId, uid),
    'calendar.importIcs': ({ channelId, text }, { runtime }) => calendar(runtime).importIcs(channelId, text),
  };
}
