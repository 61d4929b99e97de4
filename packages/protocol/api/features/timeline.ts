// API of the channel timeline's shared things (apps/desktop/electron/core/features/timeline/):
// files, polls, calendar entries and channel changes are events in the same channel log as the
// messages, so the message list shows them in the relay's order beside the messages; members added
// or removed come from the channel's verified roster history, placed by relay time. The renderer
// asks for the items of the sort-key range its message window covers (the page a channel opens
// with brings them, messages.page `withShared`); their live state (poll results, RSVPs,
// thumbnails) comes with that page or from the collaboration calls (polls.list for the items'
// polls, calendar.range, files.thumbnail) it already has.
import { z } from 'zod';
import { method } from '../define.ts';
import { channelId } from '../common.ts';

const person = z.object({ userId: z.string(), displayName: z.string() });

/** Most items one call returns (the newest of the range): a page of 50 messages seldom holds more. */
export const MAX_TIMELINE_ITEMS = 200;

const itemBase = {
  /** The event that shared it (a file's, poll's id; a calendar entry's first put). */
  eventId: z.string(),
  /** The relay's seq, or above every seq while the event is still being sent (as messages). */
  sortKey: z.number(),
  seq: z.number().int().nullable(),
  sender: person,
  own: z.boolean(),
  createdAt: z.number(),
  /** `sending` while an own event waits for the relay's seq. */
  delivery: z.enum(['sending', 'sent']),
};

const fileFacts = z.object({
  fileId: z.string(),
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
  hasThumbnail: z.boolean(),
  caption: z.string(),
});

export const timelineItemSchema = z.discriminatedUnion('kind', [
  z.object({
    ...itemBase,
    kind: z.literal('file'),
    /** The file; of a group, its first (whose caption is the group's). */
    file: fileFacts,
    /**
     * Files sent together with one caption (`file.group`): one item. `files` are those here, in
     * the group's order (at least two; null with one); `count` how many the group named (more
     * while some have not arrived).
     */
    group: z.object({ files: z.array(fileFacts).min(2), count: z.number().int().min(2) }).nullable(),
  }),
  z.object({ ...itemBase, kind: z.literal('poll'), poll: z.object({ pollId: z.string(), question: z.string() }) }),
  z.object({
    ...itemBase,
    kind: z.literal('calendar'),
    calendar: z.object({
      uid: z.string(),
      /** As the entry stands now (a later change updates the item, it does not add one). */
      title: z.string(),
      start: z.number(),
      end: z.number(),
      allDay: z.boolean(),
      recurring: z.boolean(),
      cancelled: z.boolean(),
    }),
  }),
  z.object({
    ...itemBase,
    kind: z.literal('change'),
    /** What this channel.update changed against the one before it (null: unchanged). */
    change: z.object({
      renamedTo: z.string().nullable(),
      /** Days; `retentionChanged` because null (the organisation's rule) is a value too. */
      retentionChanged: z.boolean(),
      retentionDays: z.number().int().nullable(),
    }),
  }),
  z.object({
    ...itemBase,
    /**
     * Members added to or removed from the channel: one signed roster change this device verified
     * against the one before it (the sender: the admin who signed it). Not an event of the log: it
     * stands before the first event the relay accepted after the roster was issued (sortKey half a
     * seq below it; at the live end, half a seq above the newest), seq null, delivery `sent`.
     */
    kind: z.literal('members'),
    members: z.object({
      added: z.array(person),
      removed: z.array(person),
      /** The signer removed only itself: "… hat den Kanal verlassen". */
      left: z.boolean(),
      channelKind: z.enum(['channel', 'conversation', 'direct']),
    }),
  }),
]);

export const timelineItemsInput = z.strictObject({
  channelId,
  /** Items with a sort key above this one; null: from the channel's start. */
  afterSortKey: z.number().nullable(),
  /** Items up to and including this sort key; null: up to the live end, with those still being sent. */
  upToSortKey: z.number().nullable(),
  limit: z.number().int().min(1).max(MAX_TIMELINE_ITEMS).default(MAX_TIMELINE_ITEMS),
});

export const timelineMethods = {
  'timeline.items': method({
    input: timelineItemsInput,
    output: z.object({
      /** Oldest first; the newest `limit` of the range. */
      items: z.array(timelineItemSchema),
      /** The range held more items than `limit`: the oldest ones were left out. */
      truncated: z.boolean(),
    }),
    requires: 'member',
    channelField: 'channelId',
    doc: 'The files, polls, calendar entries, channel changes and member changes of a channel in a sort-key range, oldest first, for the message list (their live state comes from polls.list, calendar.range, files.thumbnail).',
  }),
};

export type TimelineItem = z.output<typeof timelineItemSchema>;
