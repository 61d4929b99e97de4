// The SQL of quick reactions: how a reaction event changes the `reactions` table (inside
// applyEvents' transaction, through the store's port store/content-features.ts) and what the
// messages show. Every client applies the same events in the relay's order with the same rules, so
// every workstation shows the same reactions: any member reacts to a message that is here and not
// deleted, with a value from the fixed set (the event schema refuses any other), and takes only
// their own reaction off again (a remove names the sender's own row, so nobody else's can be named).
import { reactionAdd, reactionRemove, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { authoriseEvent } from '../../store/authorise-facts.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { loggedEventsInOrder } from '../../store/logged-events.ts';
import { sql } from '../../store/statements.ts';

type ReactionPayload = { type: 'reaction.add' | 'reaction.remove'; messageId: string; reaction: string };

export interface ReactionRow {
  messageId: string;
  userId: string;
  reaction: string;
  reactedAt: number;
}

function applyReaction(db: Db, channelId: string, userId: string, at: number, p: ReactionPayload): string | null {
  if (p.type === 'reaction.remove') {
    sql(db, 'DELETE FROM reactions WHERE channel_id = ? AND message_id = ? AND user_id = ? AND reaction = ?').run(
      channelId,
      p.messageId,
      userId,
      p.reaction,
    );
    return null;
  }
  const message = sql(db, 'SELECT deleted_at FROM messages WHERE channel_id = ? AND message_id = ?').get(
    channelId,
    p.messageId,
  ) as { deleted_at: number | null } | undefined;
  if (!message) return 'unknown_target';
  if (message.deleted_at !== null) return 'deleted_message';
  const added = sql(db, 'INSERT OR IGNORE INTO reactions VALUES (?, ?, ?, ?, ?)').run(
    channelId,
    p.messageId,
    userId,
    p.reaction,
    at,
  );
  return added.changes === 0 ? 'already_reacted' : null;
}

const SAME_REACTION = `type IN ('reaction.add', 'reaction.remove') AND json_extract(payload, '$.messageId') = ?
  AND sender_user_id = ? AND json_extract(payload, '$.reaction') = ?`;

/**
 * The member's reaction from the log again: their events for this message and value in the relay's
 * order (own ones not yet ordered last), each through the rule table and this reducer as when it was
 * applied; refused ones are there too (they keep their payload, `keepsRefusedPayload`).
 */
function recompute(db: Db, event: ChannelEvent): Map<string, string | null> {
  const p = event.payload as ReactionPayload;
  const verdicts = new Map<string, string | null>();
  sql(db, 'DELETE FROM reactions WHERE channel_id = ? AND message_id = ? AND user_id = ? AND reaction = ?').run(
    event.channelId,
    p.messageId,
    event.senderUserId,
    p.reaction,
  );
  for (const logged of loggedEventsInOrder(
    db,
    event.channelId,
    SAME_REACTION,
    p.messageId,
    event.senderUserId,
    p.reaction,
  ))
    verdicts.set(
      logged.eventId,
      authoriseEvent(db, logged) ??
        applyReaction(db, event.channelId, logged.senderUserId, logged.createdAt, logged.payload as ReactionPayload),
    );
  return verdicts;
}

/** A reaction event of the same member, message and value with a higher seq is in the log already. */
function openedLate(db: Db, event: ChannelEvent): boolean {
  if (event.seq === null) return false;
  const p = event.payload as ReactionPayload;
  return (
    sql(db, `SELECT 1 FROM events WHERE channel_id = ? AND ${SAME_REACTION} AND seq > ? LIMIT 1`).get(
      event.channelId,
      p.messageId,
      event.senderUserId,
      p.reaction,
      event.seq,
    ) !== undefined
  );
}

export const reactionsContent: ContentFeature = {
  name: 'reactions',
  events: {
    // Opened before its message, a reaction waits for it.
    'reaction.add': {
      schema: reactionAdd,
      rule: { who: 'member', target: true },
      contentType: 'reaction',
      waitsFor: { type: 'message.create', field: 'messageId' },
    },
    // The author of a reaction is the member who reacted: only they take it off.
    'reaction.remove': { schema: reactionRemove, rule: { who: 'author' }, contentType: 'reaction' },
  },
  apply(db, event) {
    return applyReaction(db, event.channelId, event.senderUserId, event.createdAt, event.payload as ReactionPayload);
  },
  author(db, event: ChannelEvent) {
    const p = event.payload as ReactionPayload;
    // reaction.add names a message (any member reacts; it must be here), reaction.remove the
    // sender's own reaction (null, so `unknown_target`, when they have not given it).
    if (p.type === 'reaction.add')
      return (
        (sql(db, 'SELECT sender_user_id FROM messages WHERE channel_id = ? AND message_id = ?')
          .pluck()
          .get(event.channelId, p.messageId) as string | undefined) ?? null
      );
    return (
      (sql(db, 'SELECT user_id FROM reactions WHERE channel_id = ? AND message_id = ? AND user_id = ? AND reaction = ?')
        .pluck()
        .get(event.channelId, p.messageId, event.senderUserId, p.reaction) as string | undefined) ?? null
    );
  },
  ordered: {
    keepsRefusedPayload: true,
    recompute,
    openedLate,
  },
};

/** The read side, built by the store (ProfileStore.repository). */
export class ReactionRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * The reactions of a channel's messages that are not deleted, oldest first. The reactions are
   * the outer loop (CROSS JOIN, as for pins in pins/repository.ts), never the channel's messages.
   */
  async list(channelId: string): Promise<ReactionRow[]> {
    const rows = sql(
      this.#db,
      `SELECT r.message_id, r.user_id, r.reaction, r.reacted_at FROM reactions r
       CROSS JOIN messages m ON m.channel_id = r.channel_id AND m.message_id = r.message_id
       WHERE r.channel_id = ? AND m.deleted_at IS NULL ORDER BY r.reacted_at`,
    ).all(channelId) as Array<{ message_id: string; user_id: string; reaction: string; reacted_at: number }>;
    return rows.map((r) => ({
      messageId: r.message_id,
      userId: r.user_id,
      reaction: r.reaction,
      reactedAt: r.reacted_at,
    }));
  }

  /**
   * The reactions of these messages (a page's, none deleted), oldest first: each looked up by the
   * primary key (channel_id, message_id), the ids as one JSON array parameter.
   */
  async ofMessages(channelId: string, messageIds: readonly string[]): Promise<ReactionRow[]> {
    if (messageIds.length === 0) return [];
    const rows = sql(
      this.#db,
      `SELECT message_id, user_id, reaction, reacted_at FROM reactions
       WHERE channel_id = ? AND message_id IN (SELECT value FROM json_each(?)) ORDER BY reacted_at`,
    ).all(channelId, JSON.stringify(messageIds)) as Array<{
      message_id: string;
      user_id: string;
      reaction: string;
      reacted_at: number;
    }>;
    return rows.map((r) => ({
      messageId: r.message_id,
      userId: r.user_id,
      reaction: r.reaction,
      reactedAt: r.reacted_at,
    }));
  }

  /** Whether this member has given this reaction to the message. */
  async has(channelId: string, messageId: string, userId: string, reaction: string): Promise<boolean> {
    return (
      sql(
        this.#db,
        'SELECT 1 FROM reactions WHERE channel_id = ? AND message_id = ? AND user_id = ? AND reaction = ?',
      ).get(channelId, messageId, userId, reaction) !== undefined
    );
  }
}

export const reactionRepository = (db: Db) => new ReactionRepository(db);
