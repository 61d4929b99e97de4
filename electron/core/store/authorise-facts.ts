// The facts the rule table (authorise.ts) decides from, read from the store inside applyEvents'
// transaction. The channel role comes from the signed roster of the epoch the envelope was sealed
// in (kept verbatim in directory_records), so a later roster change does not change the verdict
// on an earlier event and every client decides alike; an event without an epoch (queued on this
// device, or from a store test) is judged by the current roster.
import type { ChannelEvent } from '../../../shared/domain/events.ts';
import { authorise, RULES, type AuthorityFacts, type AuthorityRefusal } from './authorise.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

type Role = 'admin' | 'member';

function rosterRole(db: Db, channelId: string, userId: string, epoch: number | null | undefined): Role | null {
  if (epoch !== null && epoch !== undefined) {
    const members = sql(
      db,
      `SELECT json_extract(record, '$.body.members') FROM directory_records WHERE type = 'roster' AND subject = ? AND json_extract(record, '$.body.epoch') = ?`,
    )
      .pluck()
      .get(channelId, epoch) as string | undefined;
    if (members !== undefined) return (JSON.parse(members) as Array<{ userId: string; role: Role }>).find((m) => m.userId === userId)?.role ?? null;
  }
  return (sql(db, 'SELECT role FROM channel_members WHERE channel_id = ? AND user_id = ?').pluck().get(channelId, userId) as Role | undefined) ?? null;
}

/** Who created the thing the event changes (null: not here), or undefined when it changes nothing existing. */
function authorOf(db: Db, event: ChannelEvent): string | null | undefined {
  const p = event.payload;
  const one = (text: string, id: string) => (sql(db, text).pluck().get(event.channelId, id) as string | undefined) ?? null;
  switch (p.type) {
    case 'message.edit':
    case 'message.delete':
      return one('SELECT sender_user_id FROM messages WHERE channel_id = ? AND message_id = ?', p.messageId);
    case 'poll.close':
      return one('SELECT creator_user_id FROM polls WHERE channel_id = ? AND poll_id = ?', p.pollId);
    case 'calendar.put':
    case 'calendar.cancel':
    case 'calendar.occurrence.put':
    case 'calendar.occurrence.cancel':
      return one('SELECT created_by FROM calendar_events WHERE channel_id = ? AND uid = ?', p.uid);
    default:
      return undefined;
  }
}

function acknowledgedUrgent(db: Db, channelId: string, messageId: string): boolean {
  return (
    sql(
      db,
      `SELECT 1 FROM messages m JOIN message_acks a ON a.channel_id = m.channel_id AND a.message_id = m.message_id AND a.user_id != m.sender_user_id
       WHERE m.channel_id = ? AND m.message_id = ? AND m.urgent = 1 LIMIT 1`,
    )
      .pluck()
      .get(channelId, messageId) !== undefined
  );
}

export function factsOf(db: Db, event: ChannelEvent): AuthorityFacts {
  const p = event.payload;
  const orgWide = sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck().get(event.channelId) === 1;
  const needsRole = RULES[p.type].who !== 'member' && RULES[p.type].who !== 'author';
  const author = authorOf(db, event);
  return {
    senderUserId: event.senderUserId,
    channelRole: needsRole && !orgWide ? rosterRole(db, event.channelId, event.senderUserId, event.epoch) : null,
    orgWide,
    orgAdmin: needsRole && orgWide && sql(db, `SELECT 1 FROM users WHERE user_id = ? AND role = 'admin' AND active = 1`).pluck().get(event.senderUserId) !== undefined,
    ...(author !== undefined ? { author } : {}),
    ...(p.type === 'message.edit' ? { acknowledgedUrgent: acknowledgedUrgent(db, event.channelId, p.messageId) } : {}),
  };
}

/** The rule table's verdict on one event, against the store as it is now (inside the apply transaction). */
export function authoriseEvent(db: Db, event: ChannelEvent): AuthorityRefusal | null {
  // Most events (messages, votes, receipts) are any member's: no lookups for them.
  if (RULES[event.payload.type].who === 'member') return null;
  return authorise(event.payload.type, factsOf(db, event));
}
