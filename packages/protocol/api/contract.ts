// The single API contract between renderer and main process. Main registers a handler for every
// method (apps/desktop/electron/ipc), the preload exposes only these names, the renderer gets a typed client.
// Methods that touch a profile's data act on the visible, unlocked profile only and fail with
// `locked` otherwise, so no call can reach another person's store (tenant separation).
import { z } from 'zod';
import { event, method, type EventSpec, type MethodSpec } from './define.ts';
import {
  acksSchema,
  readersSchema,
  addUserInput,
  channelCreateInput,
  channelDetailSchema,
  channelId,
  channelSummarySchema,
  discoverableChannelSchema,
  editInput,
  messagePageInput,
  messagePageSchema,
  messageRef,
  registrationLetterSchema,
  searchHitSchema,
  searchInput,
  sendInput,
  userId,
  userSchema,
} from './messaging-schemas.ts';
import type { EventName, MethodName } from './names.ts';
import { messagesChangedSchema } from './change-events.ts';
import { pinsMethods } from './features/pins.ts';
import { reactionsMethods } from './features/reactions.ts';
import { collabEvents, collabMethods } from './parts/collab-contract.ts';
import { delegationEvents, delegationMethods } from './parts/delegation-contract.ts';
import { orgAdminEvents, orgAdminMethods } from './parts/org-admin-contract.ts';
import { workstationEvents, workstationMethods } from './parts/workstation-contract.ts';
import {
  connectionSchema,
  meSchema,
  orgCreateInput,
  orgJoinInput,
  passphrase,
  profileId,
  registrationKeyProblem,
  sessionStatusSchema,
  unlockOutcomeSchema,
} from './session-schemas.ts';

/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();
const done = z.object({ done: z.literal(true) });
const pin = z.string().regex(/^\d{4,12}$/, 'PIN: 4 to 12 digits');

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  build: z.object({
    /** Short git commit or "dev". */
    commit: z.string(),
    /** ISO date of the build. */
    date: z.string(),
    /** Electron version, or null when running in the Node harness. */
    electron: z.string().nullable(),
    node: z.string(),
    platform: z.string(),
  }),
  /** Setting keys fixed by machine policy; the UI shows them locked ("Von Ihrer Organisation verwaltet"). */
  managedSettings: z.array(z.string()),
  /** UI language chosen by policy, or null when the user may choose. */
  policyLanguage: z.enum(['de', 'en']).nullable(),
  /** Values from machine policy the first-run screens prefill and lock (null when not set). */
  prefill: z.object({ relayUrl: z.string().nullable() }),
  /** Minimum PIN length by policy. */
  pinMinLength: z.number().int(),
  /**
   * Whether the support package may be exported with no profile unlocked. Not on a reception
   * terminal (preset `reception`): its save dialog would be a file browser for anyone at the desk.
   */
  supportExportSignedOut: z.boolean(),
});

export const methods = {
  'app.info': method({
    input: noInput,
    output: appInfoSchema,
    doc: 'Version and build of the running app, and which settings machine policy fixes. Always available, also when locked.',
  }),
  'session.status': method({
    input: noInput,
    output: sessionStatusSchema,
    doc: 'Whether a profile is signed in, locked or none exists yet, and the profiles on this workstation by display name. Always available; reveals no content.',
  }),
  'org.create': method({
    input: orgCreateInput,
    output: z.object({ profileId }),
    doc: 'First run of a new organisation: makes the organisation key, the first admin and this device, binds the relay with its setup code and signs in. Fails with `unavailable` when the relay is unreachable or already bound.',
  }),
  'org.checkRegistrationKey': method({
    input: z.strictObject({ registrationKey: z.string().max(200) }),
    output: z.object({ valid: z.boolean(), problem: registrationKeyProblem.nullable() }),
    doc: 'Checks a typed registration key for typing errors (length, characters, checksum) locally; nothing is sent.',
  }),
  'org.join': method({
    input: orgJoinInput,
    output: z.object({ profileId, displayName: z.string() }),
    doc: 'Joins an organisation with a registration key: enrols this device for the user the key was made for, creates the profile and signs in. `invalid_input` for a mistyped key, `not_found` for an unknown, used or expired key, `unavailable` when the relay is unreachable.',
  }),
  'session.signIn': method({
    input: z.strictObject({ profileId, passphrase }),
    output: sessionStatusSchema,
    doc: 'Opens a profile with its passphrase and makes it the visible one. `wrong_passphrase` for a wrong passphrase (counted per profile on disk); `too_many_attempts` while the backoff after wrong passphrases runs (checked before any Argon2id); `secure_store_unavailable` when the key is sealed by the OS secure store of another Windows account or PC. Works offline (local data).',
  }),
  'session.signOut': method({
    input: noInput,
    output: sessionStatusSchema,
    doc: 'Signs the visible profile out: stops its sync and purges its key from memory.',
  }),
  'session.lock': method({
    input: noInput,
    output: sessionStatusSchema,
    doc: 'Locks the screen (hotkey Ctrl+L or the lock button). Sync continues; the screen shows no content.',
  }),
  'session.unlock': method({
    input: z.strictObject({ profileId, pin }),
    output: unlockOutcomeSchema,
    doc: 'Unlocks a signed-in profile with its PIN. After too many wrong PINs the profile is signed out and needs its passphrase.',
  }),
  'session.setPin': method({
    input: z.strictObject({ pin }),
    output: done,
    doc: 'Sets the PIN of the visible profile (first sign-in). `invalid_input` for a PIN that is too short or trivial.',
  }),
  'session.me': method({
    input: noInput,
    output: meSchema,
    doc: 'The signed-in user of the visible profile: name, role, ward, organisation.',
  }),
  'connection.status': method({
    input: noInput,
    output: connectionSchema,
    doc: 'Connection to the relay of the visible profile: online, connecting or offline, channels catching up, queued sends.',
  }),
  'directory.users': method({
    input: noInput,
    output: z.array(userSchema),
    doc: 'The organisation directory (no address book): every user with name, role and ward.',
  }),
  'channels.list': method({
    input: noInput,
    output: z.array(channelSummarySchema),
    doc: 'Channels, conversations and direct chats of the signed-in user with unread and mention counts, most recent first.',
  }),
  'channels.get': method({
    requires: 'member',
    channelField: 'channelId',
    input: z.strictObject({ channelId }),
    output: channelDetailSchema,
    doc: 'One channel with its members and roles.',
  }),
  'channels.create': method({
    input: channelCreateInput,
    /** The new channel as channels.list names it: its name takes effect before the relay acknowledges it, so the UI opens it at once. */
    output: z.object({ channelId, channel: channelSummarySchema }),
    doc: 'Creates a channel, conversation or direct chat with members from the directory; the creator is its admin. `not_found` when a member id is not in the signed directory.',
  }),
  'channels.setMembers': method({
    requires: 'member',
    channelField: 'channelId',
    input: z.strictObject({ channelId, memberUserIds: z.array(userId).max(2000) }),
    output: done,
    doc: 'Replaces the members of a channel (admins of the channel only): a new key epoch, removed members read nothing new. `not_found` when a member id is not in the signed directory.',
  }),
  'channels.leave': method({
    requires: 'member',
    channelField: 'channelId',
    input: z.strictObject({ channelId }),
    output: done,
    doc: 'Leaves a channel: this user is removed from its roster and the channel disappears from the sidebar. `not_permitted` for the organisation-wide channel.',
  }),
  'channels.discover': method({
    input: noInput,
    output: z.array(discoverableChannelSchema),
    doc: 'Channels announced in the organisation directory that the signed-in user is not a member of, by name; whether a join request is pending.',
  }),
  'channels.join': method({
    input: z.strictObject({ channelId }),
    output: z.object({ state: z.enum(['requested', 'member']) }),
    doc: "Asks to join a discoverable channel: a join request in the directory channel, which a device of one of the channel's admins accepts automatically. `not_found` when the channel is not (or no longer) announced.",
  }),
  'channels.markRead': method({
    requires: 'member',
    channelField: 'channelId',
    input: z.strictObject({ channelId, upToSortKey: z.number() }),
    output: done,
    doc: 'Marks a channel read up to a message.',
  }),
  'messages.page': method({
    requires: 'member',
    channelField: 'channelId',
    input: messagePageInput,
    output: messagePageSchema,
    doc: 'A page of messages of a channel, oldest first: the newest, older than, newer than or around a sort key.',
  }),
  'messages.send': method({
    requires: 'member',
    channelField: 'channelId',
    input: sendInput,
    output: z.object({ messageId: z.string() }),
    doc: 'Sends a message. It is stored and shown at once as "sending", and sent when the relay is reachable (also after a restart).',
  }),
  'messages.edit': method({
    requires: 'member',
    channelField: 'channelId',
    input: editInput,
    output: done,
    doc: 'Edits an own message for everyone.',
  }),
  'messages.delete': method({
    requires: 'member',
    channelField: 'channelId',
    input: messageRef,
    output: done,
    doc: 'Deletes an own message for everyone; a tombstone remains.',
  }),
  'messages.ack': method({
    requires: 'member',
    channelField: 'channelId',
    input: messageRef,
    output: done,
    doc: 'Acknowledges an urgent message.',
  }),
  'messages.acks': method({
    requires: 'member',
    channelField: 'channelId',
    input: messageRef,
    output: acksSchema,
    doc: 'Who acknowledged an urgent message and who has not yet.',
  }),
  'messages.readers': method({
    requires: 'member',
    channelField: 'channelId',
    input: messageRef,
    output: readersSchema,
    doc: 'Who read an own message and who has not yet. `unavailable` while the organisation has read receipts off.',
  }),
  'messages.retry': method({
    requires: 'member',
    channelField: 'channelId',
    input: messageRef,
    output: done,
    doc: 'Sends a failed message again.',
  }),
  'search.query': method({
    requires: 'member',
    channelField: 'channelId',
    input: searchInput,
    output: z.array(searchHitSchema),
    doc: 'Full-text search in all channels or one, newest first, with highlight ranges into plain-text snippets.',
  }),
  'admin.addUser': method({
    input: addUserInput,
    output: z.object({ userId }),
    doc: 'Adds a user to the organisation directory (admin devices only; signed with the organisation key).',
  }),
  'admin.createRegistrationKey': method({
    input: z.strictObject({ userId }),
    output: registrationLetterSchema,
    doc: 'Creates a one-time registration key for a user, valid 14 days. The key is returned once, for the letter, and not kept.',
  }),
  'admin.revokeDevice': method({
    input: z.strictObject({
      deviceId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      wipe: z.boolean().default(false),
      reason: z.string().max(500).default(''),
    }),
    output: done,
    doc: 'Revokes a device: the relay disconnects it at once and refuses it afterwards, its session ends. With `wipe`, a signed wipe order first makes it delete the profile store and files when it next connects.',
  }),
  ...collabMethods,
  ...orgAdminMethods,
  ...workstationMethods,
  ...pinsMethods,
  ...reactionsMethods,
  ...delegationMethods,
} satisfies Record<MethodName, MethodSpec>;

export const events = {
  'session.changed': event({
    payload: sessionStatusSchema,
    doc: 'The session state changed (signed in, locked, unlocked, signed out).',
  }),
  'connection.changed': event({
    payload: connectionSchema,
    doc: 'The connection of the visible profile changed.',
  }),
  'channels.changed': event({
    payload: z.object({}),
    doc: 'The sidebar changed (a channel, its name, members or unread counts); the renderer reloads channels.list.',
  }),
  'messages.changed': event({
    payload: messagesChangedSchema,
    doc: 'Messages of a channel changed (new, edited, deleted, acknowledged, delivered): the changed message views and the channel\'s next version, or "reload"; and whether its polls, files or calendar changed (change-events.ts).',
  }),
  ...collabEvents,
  ...orgAdminEvents,
  ...workstationEvents,
  ...delegationEvents,
} satisfies Record<EventName, EventSpec>;

export type Methods = typeof methods;
export type Events = typeof events;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** The input after its schema ran (defaults filled in): what handlers receive. */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;
export type AppInfo = z.output<typeof appInfoSchema>;
export type SessionStatus = z.output<typeof sessionStatusSchema>;
export { sessionState, sessionStatusSchema } from './session-schemas.ts';
export type * from './session-schemas.ts';
export type * from './messaging-schemas.ts';
export type { PinView } from './features/pins.ts';
export type { MessageReactionsView, ReactionValue } from './features/reactions.ts';
