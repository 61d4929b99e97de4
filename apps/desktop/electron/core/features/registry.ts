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
import { channelPageHandlers } from './channel-page.ts';
import { channelHandlers } from './channels/ipc.ts';
import { fileHandlers } from './files/ipc.ts';
import { messagingHandlers } from './messages/ipc.ts';
import { pinHandlers } from './pins/ipc.ts';
import { pollHandlers } from './polls/ipc.ts';
import { timelineHandlers } from './timeline/ipc.ts';
import { roleHandlers } from './roles/ipc.ts';
import { reactionHandlers } from './reactions/ipc.ts';
import { alertHandlers } from './alerts/ipc.ts';
import { alertService } from './alerts/service.ts';
import { alertRolePort } from './roles/alert-roles.ts';
import { escalationHandlers } from './escalation/ipc.ts';
import { escalationService, urgentWatch, type EscalationDeps } from './escalation/service.ts';
import { roleEscalationOf } from './roles/escalation-roles.ts';
import type { ProfileRuntime } from '../app/profile-runtime.ts';
import type { Clock } from '../clock/clock.ts';
import type { MailboxMessage } from '../transport/transport.ts';
import { availabilityHandlers } from './availability/ipc.ts';

/**
 * The features' handlers, one table (wiring.ts adds the session, admin and workstation ones; the
 * typecheck there ties every method of the contract to exactly one handler), and their background
 * work for the workstation's lifetime (calendar reminders).
 */
export function featureHandlers(ctx: HandlerContext) {
  startReminderLoop(ctx);
  const escalation = escalationDeps(ctx);
  return {
    ...channelHandlers(ctx),
    ...messagingHandlers(ctx, urgentWatch(escalation)),
    ...escalationHandlers(ctx, escalation),
    ...channelPageHandlers(ctx, urgentWatch(escalation)),
    ...pollHandlers(ctx),
    ...fileHandlers(ctx),
    ...calendarHandlers(ctx),
    ...occurrenceHandlers(ctx),
    ...pinHandlers(ctx),
    ...timelineHandlers(ctx),
    ...roleHandlers(ctx),
    ...reactionHandlers(ctx),
    // Alerts ask the roles feature who holds a role (a role the organisation lets send alerts).
    ...alertHandlers(ctx, alertRolePort),
    ...availabilityHandlers(ctx),
  } satisfies Partial<ProfileHandlers>;
}

/** The change feed (wiring.ts) patches the renderer's window with the messages feature's views. */
export { messagePatch } from './messages/message-changes.ts';
/**
 * ... the timeline and the overviews (Umfragen, Dateien, Kalender) with the items, polls, files and
 * calendar entries that changed, and the sidebar with the channels feature's rows.
 */
export { timelinePatch } from './timeline/timeline-changes.ts';
export { pollPatch } from './polls/poll-changes.ts';
export { filePatch } from './files/file-changes.ts';
export { calendarPatch } from './calendar/calendar-changes.ts';
export { channelsPatch } from './channels/channel-changes.ts';

/** Notifications (wiring.ts) name a file, poll or appointment only as the timeline shows it. */
export { timelineRepository } from './timeline/repository.ts';

/**
 * The features that materialise their own channel events (their list is features/store-features.ts,
 * kept apart so a test process registers them without loading every feature's handlers).
 */
export { registerStoreFeatures } from './store-features.ts';

/**
 * Escalation of urgent messages: its policy comes from the roles feature (a conversation with a
 * role has the role's signed setting); the platform's notifier alerts.
 */
export function escalationDeps(ctx: Pick<HandlerContext, 'clock' | 'log' | 'platform' | 'policy'>): EscalationDeps {
  return {
    clock: ctx.clock,
    log: ctx.log.child('escalation'),
    notifier: ctx.platform.notifier,
    language: ctx.policy.values.uiLanguage ?? 'de',
    sourceOf: (runtime, channelId) => roleEscalationOf(runtime.profile.store, channelId),
  };
}

/** Items of escalations the relay released to this profile's device (wiring.ts, from the mailbox). */
export const acceptEscalationMail = (runtime: ProfileRuntime, deps: EscalationDeps, items: readonly MailboxMessage[]) =>
  escalationService(runtime, deps).acceptReleased(items);

/** Events applied for a profile (others' and own): arms start re-alerts, acknowledgements stop escalations. */
export const observeForEscalation = (
  runtime: ProfileRuntime,
  deps: EscalationDeps,
  events: ReadonlyArray<{ channelId: string; senderUserId: string; payload: unknown }>,
) => escalationService(runtime, deps).observe(events);

/**
 * Whether a received `alert.send` event is an alert the fold counts and that names this user as
 * a recipient, not yet acknowledged (wiring.ts notifies only then: a member's forged alert, or
 * one to another department, disturbs nobody).
 */
export function alertToMe(runtime: ProfileRuntime, clock: Clock, eventId: string, alertId: string): boolean {
  const alert = alertService(runtime, clock, alertRolePort).fold().alerts.get(alertId);
  const me = runtime.identity.userId;
  return alert?.eventId === eventId && alert.recipients.includes(me) && !alert.acks.has(me);
}
