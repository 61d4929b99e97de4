// API of the messages of a channel: pages, send, edit, delete, urgent acknowledgements, read receipts.
// Bodies travel to the renderer as plain text; the renderer formats them itself and never inserts HTML,
// so a message can never inject markup. Merged into contract.ts; the names are in ./messages-names.ts.
import { z } from 'zod';
import { coverForwardSchema } from './availability.ts';
import { event, method, type EventSpec, type MethodSpec } from '../define.ts';
import { messagesChangedSchema } from '../change-events.ts';
import { channelId, messageId, messageRef, userId } from '../common.ts';
import { messageViewSchema } from './message-view.ts';
import { pollViewSchema } from './polls.ts';
import { messageReactionsViewSchema } from './reactions.ts';
import { timelineItemSchema } from './timeline.ts';
const done = z.object({ done: z.literal(true) });

export const messagePageInput = z.strictObject({
  channelId,
  /** Older than this sort key (keyset paging); omitted: the newest. */
  beforeSortKey: z.number().optional(),
  /** Newer than this sort key (for the way back down after a jump). */
  afterSortKey: z.number().optional(),
  /** A page centred on this sort key (jump to a search hit). */
  aroundSortKey: z.number().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /**
   * Also the shared things of the page's range (`shared`): what opening a channel or jumping into
   * it needs for its first paint, in the same round trip.
   */
  withShared: z.boolean().default(false),
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

/**
 * The timeline of a page's sort-key range as timeline.items answers it for that range (from its
 * oldest message, or the channel's start when nothing is older; to its newest, or the live end),
 * with the views of the polls among those items and no others.
 */
export const pageSharedSchema = z.object({
  items: z.array(timelineItemSchema),
  truncated: z.boolean(),
  polls: z.array(pollViewSchema),
});

/** What messages.page answers: the page, the reactions of its messages, and `shared` when asked. */
export const messagePageAnswerSchema = messagePageSchema.extend({
  /** The reactions of the page's messages that have some (reactions.list's views, for those only). */
  reactions: z.array(messageReactionsViewSchema),
  /** Null unless the call asked for it (`withShared`). */
  shared: pageSharedSchema.nullable(),
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

export const readersSchema = z.object({
  read: z.array(z.object({ userId, displayName: z.string(), at: z.number().int() })),
  unread: z.array(z.object({ userId, displayName: z.string() })),
});

export const acksSchema = z.object({
  acked: z.array(z.object({ userId, displayName: z.string(), at: z.number().int() })),
  pending: z.array(z.object({ userId, displayName: z.string() })),
});

export const messagesMethods = {
  'messages.page': method({
    requires: 'member',
    channelField: 'channelId',
    input: messagePageInput,
    output: messagePageAnswerSchema,
    doc: "A page of messages of a channel, oldest first: the newest, older than, newer than or around a sort key; with its messages' reactions, and with `withShared` the timeline items of its range and their poll views (one round trip to open a channel).",
  }),
  'messages.send': method({
    requires: 'member',
    channelField: 'channelId',
    input: sendInput,
    output: z.object({
      messageId: z.string(),
      /** An urgent message that also went to the cover of a member marked "nicht stören" (availability). */
      forwarded: z.array(coverForwardSchema).default([]),
      /**
       * An urgent message's escalation: `none` (no policy), `armed` (the relay holds the steps),
       * `not_armed` (there is a policy, but the relay could not take the steps or nobody in the
       * chain can be reached now: it will not escalate, the sender is told to follow it up).
       */
      escalation: z.enum(['none', 'armed', 'not_armed']).default('none'),
    }),
    doc: 'Sends a message. It is stored and shown at once as "sending", and sent when the relay is reachable (also after a restart). An urgent one also goes to the cover of each member marked "nicht stören" (`forwarded`; `coverNames` empty: no cover could be reached); `escalation` says whether the relay took its escalation steps (`not_armed`: it will not escalate).',
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
} satisfies Record<string, MethodSpec>;

export const messagesEvents = {
  'messages.changed': event({
    payload: messagesChangedSchema,
    doc: 'Messages of a channel changed (new, edited, deleted, acknowledged, delivered): the changed message views and the channel\'s next version, or "reload"; and whether its polls, files or calendar changed (change-events.ts).',
  }),
} satisfies Record<string, EventSpec>;

export type MessagePage = z.output<typeof messagePageSchema>;
export type MessagePageAnswer = z.output<typeof messagePageAnswerSchema>;
export type PageShared = z.output<typeof pageSharedSchema>;
export type AcksView = z.output<typeof acksSchema>;
export type ReadersView = z.output<typeof readersSchema>;
