// Materialises the discovery events of the organisation's directory channel (channel.announce,
// channel.unannounce, channel.join_request) into channel_announcements and join_requests. Runs in
// applyEvents' transaction. Events with the same key keep the newest by relay seq, so applying a
// page twice or out of order ends in the same rows on every client.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

type DiscoveryEvent = ChannelEvent & {
  payload: Extract<
    ChannelEvent['payload'],
    { type: 'channel.announce' | 'channel.unannounce' | 'channel.join_request' }
  >;
};

/** Returns a reason when refused, null when applied. */
export function applyDiscoveryEvent(db: Db, event: DiscoveryEvent): string | null {
  // Only the org-wide channel carries the directory: the same event in any other channel would let
  // a small group's members fake entries for the whole organisation.
  const orgWide = sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck().get(event.channelId) as
    number | undefined;
  if (orgWide !== 1) return 'discovery event outside the organisation-wide channel';
  const seq = event.seq ?? 0;
  const p = event.payload;
  if (p.type === 'channel.join_request') {
    sql(
      db,
      `INSERT INTO join_requests VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (channel_id, user_id) DO UPDATE SET seq = excluded.seq, known_epoch = excluded.known_epoch, created_at = excluded.created_at WHERE excluded.seq > join_requests.seq`,
    ).run(p.channelId, event.senderUserId, seq, p.knownEpoch, event.createdAt);
    return null;
  }
  const listed = p.type === 'channel.announce';
  sql(
    db,
    `INSERT INTO channel_announcements VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel_id, announcer_user_id) DO UPDATE SET seq = excluded.seq, listed = excluded.listed, name = excluded.name, topic = excluded.topic,
       history_for_new_members = excluded.history_for_new_members WHERE excluded.seq > channel_announcements.seq`,
  ).run(
    p.channelId,
    event.senderUserId,
    seq,
    listed ? 1 : 0,
    listed ? p.name : '',
    listed ? p.topic : '',
    listed && p.historyForNewMembers ? 1 : 0,
  );
  return null;
}
