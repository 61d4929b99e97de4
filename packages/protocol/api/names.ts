// The names of every API method and event, kept apart from the schemas so the preload (and the
// harness bridge standing in for it) can refuse undeclared names without bundling zod.
// contract.ts and events.ts are typed `satisfies Record<Name, ...>`, so a name without a schema,
// or a schema without a name, fails the typecheck.
import { PINS_METHOD_NAMES } from './features/pins-names.ts';
import { REACTIONS_METHOD_NAMES } from './features/reactions-names.ts';
import { COLLAB_EVENT_NAMES, COLLAB_METHOD_NAMES } from './parts/collab-names.ts';
import { DELEGATION_EVENT_NAMES, DELEGATION_METHOD_NAMES } from './parts/delegation-names.ts';
import { ORG_ADMIN_EVENT_NAMES, ORG_ADMIN_METHOD_NAMES } from './parts/org-admin-names.ts';
import { WORKSTATION_EVENT_NAMES, WORKSTATION_METHOD_NAMES } from './parts/workstation-names.ts';

export const METHOD_NAMES = [
  'app.info',
  'session.status',
  'org.create',
  'org.checkRegistrationKey',
  'org.join',
  'session.signIn',
  'session.signOut',
  'session.lock',
  'session.unlock',
  'session.setPin',
  'session.me',
  'connection.status',
  'directory.users',
  'channels.list',
  'channels.get',
  'channels.create',
  'channels.setMembers',
  'channels.leave',
  'channels.discover',
  'channels.join',
  'channels.markRead',
  'messages.page',
  'messages.send',
  'messages.edit',
  'messages.delete',
  'messages.ack',
  'messages.acks',
  'messages.readers',
  'messages.retry',
  'search.query',
  'admin.addUser',
  'admin.createRegistrationKey',
  'admin.revokeDevice',
  ...COLLAB_METHOD_NAMES,
  ...ORG_ADMIN_METHOD_NAMES,
  ...WORKSTATION_METHOD_NAMES,
  ...PINS_METHOD_NAMES,
  ...REACTIONS_METHOD_NAMES,
  ...DELEGATION_METHOD_NAMES,
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export const EVENT_NAMES = [
  'session.changed',
  'connection.changed',
  'channels.changed',
  'messages.changed',
  ...COLLAB_EVENT_NAMES,
  ...ORG_ADMIN_EVENT_NAMES,
  ...WORKSTATION_EVENT_NAMES,
  ...DELEGATION_EVENT_NAMES,
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);

export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);

/** IPC channel names shared by main and preload. */
export const IPC_INVOKE_CHANNEL = 'klinikfunk:invoke';
export const IPC_EVENT_CHANNEL = 'klinikfunk:event';
