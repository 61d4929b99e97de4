// What a change event carries: the rows that changed, in the shape the list calls return, so the
// renderer patches what it shows instead of asking again. Every event of a channel has the next
// version of that channel; the message page says which version it was read at, so the renderer
// drops what the page already holds and notices a missed event (then it reloads once). When the
// core cannot say what changed (a catch-up page of thousands, a roster change that alters every
// acknowledgement count) the event says "reload" explicitly: the screen is never left stale.
import { z } from 'zod';
import { channelId, messageId } from './common.ts';
import { calendarEntrySchema, occurrenceSchema } from './features/calendar.ts';
import { fileViewSchema } from './features/files.ts';
import { messageViewSchema } from './features/message-view.ts';
import { pollViewSchema } from './features/polls.ts';
import { timelineItemSchema } from './features/timeline.ts';

/** Most message views one event carries; a bigger change is a reload (one page is at most 200). */
export const MAX_PATCH_MESSAGES = 200;

/** The change feed's count of changes per channel; 0: none since the core started. */
export const changeVersion = z.number().int().nonnegative();

export const messagePatchSchema = z.object({
  kind: z.literal('patch'),
  /** New or changed messages, as messages.page shows them (a deleted one is a tombstone view). */
  upserted: z.array(messageViewSchema).max(MAX_PATCH_MESSAGES),
  /** Messages gone from the channel (none today: a deletion is a tombstone; kept for the purge). */
  removed: z.array(messageId).max(MAX_PATCH_MESSAGES),
  /** The channel's message count and declared history start after the change (as on a page). */
  total: z.number().int().nonnegative(),
  historyStart: z.number().int().min(1).nullable(),
});

/** Most timeline items (and most poll views) one event carries; more is a reload of the items. */
export const MAX_PATCH_ITEMS = 200;

/** One occurrence of a series, by its place in the series: as calendar.range shows it, or null when it is cancelled or gone. */
export const occurrencePatchSchema = z.object({
  uid: z.string(),
  recurrenceId: z.number(),
  occurrence: occurrenceSchema.nullable(),
});

export const calendarPatchSchema = z.object({
  /** Entries new or changed (an RSVP, an edit, a cancel), as calendar.range shows them. */
  entries: z.array(calendarEntrySchema).max(MAX_PATCH_ITEMS),
  /** Entries gone: an own new entry the relay or the rules refused. */
  removedUids: z.array(z.string()).max(MAX_PATCH_ITEMS),
  /** Single occurrences changed or cancelled on their own. */
  occurrences: z.array(occurrencePatchSchema).max(MAX_PATCH_ITEMS),
});

export const sharedPatchSchema = z.object({
  kind: z.literal('patch'),
  /** Timeline items new or changed (shared, delivered, an appointment changed), as timeline.items shows them. */
  items: z.array(timelineItemSchema).max(MAX_PATCH_ITEMS),
  /** Items gone: an own file or poll the relay or the rules refused. */
  removedItems: z.array(z.string()).max(MAX_PATCH_ITEMS),
  /** Polls whose results or state changed, as polls.list shows them. */
  polls: z.array(pollViewSchema).max(MAX_PATCH_ITEMS),
  /** Polls gone: an own poll the relay or the rules refused (the Umfragen overview drops them). */
  removedPolls: z.array(z.string()).max(MAX_PATCH_ITEMS),
  /** Files new or changed, as files.list shows them (unfiltered: the Dateien overview filters and sorts them). */
  files: z.array(fileViewSchema).max(MAX_PATCH_ITEMS),
  /** Files gone: an own file the relay or the rules refused. */
  removedFiles: z.array(z.string()).max(MAX_PATCH_ITEMS),
  /** Calendar entries and single occurrences that changed, for the Kalender overview and the timeline's appointments. */
  calendar: calendarPatchSchema,
  /**
   * The overviews (Umfragen, Dateien, Kalender) read their lists again: a roster change alters
   * who may change or close what, which no named row says.
   */
  reloadOverviews: z.boolean(),
});

export const messagesChangedSchema = z.object({
  channelId,
  /** One more than the channel's previous event; a page's `version` is the last one it holds. */
  version: changeVersion.min(1),
  /** What the message window does: patch by id, or read its messages again. */
  messages: z.discriminatedUnion('kind', [z.object({ kind: z.literal('reload') }), messagePatchSchema]),
  /**
   * Polls, files or calendar entries of the channel changed: the overviews patch their lists from
   * `shared`, or read them again when it says reload (or `reloadOverviews`).
   */
  collab: z.boolean(),
  /**
   * What the open conversation's timeline does: patch its items and poll views by id (empty when
   * nothing shared changed), or read them again when the core cannot name them.
   */
  shared: z.discriminatedUnion('kind', [z.object({ kind: z.literal('reload') }), sharedPatchSchema]),
});

export type MessagePatch = z.output<typeof messagePatchSchema>;
export type SharedPatch = z.output<typeof sharedPatchSchema>;

/** A shared patch that changes nothing (a plain message). */
export const EMPTY_SHARED_PATCH: SharedPatch = {
  kind: 'patch',
  items: [],
  removedItems: [],
  polls: [],
  removedPolls: [],
  files: [],
  removedFiles: [],
  calendar: { entries: [], removedUids: [], occurrences: [] },
  reloadOverviews: false,
};
export type CalendarPatch = z.output<typeof calendarPatchSchema>;
export type OccurrencePatch = z.output<typeof occurrencePatchSchema>;
export type MessagesChanged = z.output<typeof messagesChangedSchema>;
