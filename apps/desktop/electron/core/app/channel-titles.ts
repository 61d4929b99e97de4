// What a channel is called for the person reading it. A direct chat is named after the other
// member(s), on both sides: its stored name is what its creator typed (the other person's name from
// the creator's side), so the recipient saw his own name in the title, the composer, notifications
// and search. Every view that names a channel (channels.list/get/create, search, notifications)
// goes through here.
import type { Db } from '../store/database.ts';

export type ChannelTitles = (channel: { channelId: string; kind: string; name: string }) => string;

/** One query for all of the reader's direct chats; the names of the other members, sorted, joined. */
export function channelTitles(db: Db, myUserId: string): ChannelTitles {
  const rows = db
    .prepare(
      `SELECT m.channel_id, u.display_name FROM channel_members m JOIN channels c USING (channel_id) JOIN users u USING (user_id)
       WHERE c.kind = 'direct' AND m.user_id != ? AND m.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = ?)
       ORDER BY u.display_name COLLATE NOCASE`,
    )
    .all(myUserId, myUserId) as Array<{ channel_id: string; display_name: string }>;
  const others = new Map<string, string[]>();
  for (const row of rows) others.set(row.channel_id, [...(others.get(row.channel_id) ?? []), row.display_name]);
  // A direct chat whose other members all left is named after who was ever in it besides the reader
  // (its roster history): the stored name is the reader's own name when someone else created it.
  // Only a chat with oneself, or one whose members are not in the directory yet, keeps its stored name.
  const former = db.prepare(
    `SELECT DISTINCT u.display_name FROM directory_records r, json_each(r.record, '$.body.members') m JOIN users u ON u.user_id = json_extract(m.value, '$.userId')
     WHERE r.type = 'roster' AND r.subject = ? AND u.user_id != ? ORDER BY u.display_name COLLATE NOCASE`,
  ).pluck();
  const formerNames = (channelId: string) => (former.all(channelId, myUserId) as string[]).join(', ');
  return (channel) => (channel.kind === 'direct' ? others.get(channel.channelId)?.join(', ') || formerNames(channel.channelId) || channel.name : channel.name);
}
