// The SQL of availability: the directory channel's `availability.set` events kept as they arrived
// (`availability_ops`, apart from the event log, which retention trims), and which urgent message
// went to which cover (`availability_forwards`), both inside applyEvents' transaction through the
// store's port store/content-features.ts. What is in force when is status.ts's.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import {
  availabilityForward,
  availabilitySet,
  type AvailabilityForwardPayload,
  type AvailabilitySetPayload,
} from '@klinikfunk/protocol/domain/availability-events.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';
import type { StatusOp } from './status.ts';
import { replayedOp } from '../kit/op-log-repository.ts';

function apply(db: Db, event: ChannelEvent): string | null {
  const p = event.payload;
  if (p.type === 'availability.forward') return keepForward(db, event, p);
  if (p.type !== 'availability.set') return 'unknown_type';
  // Only the directory channel, whose roster is every active user, carries statuses.
  if (sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck().get(event.channelId) !== 1)
    return 'not_directory_channel';
  // A status is its sender's own: a device of another user (a member of the same channel, who can
  // seal to it) naming someone else is refused by every client.
  if (p.userId !== event.senderUserId) return 'not_own_status';
  // Kept beyond the log: the replay rule of every op table (kit/op-log-repository.ts).
  if (replayedOp(db, 'availability_ops', event)) return 'replayed';
  sql(
    db,
    `INSERT INTO availability_ops (channel_id, event_id, seq, relay_at, created_at, user_id, sender_device_id, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel_id, event_id) DO UPDATE SET seq = excluded.seq, relay_at = excluded.relay_at`,
  ).run(
    event.channelId,
    event.eventId,
    event.seq,
    event.relayAt ?? null,
    event.createdAt,
    p.userId,
    event.senderDeviceId,
    JSON.stringify(p),
  );
  // Only the newest one the relay ordered (and own ones still unsent) can be in force: older ones go,
  // so the table holds about one row per user. One fetched again later is kept and dropped alike.
  sql(
    db,
    `DELETE FROM availability_ops WHERE user_id = ? AND seq IS NOT NULL
       AND seq < (SELECT max(seq) FROM availability_ops WHERE user_id = ? AND seq IS NOT NULL)`,
  ).run(p.userId, p.userId);
  return null;
}

/** The rule table checked the message is here and the sender wrote it; only an urgent one goes to a cover. */
function keepForward(db: Db, event: ChannelEvent, p: AvailabilityForwardPayload): string | null {
  const urgent = sql(db, 'SELECT urgent FROM messages WHERE channel_id = ? AND message_id = ?')
    .pluck()
    .get(event.channelId, p.messageId) as number | undefined;
  if (urgent !== 1) return 'not_urgent';
  sql(
    db,
    `INSERT OR IGNORE INTO availability_forwards (channel_id, message_id, event_id, absent_user_id, cover_user_ids, cover_role_id)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(event.channelId, p.messageId, event.eventId, p.absentUserId, JSON.stringify(p.coverUserIds), p.coverRoleId);
  return null;
}

/** The message's sender, for the rule table's `author` (null: not here). */
function author(db: Db, event: ChannelEvent): string | null | undefined {
  if (event.payload.type !== 'availability.forward') return undefined;
  return (
    (sql(db, 'SELECT sender_user_id FROM messages WHERE channel_id = ? AND message_id = ?')
      .pluck()
      .get(event.channelId, event.payload.messageId) as string | undefined) ?? null
  );
}

/** An own event the relay refused for good: its status or line goes with it. */
function onOwnRefused(db: Db, event: ChannelEvent): boolean {
  sql(db, 'DELETE FROM availability_ops WHERE channel_id = ? AND event_id = ?').run(event.channelId, event.eventId);
  sql(db, 'DELETE FROM availability_forwards WHERE channel_id = ? AND event_id = ?').run(
    event.channelId,
    event.eventId,
  );
  return true;
}

// A status travels labelled like the directory channel's other events, a line like a message, so
// the relay cannot tell either from what it already sees (docs/security.md).
export const availabilityContent: ContentFeature = {
  name: 'availability',
  events: {
    'availability.set': { schema: availabilitySet, rule: { who: 'member' }, contentType: 'channel' },
    'availability.forward': {
      schema: availabilityForward,
      rule: { who: 'author', target: true },
      contentType: 'message',
      // Opened before its message (the message's key came later), the line waits for it.
      waitsFor: { type: 'message.create', field: 'messageId' },
    },
  },
  apply,
  author,
  own: { onOwnRefused },
};

export interface ForwardRow {
  messageId: string;
  absentUserId: string;
  coverUserIds: string[];
  coverRoleId: string | null;
}

/** The read side, built by the store (ProfileStore.repository). */
export class AvailabilityRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Every kept status event by user, each user's in the relay's order, own unsent ones last. */
  opsByUser(): Map<string, StatusOp[]> {
    const rows = sql(
      this.#db,
      `SELECT user_id, seq, relay_at, created_at, payload FROM availability_ops ORDER BY user_id, seq IS NULL, seq, op_pk`,
    ).all() as Array<{
      user_id: string;
      seq: number | null;
      relay_at: number | null;
      created_at: number;
      payload: string;
    }>;
    const byUser = new Map<string, StatusOp[]>();
    for (const r of rows) {
      const ops = byUser.get(r.user_id) ?? [];
      ops.push({
        seq: r.seq,
        relayAt: r.relay_at,
        createdAt: r.created_at,
        payload: JSON.parse(r.payload) as AvailabilitySetPayload,
      });
      byUser.set(r.user_id, ops);
    }
    return byUser;
  }

  /** One user's status events in the relay's order, own unsent ones last. */
  opsOf(userId: string): StatusOp[] {
    const rows = sql(
      this.#db,
      `SELECT seq, relay_at, created_at, payload FROM availability_ops WHERE user_id = ? ORDER BY seq IS NULL, seq, op_pk`,
    ).all(userId) as Array<{ seq: number | null; relay_at: number | null; created_at: number; payload: string }>;
    return rows.map((r) => ({
      seq: r.seq,
      relayAt: r.relay_at,
      createdAt: r.created_at,
      payload: JSON.parse(r.payload) as AvailabilitySetPayload,
    }));
  }

  /** The cover lines of a channel's messages. */
  forwards(channelId: string): ForwardRow[] {
    const rows = sql(
      this.#db,
      `SELECT message_id, absent_user_id, cover_user_ids, cover_role_id FROM availability_forwards
       WHERE channel_id = ? ORDER BY rowid`,
    ).all(channelId) as Array<{
      message_id: string;
      absent_user_id: string;
      cover_user_ids: string;
      cover_role_id: string | null;
    }>;
    return rows.map((r) => ({
      messageId: r.message_id,
      absentUserId: r.absent_user_id,
      coverUserIds: JSON.parse(r.cover_user_ids) as string[],
      coverRoleId: r.cover_role_id,
    }));
  }
}

export const availabilityRepository = (db: Db) => new AvailabilityRepository(db);
