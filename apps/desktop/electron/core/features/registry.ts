// The one list of the desktop core's features (one folder each under features/): it builds the
// handler table of their API methods from the context the composition root (wiring.ts) hands in,
// and starts what a feature runs in the background. A new feature adds its folder and one line
// here. Features depend on the core's shared folders (store, sync, crypto, client, app's runtime)
// and on features/kit (the port they share), never on each other; nothing outside features/
// imports them but wiring.ts (eslint.config.js, "feature folders").
import type { HandlerContext, ProfileHandlers } from '../app/handler-context.ts';
import { calendarHandlers } from './calendar/ipc.ts';
import { occurrenceHandlers } from './calendar/occurrence-ipc.ts';
import { startReminderLoop } from './calendar/reminder-loop.ts';
import { channelHandlers } from './channels/ipc.ts';
import { fileHandlers } from './files/ipc.ts';
import { filesContent } from './files/repository.ts';
import { messagingHandlers } from './messages/ipc.ts';
import { pinHandlers } from './pins/ipc.ts';
import { pinsContent } from './pins/repository.ts';
import { pollHandlers } from './polls/ipc.ts';
import { pollsContent } from './polls/repository.ts';
import { timelineHandlers } from './timeline/ipc.ts';
import { roleHandlers } from './roles/ipc.ts';
import { rolesContent } from './roles/repository.ts';
import { reactionHandlers } from './reactions/ipc.ts';
import { reactionsContent } from './reactions/repository.ts';
import { registerContentFeature } from '../store/content-features.ts';

/**
 * The features' handlers, one table (wiring.ts adds the session, admin and workstation ones; the
 * typecheck there ties every method of the contract to exactly one handler), and their background
 * work for the workstation's lifetime (calendar reminders).
 */
export function featureHandlers(ctx: HandlerContext, versionOf: (channelId: string) => number) {
  startReminderLoop(ctx);
  return {
    ...channelHandlers(ctx.sessions, ctx.clock),
    ...messagingHandlers(ctx.clock, versionOf),
    ...pollHandlers(ctx),
    ...fileHandlers(ctx),
    ...calendarHandlers(ctx),
    ...occurrenceHandlers(),
    ...pinHandlers(),
    ...timelineHandlers(),
    ...roleHandlers(ctx),
    ...reactionHandlers(),
  } satisfies Partial<ProfileHandlers>;
}

/** The change feed (wiring.ts) patches the renderer's window with the messages feature's views. */
export { messagePatch } from './messages/message-changes.ts';

/** Notifications (wiring.ts) name a file, poll or appointment only as the timeline shows it. */
export { timelineRepository } from './timeline/repository.ts';

/**
 * The features that materialise their own channel events through the store's port
 * (store/content-features.ts). Called once by wiring.ts before any store opens, and by tests that
 * apply events to a store of their own; idempotent.
 */
export function registerStoreFeatures(): void {
  registerContentFeature(pinsContent);
  registerContentFeature(pollsContent);
  registerContentFeature(filesContent);
  registerContentFeature(rolesContent);
  registerContentFeature(reactionsContent);
}
