// Schemas of the messaging part of the API: directory, channels, messages, search, admin.
// Bodies travel to the renderer as plain text; the renderer formats them itself and never
// inserts HTML, so a message can never inject markup.
import { z } from 'zod';

export const channelId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'channel id');
export const messageId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'message id');
export const userId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'user id');
export const channelKind = z.enum(['channel', 'conversation', 'direct']);
export const role = z.enum(['admin', 'member']);

export const userSchema = z.object({
  userId,
  displayName: z.string(),
  role,
  ward: z.string().nullable(),
  active: z.boolean(),
});

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
});

export const memberSchema = z.object({ userId, displayName: z.string(), role, ward: z.string().nullable() });

export const channelDetailSchema = channelSummarySchema.extend({
  members: z.array(memberSchema),
  /** The signed-in user may change membership (admin of the channel's roster). */
  canManage: z.boolean(),
});

export const messageViewSchema = z.object({
  messageId,
  channelId,
  seq: z.number().int().nullable(),
  sortKey: z.number(),
  senderUserId: userId,
  senderName: z.string(),
  own: z.boolean(),
  createdAt: z.number().int(),
  body: z.string(),
  mentions: z.array(userId),
  /** Mentions the signed-in user. */
  mentionsMe: z.boolean(),
  replyTo: z.object({ messageId, senderName: z.string(), excerpt: z.string(), deleted: z.boolean() }).nullable(),
  urgent: z.boolean(),
  /** For urgent messages: how many members acknowledged, of how many, and whether I did. */
  ack: z.object({ acked: z.number().int(), total: z.number().int(), mine: z.boolean() }).nullable(),
  /** Own messages, only while the organisation turns read receipts on: members who read it, of how many. */
  readBy: z.object({ read: z.number().int(), total: z.number().int() }).nullable(),
  editedAt: z.number().int().nullable(),
  deleted: z.boolean(),
  delivery: z.enum(['sending', 'sent', 'failed']),
  /**
   * Failed because the relay refused it for good (never retried by itself): the sender is no
   * longer a member, it is too large, or another refusal; null while it may still go out.
   */
  refusal: z.enum(['not_member', 'too_large', 'refused']).nullable(),
  /** When the relay accepted it (its clock), null while unsent or for events stored before relays stamped them. */
  deliveredAt: z.number().int().nullable(),
  /**
   * Delivered much later than written (an outage): both times on the relay's clock, so a sender's
   * wrong clock neither fakes nor hides it (apps/desktop/electron/core/app/late-delivery.ts); null otherwise.
   */
  late: z.object({ writtenAt: z.number().int(), deliveredAt: z.number().int() }).nullable(),
});

export const messagePageInput = z.strictObject({
  channelId,
  /** Older than this sort key (keyset paging); omitted: the newest. */
  beforeSortKey: z.number().optional(),
  /** Newer than this sort key (for the way back down after a jump). */
  afterSortKey: z.number().optional(),
  /** A page centred on this sort key (jump to a search hit). */
  aroundSortKey: z.number().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const messagePageSchema = z.object({
  /** Oldest first, as shown. */
  messages: z.array(messageViewSchema),
  hasOlder: z.boolean(),
  hasNewer: z.boolean(),
  /** Messages in the channel, for the scroll bar of the virtual list. */
  total: z.number().int().nonnegative(),
  /**
   * The relay declared that this channel's history starts at this seq: older events were deleted
   * by its retention before this device fetched them. The timeline says so where the history
   * starts. Null: nothing was skipped.
   */
  historyStart: z.number().int().min(1).nullable(),
  /** The channel's change version this page was read at: later messages.changed events patch it (change-events.ts). */
  version: z.number().int().nonnegative(),
});

/** Longest message body, in UTF-16 code units (what `string.length` counts in the composer). */
export const MAX_MESSAGE_CHARS = 20_000;
const body = z.string().max(MAX_MESSAGE_CHARS);

export const sendInput = z.strictObject({
  channelId,
  body: body.refine((b) => b.trim().length > 0, 'empty message'),
  mentions: z.array(userId).max(200).default([]),
  replyTo: messageId.nullable().default(null),
  urgent: z.boolean().default(false),
});

export const editInput = z.strictObject({
  channelId,
  messageId,
  body: body.min(1),
  mentions: z.array(userId).max(200).default([]),
});
export const messageRef = z.strictObject({ channelId, messageId });

export const readersSchema = z.object({
  read: z.array(z.object({ userId, displayName: z.string(), at: z.number().int() })),
  unread: z.array(z.object({ userId, displayName: z.string() })),
});

export const acksSchema = z.object({
  acked: z.array(z.object({ userId, displayName: z.string(), at: z.number().int() })),
  pending: z.array(z.object({ userId, displayName: z.string() })),
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

export const searchInput = z.strictObject({
  text: z.string().trim().min(1).max(200),
  channelId: channelId.optional(),
  limit: z.number().int().min(1).max(100).default(30),
});

export const searchHitSchema = z.object({
  kind: z.enum(['message', 'file']),
  channelId,
  channelName: z.string(),
  id: z.string(),
  sortKey: z.number(),
  createdAt: z.number().int(),
  senderName: z.string(),
  snippet: z.string(),
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
});

export const addUserInput = z.strictObject({
  displayName: z.string().trim().min(2).max(200),
  role: role.default('member'),
  ward: z.string().trim().max(100).nullable().default(null),
});

export const registrationLetterSchema = z.object({
  userId,
  displayName: z.string(),
  orgName: z.string(),
  relayUrl: z.string(),
  /** Shown once; grouped base32 (8 groups of 4). Never stored on this device. */
  registrationKey: z.string(),
  expiresAt: z.number().int(),
});

export type UserView = z.output<typeof userSchema>;
export type ChannelSummaryView = z.output<typeof channelSummarySchema>;
export type ChannelDetailView = z.output<typeof channelDetailSchema>;
export type MessageView = z.output<typeof messageViewSchema>;
export type MessagePage = z.output<typeof messagePageSchema>;
export type DiscoverableChannelView = z.output<typeof discoverableChannelSchema>;
export type SearchHitView = z.output<typeof searchHitSchema>;
export type AcksView = z.output<typeof acksSchema>;
export type ReadersView = z.output<typeof readersSchema>;
export type RegistrationLetter = z.output<typeof registrationLetterSchema>;
