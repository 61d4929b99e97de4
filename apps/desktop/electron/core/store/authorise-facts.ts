// The facts the rule table (authorise.ts) decides from, read from the store inside applyEvents'
// transaction. Roles come from the signed records kept verbatim in directory_records, as they were
// in force when the relay accepted the event (its relay time): the channel role from the roster of
// the envelope's epoch or, when newer, of the roster issued before that time; the organisation
// role from the user record issued last before it. So a later change does not change the verdict
// on an earlier event, a device that catches up later decides like one that was there, and a
// demoted admin cannot get its old role back by sealing in an old epoch (the header epoch is the
// sender's choice). An event without relay time (queued on this device, or from before relays
// stamped it) is judged by its epoch's roster, or the current one, and the current user record.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { authorise, isStoreEvent, ruleOf, type AuthorityFacts, type AuthorityRefusal } from './authorise.ts';
import { contentFeatureOf } from './content-features.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

type Role = 'admin' | 'member';

/** The epoch whose roster decides: the envelope's, or the newest roster issued at or before the relay's time when that is newer. */
function decidingEpoch(
  db: Db,
  channelId: string,
  headerEpoch: number | null | undefined,
  relayAt: number | null | undefined,
): number | null {
  if (relayAt === null || relayAt === undefined) return headerEpoch ?? null;
  const inForce = sql(
    db,
    `SELECT max(json_extract(record, '$.body.epoch')) FROM directory_records WHERE type = 'roster' AND subject = ? AND json_extract(record, '$.body.issuedAt') <= ?`,
  )
    .pluck()
    .get(channelId, relayAt) as number | null;
  const epoch = Math.max(headerEpoch ?? 0, inForce ?? 0);
  return epoch > 0 ? epoch : null;
}

/**
 * Organisation admin at the relay's time: the user's record issued last at or before it (the
 * first one when all are later: clocks differ), active and not revoked by then. Without relay time,
 * the user record this store holds now.
 */
export function orgAdminAt(db: Db, userId: string, relayAt: number | null | undefined): boolean {
  if (relayAt === null || relayAt === undefined)
    return (
      sql(db, `SELECT 1 FROM users WHERE user_id = ? AND role = 'admin' AND active = 1`).pluck().get(userId) !==
      undefined
    );
  const body = sql(
    db,
    `SELECT json_extract(record, '$.body') FROM directory_records WHERE type = 'user' AND subject = ?
     ORDER BY json_extract(record, '$.body.issuedAt') <= ? DESC,
       CASE WHEN json_extract(record, '$.body.issuedAt') <= ? THEN json_extract(record, '$.body.issuedAt') ELSE -json_extract(record, '$.body.issuedAt') END DESC,
       record_pk DESC
     LIMIT 1`,
  )
    .pluck()
    .get(userId, relayAt, relayAt) as string | undefined;
  if (body === undefined) return false;
  const record = JSON.parse(body) as { role?: string; active?: boolean };
  if (record.role !== 'admin' || record.active !== true) return false;
  const revoked = sql(
    db,
    `SELECT 1 FROM directory_records WHERE type = 'revocation' AND json_extract(record, '$.body.target.kind') = 'user'
       AND json_extract(record, '$.body.target.userId') = ? AND json_extract(record, '$.body.revokedAt') <= ? LIMIT 1`,
  )
    .pluck()
    .get(userId, relayAt);
  return revoked === undefined;
}

function rosterRole(db: Db, channelId: string, userId: string, epoch: number | null | undefined): Role | null {
  if (epoch !== null && epoch !== undefined) {
    const members = sql(
      db,
      `SELECT json_extract(record, '$.body.members') FROM directory_records WHERE type = 'roster' AND subject = ? AND json_extract(record, '$.body.epoch') = ?`,
    )
      .pluck()
      .get(channelId, epoch) as string | undefined;
    if (members !== undefined)
      return (
        (JSON.parse(members) as Array<{ userId: string; role: Role }>).find((m) => m.userId === userId)?.role ?? null
      );
  }
  return (
    (sql(db, 'SELECT role FROM channel_members WHERE channel_id = ? AND user_id = ?').pluck().get(channelId, userId) as
      Role | undefined) ?? null
  );
}

/** Who created the thing the event changes (null: not here), or undefined when it changes nothing existing. */
function authorOf(db: Db, event: ChannelEvent): string | null | undefined {
  const p = event.payload;
  // A registered feature's events (messages, polls, files, calendar, pins: features/store-features.ts): it knows what they name.
  if (!isStoreEvent(p)) return contentFeatureOf(p.type).author(db, event);
  switch (p.type) {
    // Settings and discovery ask for a role or membership, not authorship.
    case 'channel.update':
    case 'channel.announce':
    case 'channel.unannounce':
    case 'channel.join_request':
      return undefined;
  }
}

export function factsOf(db: Db, event: ChannelEvent): AuthorityFacts {
  const p = event.payload;
  const orgWide = sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck().get(event.channelId) === 1;
  const rule = ruleOf(p.type);
  const who = rule.who;
  const needsRole = who !== 'member' && who !== 'author';
  const author = authorOf(db, event);
  return {
    senderUserId: event.senderUserId,
    channelRole:
      needsRole && !orgWide
        ? rosterRole(
            db,
            event.channelId,
            event.senderUserId,
            decidingEpoch(db, event.channelId, event.epoch, event.relayAt),
          )
        : null,
    orgWide,
    orgAdmin: needsRole && orgWide && orgAdminAt(db, event.senderUserId, event.relayAt),
    ...(author !== undefined ? { author } : {}),
    // Only a feature's rule asks for a lock (the store's own types have none).
    ...(rule.unlessLocked && !isStoreEvent(p) ? { locked: contentFeatureOf(p.type).locked?.(db, event) ?? false } : {}),
  };
}

/** The rule table's verdict on one event, against the store as it is now (inside the apply transaction). */
export function authoriseEvent(db: Db, event: ChannelEvent): AuthorityRefusal | null {
  // Most events (messages, votes, receipts) are any member's: no lookups for them.
  const rule = ruleOf(event.payload.type);
  if (rule.who === 'member' && !rule.target) return null;
  return authorise(event.payload.type, factsOf(db, event));
}
