// Which message views a batch of channel events changes, so the change event can carry them
// (change-feed.ts). What cannot be named by message id is a reload: a roster change alters every
// acknowledgement and read count, another member's read receipt the read counts of own messages.
import { MAX_PATCH_MESSAGES } from '@klinikfunk/protocol/api/change-events.ts';

export interface ChannelChange {
  /** The message window must be read again. */
  reload: boolean;
  /** Messages whose view changed. */
  messageIds: string[];
  /** Messages edited or deleted: the messages quoting them show a new excerpt. */
  quoted: string[];
  /** Polls, files or calendar entries changed. */
  collab: boolean;
}

export const RELOAD: ChannelChange = { reload: true, messageIds: [], quoted: [], collab: true };

interface EventLike {
  eventId: string;
  senderUserId: string;
  payload: unknown;
}

const typeOf = (payload: unknown): { type?: unknown; messageId?: unknown } =>
  typeof payload === 'object' && payload !== null ? (payload as { type?: unknown; messageId?: unknown }) : {};

export function changeOfEvents(events: ReadonlyArray<EventLike>, myUserId: string): ChannelChange {
  const ids = new Set<string>();
  const quoted = new Set<string>();
  let collab = false;
  for (const event of events) {
    const p = typeOf(event.payload);
    const target = typeof p.messageId === 'string' ? p.messageId : null;
    switch (p.type) {
      case 'message.create':
        ids.add(event.eventId);
        break;
      case 'message.edit':
      case 'message.delete':
        if (target === null) return RELOAD;
        ids.add(target);
        quoted.add(target);
        break;
      case 'message.ack':
      case 'reaction.add':
      case 'reaction.remove':
        if (target === null) return RELOAD;
        ids.add(target);
        break;
      case 'read.receipt':
        // The own receipt counts for nobody's read count (store/message-details.ts counts others).
        if (event.senderUserId !== myUserId) return RELOAD;
        break;
      case 'channel.announce':
      case 'channel.unannounce':
      case 'channel.join_request':
        break;
      case 'poll.create':
      case 'poll.vote':
      case 'poll.close':
      case 'file.share':
      case 'file.group':
      case 'calendar.put':
      case 'calendar.cancel':
      case 'calendar.rsvp':
      case 'calendar.occurrence.put':
      case 'calendar.occurrence.cancel':
        collab = true;
        break;
      default:
        // channel.update (roster, settings) and anything unknown: read everything again.
        return RELOAD;
    }
    if (ids.size > MAX_PATCH_MESSAGES) return RELOAD;
  }
  return { reload: false, messageIds: [...ids], quoted: [...quoted], collab };
}

/** Two changes of one channel before the feed emits: one event carries both. */
export function mergeChanges(a: ChannelChange, b: ChannelChange): ChannelChange {
  if (a.reload || b.reload) return RELOAD;
  const messageIds = [...new Set([...a.messageIds, ...b.messageIds])];
  if (messageIds.length > MAX_PATCH_MESSAGES) return RELOAD;
  return {
    reload: false,
    messageIds,
    quoted: [...new Set([...a.quoted, ...b.quoted])],
    collab: a.collab || b.collab,
  };
}
