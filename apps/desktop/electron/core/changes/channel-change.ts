// Which message views a batch of channel events changes, so the change event can carry them
// (change-feed.ts). What cannot be named by message id is a reload: a roster change alters every
// acknowledgement and read count, another member's read receipt the read counts of own messages.
// The timeline's shared things are named likewise: the file or poll by its event id, a calendar
// entry by its uid (its item is the put that created it; an answer changes it too), a single
// occurrence by its uid and place in the series, a poll's results by the poll's id; the overviews
// (Umfragen, Dateien, Kalender) patch their lists from the same names.
import { MAX_PATCH_ITEMS, MAX_PATCH_MESSAGES } from '@klinikfunk/protocol/api/change-events.ts';

/** The shared things of a channel whose views changed. */
export interface SharedIds {
  /** Events that are (or were) timeline items: a file shared, a poll created. */
  items: string[];
  /** Calendar entries: their item shows the entry as it stands now. */
  uids: string[];
  /** Polls whose results or state changed. */
  polls: string[];
  /** Files shared (or refused): the Dateien overview's rows. */
  files: string[];
  /** Single occurrences of a series changed or cancelled on their own. */
  occurrences: OccurrenceId[];
  /** The overviews read their lists again (a roster change: who may change or close what). */
  overviews: boolean;
}

export interface OccurrenceId {
  uid: string;
  recurrenceId: number;
}

export interface ChannelChange {
  /** The message window must be read again. */
  reload: boolean;
  /** Messages whose view changed. */
  messageIds: string[];
  /** Messages edited or deleted: the messages quoting them show a new excerpt. */
  quoted: string[];
  /** Polls, files or calendar entries changed. */
  collab: boolean;
  /** Which of them; null: they cannot be named (the timeline reads its items again). */
  shared: SharedIds | null;
}

export const RELOAD: ChannelChange = { reload: true, messageIds: [], quoted: [], collab: true, shared: null };

export const NOTHING_SHARED: SharedIds = {
  items: [],
  uids: [],
  polls: [],
  files: [],
  occurrences: [],
  overviews: false,
};

const occurrenceKey = (o: OccurrenceId) => `${o.uid}@${o.recurrenceId}`;

const mergeShared = (a: SharedIds | null, b: SharedIds | null): SharedIds | null => {
  if (a === null || b === null) return null;
  const merged: SharedIds = {
    items: [...new Set([...a.items, ...b.items])],
    uids: [...new Set([...a.uids, ...b.uids])],
    polls: [...new Set([...a.polls, ...b.polls])],
    files: [...new Set([...a.files, ...b.files])],
    occurrences: [...new Map([...a.occurrences, ...b.occurrences].map((o) => [occurrenceKey(o), o])).values()],
    overviews: a.overviews || b.overviews,
  };
  return merged.items.length + merged.uids.length > MAX_PATCH_ITEMS ||
    merged.polls.length > MAX_PATCH_ITEMS ||
    merged.files.length > MAX_PATCH_ITEMS ||
    merged.occurrences.length > MAX_PATCH_ITEMS
    ? null
    : merged;
};

interface EventLike {
  eventId: string;
  senderUserId: string;
  payload: unknown;
}

type Fields = {
  type?: unknown;
  messageId?: unknown;
  pollId?: unknown;
  uid?: unknown;
  fileIds?: unknown;
  recurrenceId?: unknown;
};
const typeOf = (payload: unknown): Fields =>
  typeof payload === 'object' && payload !== null ? (payload as Fields) : {};

export function changeOfEvents(events: ReadonlyArray<EventLike>, myUserId: string): ChannelChange {
  const ids = new Set<string>();
  const quoted = new Set<string>();
  // The messages and the shared things are named apart: a roster change reloads the messages
  // (every acknowledgement count) but names the timeline item it may make (a rename).
  let reload = false;
  let collab = false;
  let shared: SharedIds | null = NOTHING_SHARED;
  const share = (ids: Partial<SharedIds> | null) => {
    shared = mergeShared(shared, ids && { ...NOTHING_SHARED, ...ids });
  };
  for (const event of events) {
    const p = typeOf(event.payload);
    const target = typeof p.messageId === 'string' ? p.messageId : null;
    switch (p.type) {
      case 'message.create':
        ids.add(event.eventId);
        break;
      case 'message.edit':
      case 'message.delete':
        if (target === null) reload = true;
        else {
          ids.add(target);
          quoted.add(target);
        }
        break;
      case 'message.ack':
      case 'reaction.add':
      case 'reaction.remove':
        if (target === null) reload = true;
        else ids.add(target);
        break;
      case 'read.receipt':
        // The own receipt counts for nobody's read count (store/message-details.ts counts others).
        if (event.senderUserId !== myUserId) reload = true;
        break;
      case 'channel.announce':
      case 'channel.unannounce':
      case 'channel.join_request':
      case 'role.define':
      case 'role.schedule':
      case 'role.hold':
      case 'role.escalation':
      case 'template.define':
      case 'alert.send':
      case 'alert.ack':
        // Roles, templates and alerts are no messages: their views (Dienste, Alarme) are read again
        // on the directory channel's event; its announcements need not be read again with them.
        break;
      case 'channel.update':
        // Roster or settings: every acknowledgement and read count may change; a rename is an item.
        reload = collab = true;
        share({ items: [event.eventId], overviews: true });
        break;
      case 'poll.create':
        collab = true;
        share({ items: [event.eventId], polls: [event.eventId] });
        break;
      case 'poll.vote':
      case 'poll.close':
        collab = true;
        share(typeof p.pollId === 'string' ? { polls: [p.pollId] } : null);
        break;
      case 'file.share':
        collab = true;
        share({ items: [event.eventId], files: [event.eventId] });
        break;
      case 'file.group':
        // The group's first file becomes its one item; the other files' items are named so they go.
        collab = true;
        share(
          Array.isArray(p.fileIds) && p.fileIds.every((id) => typeof id === 'string')
            ? { items: p.fileIds as string[] }
            : null,
        );
        break;
      case 'calendar.put':
        // By its uid (the item of the put that created the entry shows it as it stands now) and by
        // itself: a first put refused for good leaves no entry to find by uid, yet its item is shown.
        collab = true;
        share(typeof p.uid === 'string' ? { items: [event.eventId], uids: [p.uid] } : null);
        break;
      case 'calendar.cancel':
        collab = true;
        share(typeof p.uid === 'string' ? { uids: [p.uid] } : null);
        break;
      case 'calendar.rsvp':
        // An answer changes the entry's attendees (its item in the timeline shows them).
        collab = true;
        share(typeof p.uid === 'string' ? { uids: [p.uid] } : null);
        break;
      case 'calendar.occurrence.put':
      case 'calendar.occurrence.cancel':
        // The occurrence by its place in the series; the entry too, whose item shows the series.
        collab = true;
        share(
          typeof p.uid === 'string' && typeof p.recurrenceId === 'number'
            ? { uids: [p.uid], occurrences: [{ uid: p.uid, recurrenceId: p.recurrenceId }] }
            : null,
        );
        break;
      default:
        // Anything unknown: read everything again.
        return RELOAD;
    }
    if (ids.size > MAX_PATCH_MESSAGES) reload = true;
  }
  return reload
    ? { reload, messageIds: [], quoted: [], collab, shared }
    : { reload, messageIds: [...ids], quoted: [...quoted], collab, shared };
}

/** Two changes of one channel before the feed emits: one event carries both. */
export function mergeChanges(a: ChannelChange, b: ChannelChange): ChannelChange {
  const messageIds = [...new Set([...a.messageIds, ...b.messageIds])];
  const shared = { collab: a.collab || b.collab, shared: mergeShared(a.shared, b.shared) };
  if (a.reload || b.reload || messageIds.length > MAX_PATCH_MESSAGES)
    return { reload: true, messageIds: [], quoted: [], ...shared };
  return { reload: false, messageIds, quoted: [...new Set([...a.quoted, ...b.quoted])], ...shared };
}
