// The single API contract between renderer and main process. Main registers a handler for every
// method (apps/desktop/electron/ipc), the preload exposes only these names, the renderer gets a typed client.
// Methods that touch a profile's data act on the visible, unlocked profile only and fail with
// `locked` otherwise, so no call can reach another person's store (tenant separation).
// Each feature declares its methods, events and schemas in ./features/<feature>.ts (names in
// ./features/<feature>-names.ts); this file only assembles them.
import type { z } from 'zod';
import type { EventSpec, MethodSpec } from './define.ts';
import type { EventName, MethodName } from './names.ts';
import { appInfoMethods } from './features/app-info.ts';
import { auditMethods } from './features/audit.ts';
import { calendarMethods } from './features/calendar.ts';
import { channelsAdminMethods } from './features/channels-admin.ts';
import { channelsEvents, channelsMethods } from './features/channels.ts';
import { connectionEvents, connectionMethods } from './features/connection.ts';
import { delegationMethods } from './features/delegation.ts';
import { devicesAdminMethods } from './features/devices-admin.ts';
import { directoryMethods } from './features/directory.ts';
import { filesEvents, filesMethods } from './features/files.ts';
import { messagesEvents, messagesMethods } from './features/messages.ts';
import { onboardingMethods } from './features/onboarding.ts';
import { orgKeyMethods } from './features/org-key.ts';
import { orgSettingsMethods } from './features/org-settings.ts';
import { pinsMethods } from './features/pins.ts';
import { pollsMethods } from './features/polls.ts';
import { reactionsMethods } from './features/reactions.ts';
import { availabilityMethods } from './features/availability.ts';
import { rolesMethods } from './features/roles.ts';
import { alertsMethods } from './features/alerts.ts';
import { escalationsMethods } from './features/escalations.ts';
import { searchMethods } from './features/search.ts';
import { sessionEvents, sessionMethods } from './features/session.ts';
import { supportMethods } from './features/support.ts';
import { timelineMethods } from './features/timeline.ts';
import { userImportMethods } from './features/user-import.ts';
import { usersAdminMethods } from './features/users-admin.ts';
import { workstationMethods } from './features/workstation.ts';

export const methods = {
  ...appInfoMethods,
  ...sessionMethods,
  ...onboardingMethods,
  ...connectionMethods,
  ...directoryMethods,
  ...channelsMethods,
  ...messagesMethods,
  ...searchMethods,
  ...usersAdminMethods,
  ...devicesAdminMethods,
  ...channelsAdminMethods,
  ...orgSettingsMethods,
  ...auditMethods,
  ...orgKeyMethods,
  ...delegationMethods,
  ...pollsMethods,
  ...filesMethods,
  ...calendarMethods,
  ...pinsMethods,
  ...workstationMethods,
  ...supportMethods,
  ...userImportMethods,
  ...timelineMethods,
  ...rolesMethods,
  ...escalationsMethods,
  ...reactionsMethods,
  ...alertsMethods,
  ...availabilityMethods,
} satisfies Record<MethodName, MethodSpec>;

export const events = {
  ...sessionEvents,
  ...connectionEvents,
  ...channelsEvents,
  ...messagesEvents,
  ...filesEvents,
} satisfies Record<EventName, EventSpec>;

export type Methods = typeof methods;
export type Events = typeof events;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** The input after its schema ran (defaults filled in): what handlers receive. */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;
export { sessionState, sessionStatusSchema } from './features/session.ts';
export type * from './features/app-info.ts';
export type * from './features/session.ts';
export type * from './features/onboarding.ts';
export type * from './features/connection.ts';
export type * from './features/directory.ts';
export type * from './features/channels.ts';
export type * from './features/messages.ts';
export type * from './features/search.ts';
export type * from './features/users-admin.ts';
export type * from './features/devices-admin.ts';
export type * from './features/channels-admin.ts';
export type * from './features/org-settings.ts';
export type * from './features/audit.ts';
export type * from './features/org-key.ts';
export type * from './features/delegation.ts';
export type * from './features/polls.ts';
export type * from './features/files.ts';
export type * from './features/calendar.ts';
export type * from './features/pins.ts';
export type * from './features/workstation.ts';
export type * from './features/support.ts';
export type * from './features/user-import.ts';
export type * from './features/timeline.ts';
export type * from './features/roles.ts';
export type * from './features/reactions.ts';
export type * from './features/alerts.ts';
export type * from './features/availability.ts';
export type * from './features/message-view.ts';
