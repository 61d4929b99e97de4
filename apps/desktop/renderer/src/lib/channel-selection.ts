// What a new channels.list answer does to the sidebar and the open channel. The open channel is
// never swapped for another one: a new group's first message once went to the org-wide channel
// because a list without the group (its name not acknowledged yet) made the view fall back to the
// first channel. A channel created here stays listed until a list has it (an answer asked for
// before it existed); a listed channel that disappears leaves nothing open, and says which it was.
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';

export interface ListChange {
  channels: ChannelSummaryView[];
  /** Created here and still not in a list answer. */
  created: ChannelSummaryView[];
  /** The open channel, gone from the list (left or removed); the selection becomes empty. */
  lost: ChannelSummaryView | null;
}

export function applyChannelList(
  shown: readonly ChannelSummaryView[],
  list: readonly ChannelSummaryView[],
  created: readonly ChannelSummaryView[],
  selectedId: string | null,
): ListChange {
  const listed = new Set(list.map((c) => c.channelId));
  const pending = created.filter((c) => !listed.has(c.channelId));
  const channels = [...list, ...pending];
  const open = shown.find((c) => c.channelId === selectedId) ?? null;
  const lost = open && !channels.some((c) => c.channelId === open.channelId) ? open : null;
  return { channels, created: pending, lost };
}
