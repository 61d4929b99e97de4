// What a channel is called for the person reading it. A direct chat is named after the other
// member(s), on both sides: its stored name is what its creator typed (the other person's name from
// the creator's side), so the recipient saw his own name in the title, the composer, notifications
// and search. Every view that names a channel (channels.list/get/create, search, notifications)
// goes through here.
import type { ProfileStore } from '../../store/profile-store.ts';

export type ChannelTitles = (channel: { channelId: string; kind: string; name: string }) => string;

/**
 * Two reads for all the given channels: the other members of the reader's direct chats, and for a
 * direct chat without any, who was ever in it besides the reader (its roster history); the names
 * sorted and joined. A direct chat whose other members all left is named that way: the stored name
 * is the reader's own name when someone else created it. Only a chat with oneself, or one whose
 * members are not in the directory yet, keeps its stored name.
 */
export async function channelTitles(
  store: ProfileStore,
  myUserId: string,
  channels: ReadonlyArray<{ channelId: string; kind: string }>,
): Promise<ChannelTitles> {
  const others = await store.members.directChatNames(myUserId);
  const alone = channels.filter((c) => c.kind === 'direct' && !others.get(c.channelId)?.length).map((c) => c.channelId);
  const former = alone.length > 0 ? await store.members.formerNames(alone, myUserId) : new Map<string, string[]>();
  return (channel) =>
    channel.kind === 'direct'
      ? others.get(channel.channelId)?.join(', ') || former.get(channel.channelId)?.join(', ') || channel.name
      : channel.name;
}
