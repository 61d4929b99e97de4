// The SQL of pinned messages: how a pin event changes the `pins` table (inside applyEvents'
// transaction, through the store's port store/content-features.ts) and what the channel header
// lists. Every client applies the same events in the relay's order with the same rules, so every
// workstation shows the same pins: the first pin of a message stands (a second one is refused as
// `already_pinned`), a pin of a deleted message is refused (`deleted_message`), and an unpin needs
// the pinner or a channel admin (the rule table, store/authorise.ts).
import { pinAdd, pinRemove, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { authoriseEvent } from '../../store/authorise-facts.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { loggedEventsInOrder } from '../../store/logged-events.ts';
import { sql } from '../../store/statements.ts';

type PinPayload = { type: 'pin.add' | 'pin.remove'; messageId: string };

export interface PinRow {
  messageId: string;
  pinnedBy: string;
  pinnedAt: number;
  senderUserId: string;
  body: string;
  createdAt: number;
  sortKey: number;
}

function applyPin(db: Db, channelId: string, senderUserId: string, at: number, p: PinPayload): string | null {
  if (p.type === 'pin.remove') {
    sql(db, 'DELETE FROM pins WHERE channel_id = ? AND message_id = ?').run(channelId, p.messageId);
    return null;
  }
  const message = sql(db, 'SELECT deleted_at FROM messages WHERE channel_id = ? AND message_id = ?').get(
    channelId,
    p.messageId,
  ) as { deleted_at: number | null } | undefined;
  if (!message) return 'unknown_target';
  if (message.deleted_at !== null) return 'deleted_message';
  const pinned = sql(db, 'INSERT OR IGNORE INTO pins VALUES (?, ?, ?, ?)').run(
    channelId,
    p.messageId,
    senderUserId,
    at,
  );
  return pinned.changes === 0 ? 'already_pinned' : null;
}

/**
 * The message's pin from its log again: its pin events in the relay's order (own ones not yet
 * ordered last), each through the rule table and this reducer as when it was applied. Refused ones
 * are here too (they keep their payload, `keepsRefusedPayload`): another member's unpin refused
 * only because this device's own pin was queued before it counts in the relay's order.
 */
function recompute(db: Db, channelId: string, messageId: string): Map<string, string | null> {
  const verdicts = new Map<string, string | null>();
  sql(db, 'DELETE FROM pins WHERE channel_id = ? AND message_id = ?').run(channelId, messageId);
  for (const event of loggedEventsInOrder(
    db,
    channelId,
    `type IN ('pin.add', 'pin.remove') AND json_extract(payload, '$.messageId') = ?`,
    messageId,
  ))
    verdicts.set(
      event.eventId,
      authoriseEvent(db, event) ??
        applyPin(db, channelId, event.senderUserId, event.createdAt, event.payload as PinPayload),
    );
  return verdicts;
}

/** A pin event of the same message with a higher seq is in the log already (this one's key came late). */
function openedLate(db: Db, event: ChannelEvent): boolean {
  if (event.seq === null) return false;
  return (
    sql(
      db,
      `SELECT 1 FROM events WHERE channel_id = ? AND type IN ('pin.add', 'pin.remove')
       AND json_extract(payload, '$.messageId') = ? AND seq > ? LIMIT 1`,
    ).get(event.channelId, (event.payload as PinPayload).messageId, event.seq) !== undefined
  );
}

export const pinsContent: ContentFeature = {
  name: 'pins',
  events: {
    // Opened before its message, a pin waits for it.
    'pin.add': {
      schema: pinAdd,
      rule: { who: 'member', target: true },
      contentType: 'pin',
      waitsFor: { type: 'message.create', field: 'messageId' },
    },
    // The author of a pin is the member who pinned the message.
    'pin.remove': { schema: pinRemove, rule: { who: 'author_or_channel_admin' }, contentType: 'pin' },
  },
  apply(db, event) {
    return applyPin(db, event.channelId, event.senderUserId, event.createdAt, event.payload as PinPayload);
  },
  author(db, event: ChannelEvent) {
    const p = event.payload as PinPayload;
    // pin.add names a message (any member may pin it; it must be here), pin.remove a pin (its pinner).
    const text =
      p.type === 'pin.add'
        ? 'SELECT sender_user_id FROM messages WHERE channel_id = ? AND message_id = ?'
        : 'SELECT pinned_by FROM pins WHERE channel_id = ? AND message_id = ?';
    return (sql(db, text).pluck().get(event.channelId, p.messageId) as string | undefined) ?? null;
  },
  ordered: {
    keepsRefusedPayload: true,
    recompute(db, event) {
      return recompute(db, event.channelId, (event.payload as PinPayload).messageId);
    },
    openedLate,
  },
};

/** The read side, built by the store (ProfileStore.repository). */
export class PinRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Pinned messages of a channel that are not deleted, most recently pinned first. CROSS JOIN
   * keeps the pins as the outer loop (SQLite's join order hint): without table statistics the
   * planner walked all the channel's messages and looked each up in the pins, 100,000 lookups per
   * channel open in a large channel (tests/unit/features/channel-lists-plan.test.ts).
   */
  async list(channelId: string): Promise<PinRow[]> {
    const rows = sql(
      this.#db,
      `SELECT p.message_id, p.pinned_by, p.pinned_at, m.sender_user_id, m.body, m.created_at, m.sort_key
       FROM pins p CROSS JOIN messages m ON m.channel_id = p.channel_id AND m.message_id = p.message_id
       WHERE p.channel_id = ? AND m.deleted_at IS NULL ORDER BY p.pinned_at DESC`,
    ).all(channelId) as Array<{
      message_id: string;
      pinned_by: string;
      pinned_at: number;
      sender_user_id: string;
      body: string;
      created_at: number;
      sort_key: number;
    }>;
    return rows.map((r) => ({
      messageId: r.message_id,
      pinnedBy: r.pinned_by,
      pinnedAt: r.pinned_at,
      senderUserId: r.sender_user_id,
      body: r.body,
      createdAt: r.created_at,
      sortKey: r.sort_key,
    }));
  }

  /** Who pinned this message, or null when it is not pinned. */
  async pinnedBy(channelId: string, messageId: string): Promise<string | null> {
    return (
      (sql(this.#db, 'SELECT pinned_by FROM pins WHERE channel_id = ? AND message_id = ?')
        .pluck()
        .get(channelId, messageId) as string | undefined) ?? null
    );
  }
}

export const pinRepository = (db: Db) => new PinRepository(db);
