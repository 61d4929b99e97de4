// The names of every API method and event, kept apart from the schemas so the preload (and the
// harness bridge standing in for it) can refuse undeclared names without bundling zod.
// contract.ts and events.ts are typed `satisfies Record<Name, ...>`, so a name without a schema,
// or a schema without a name, fails the typecheck.
import { ALERTS_METHOD_NAMES } from './features/alerts-names.ts';
import { APP_INFO_METHOD_NAMES } from './features/app-info-names.ts';
import { AUDIT_METHOD_NAMES } from './features/audit-names.ts';
import { CALENDAR_METHOD_NAMES } from './features/calendar-names.ts';
import { CHANNELS_ADMIN_METHOD_NAMES } from './features/channels-admin-names.ts';
import { CHANNELS_METHOD_NAMES, CHANNELS_EVENT_NAMES } from './features/channels-names.ts';
import { CONNECTION_METHOD_NAMES, CONNECTION_EVENT_NAMES } from './features/connection-names.ts';
import { DELEGATION_METHOD_NAMES } from './features/delegation-names.ts';
import { DEVICES_ADMIN_METHOD_NAMES } from './features/devices-admin-names.ts';
import { DIRECTORY_METHOD_NAMES } from './features/directory-names.ts';
import { FILES_METHOD_NAMES, FILES_EVENT_NAMES } from './features/files-names.ts';
import { MESSAGES_METHOD_NAMES, MESSAGES_EVENT_NAMES } from './features/messages-names.ts';
import { ONBOARDING_METHOD_NAMES } from './features/onboarding-names.ts';
import { ORG_KEY_METHOD_NAMES } from './features/org-key-names.ts';
import { ORG_SETTINGS_METHOD_NAMES } from './features/org-settings-names.ts';
import { PINS_METHOD_NAMES } from './features/pins-names.ts';
import { POLLS_METHOD_NAMES } from './features/polls-names.ts';
import { REACTIONS_METHOD_NAMES } from './features/reactions-names.ts';
import { AVAILABILITY_METHOD_NAMES } from './features/availability-names.ts';
import { ROLES_METHOD_NAMES } from './features/roles-names.ts';
import { ESCALATIONS_METHOD_NAMES } from './features/escalations-names.ts';
import { SEARCH_METHOD_NAMES } from './features/search-names.ts';
import { SESSION_METHOD_NAMES, SESSION_EVENT_NAMES } from './features/session-names.ts';
import { SUPPORT_METHOD_NAMES } from './features/support-names.ts';
import { TIMELINE_METHOD_NAMES } from './features/timeline-names.ts';
import { USER_IMPORT_METHOD_NAMES } from './features/user-import-names.ts';
import { USERS_ADMIN_METHOD_NAMES } from './features/users-admin-names.ts';
import { WORKSTATION_METHOD_NAMES } from './features/workstation-names.ts';

export const METHOD_NAMES = [
  ...APP_INFO_METHOD_NAMES,
  ...SESSION_METHOD_NAMES,
  ...ONBOARDING_METHOD_NAMES,
  ...CONNECTION_METHOD_NAMES,
  ...DIRECTORY_METHOD_NAMES,
  ...CHANNELS_METHOD_NAMES,
  ...MESSAGES_METHOD_NAMES,
  ...SEARCH_METHOD_NAMES,
  ...USERS_ADMIN_METHOD_NAMES,
  ...DEVICES_ADMIN_METHOD_NAMES,
  ...CHANNELS_ADMIN_METHOD_NAMES,
  ...ORG_SETTINGS_METHOD_NAMES,
  ...AUDIT_METHOD_NAMES,
  ...ORG_KEY_METHOD_NAMES,
  ...DELEGATION_METHOD_NAMES,
  ...POLLS_METHOD_NAMES,
  ...FILES_METHOD_NAMES,
  ...CALENDAR_METHOD_NAMES,
  ...PINS_METHOD_NAMES,
  ...WORKSTATION_METHOD_NAMES,
  ...SUPPORT_METHOD_NAMES,
  ...USER_IMPORT_METHOD_NAMES,
  ...TIMELINE_METHOD_NAMES,
  ...ROLES_METHOD_NAMES,
  ...ESCALATIONS_METHOD_NAMES,
  ...REACTIONS_METHOD_NAMES,
  ...ALERTS_METHOD_NAMES,
  ...AVAILABILITY_METHOD_NAMES,
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export const EVENT_NAMES = [
  ...SESSION_EVENT_NAMES,
  ...CONNECTION_EVENT_NAMES,
  ...CHANNELS_EVENT_NAMES,
  ...MESSAGES_EVENT_NAMES,
  ...FILES_EVENT_NAMES,
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);

export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);

/** IPC channel names shared by main and preload. */
export const IPC_INVOKE_CHANNEL = 'klinikfunk:invoke';
export const IPC_EVENT_CHANNEL = 'klinikfunk:event';
