// IPC handlers of the API part for polls, files and calendar (issue 7) (packages/protocol/api/parts/collab-contract.ts).
// One module per domain; this file only joins them and starts the calendar reminders.
import type { COLLAB_METHOD_NAMES } from '@klinikfunk/protocol/api/parts/collab-names.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { calendarHandlers } from '../../calendar/calendar-handlers.ts';
import { occurrenceHandlers } from '../../calendar/occurrence-handlers.ts';
import { startReminderLoop } from '../../calendar/reminder-loop.ts';
import { pollHandlers } from '../../collab/poll-handlers.ts';
import { fileHandlers } from '../../files/file-handlers.ts';
import type { HandlerContext } from '../handler-context.ts';

type Names = (typeof COLLAB_METHOD_NAMES)[number];

export function collabHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  startReminderLoop(ctx);
  return { ...pollHandlers(ctx), ...fileHandlers(ctx), ...calendarHandlers(ctx), ...occurrenceHandlers(ctx) };
}
