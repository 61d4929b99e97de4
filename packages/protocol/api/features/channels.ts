// API of channels, conversations and direct chats: the sidebar, members, joining and leaving, read state.
// Merged into contract.ts; the names are in ./channels-names.ts.
import { z } from 'zod';
import { event, method, type EventSpec, type MethodSpec } from '../define.ts';
import { channelId, role, userId } from '../common.ts';
/** Every input is an object, so methods can grow optional fields without breaking callers. */
const noInput = z.object({}).strict();
const done = z.object({ done: z.literal(true) });

export const channelKind = z.enum(['channel', 'conversation', 'direct']);

export const channelSummarySchema = z.object({
  channelId,
  kind: channelKind,
  name: z.string(),
  topic: z.string(),
  unreadCount: z.number().int().nonnegative(),
  mentionCount: z.number().int().nonnegative(),
  historyForNewMembers: z.boolean(),
  /** The organisation-wide channel ("Allgemein"): every active user is a member; nobody leaves it. */
  orgWide: z.boolean(),
  /** When its newest message was written (else when the channel was made), UTC ms: the sidebar's order. */
  lastActivityAt: z.number(),
});

export const memberSchema = z.object({ userId, displayName: z.string(), role, ward: z.string().nullable() });

export const channelDetailSchema = channelSummarySchema.extend({
  members: z.array(memberSchema),
  /** The signed-in user may change membership (admin of the channel's roster). */
  canManage: z.boolean(),
});

export const channelCreateInput = z.strictObject({
  kind: channelKind,
  name: z.string().trim().min(1).max(100),
  topic: z.string().max(500).default(''),
  memberUserIds: z.array(userId).max(2000),
  historyForNewMembers: z.boolean().default(false),
  /** Listed in the organisation's channel directory (name and topic, encrypted); anyone may ask to join. Channels only. */
  discoverable: z.boolean().default(false),
});

/** A channel announced in the directory that the signed-in user is not a member of. */
export const discoverableChannelSchema = z.object({
  channelId,
  name: z.string(),
  topic: z.string(),
  historyForNewMembers: z.boolean(),
  memberCount: z.number().int().nonnegative(),
  /** `requested`: a join request is on its way or waiting for a channel admin's device. */
  state: z.enum(['open', 'requested']),
});

export const channelsMethods = {
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
} satisfies Record<string, MethodSpec>;

/** Most channels one channels.changed event names; more changed at once is a reload. */
export const MAX_PATCH_CHANNELS = 200;

/**
 * What changed in the sidebar: the channels whose row changed, as channels.list shows them, and
 * the channels no longer listed (left, removed from the roster). `reload` when the core cannot
 * name them (more than MAX_PATCH_CHANNELS, a new session, a reconnect, a directory change, a
 * retention run): the renderer reads channels.list once. `directory`: the organisation's users
 * may have changed too (new names for mentions), so directory.users is read again.
 */
export const channelsChangedSchema = z.discriminatedUnion('reload', [
  z.object({ reload: z.literal(true), directory: z.boolean() }),
  z.object({
    reload: z.literal(false),
    directory: z.boolean(),
    upserted: z.array(channelSummarySchema).max(MAX_PATCH_CHANNELS),
    removed: z.array(channelId).max(MAX_PATCH_CHANNELS),
  }),
]);

/** The sidebar's order: the org-wide channel first, then by newest activity, then by name. */
export function sidebarOrder(a: ChannelSummaryView, b: ChannelSummaryView): number {
  return (
    Number(b.orgWide) - Number(a.orgWide) ||
    b.lastActivityAt - a.lastActivityAt ||
    a.name.localeCompare(b.name, 'de') ||
    (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0)
  );
}

export const channelsEvents = {
  'channels.changed': event({
    payload: channelsChangedSchema,
    doc: 'The sidebar changed (a channel, its name, members or unread counts): the changed rows as channels.list shows them and the ids no longer listed, or `reload` (channelsChangedSchema).',
  }),
} satisfies Record<string, EventSpec>;

export type ChannelsChanged = z.output<typeof channelsChangedSchema>;

export type ChannelSummaryView = z.output<typeof channelSummarySchema>;
export type ChannelDetailView = z.output<typeof channelDetailSchema>;
export type DiscoverableChannelView = z.output<typeof discoverableChannelSchema>;
