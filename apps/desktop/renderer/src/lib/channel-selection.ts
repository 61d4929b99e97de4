// What a new channels.list answer, or a channels.changed patch, does to the sidebar and the open
// channel. The open channel is
// never swapped for another one: a new group's first message once went to the org-wide channel
// because a list without the group (its name not acknowledged yet) made the view fall back to the
// first channel. A channel created here stays listed until a list has it (an answer asked for
// before it existed); a listed channel that disappears leaves nothing open, and says which it was.
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';
import { sidebarOrder, type ChannelsChanged } from '@klinikfunk/protocol/api/features/channels.ts';

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

/**
 * A channels.changed event with rows (not a reload): the changed channels replace theirs, the
 * removed ones go, and the list keeps the core's order (sidebarOrder). A channel created here
 * leaves the pending list once an event names it, listed or removed.
 */
export function applyChannelPatch(
  shown: readonly ChannelSummaryView[],
  patch: Extract<ChannelsChanged, { reload: false }>,
  created: readonly ChannelSummaryView[],
  selectedId: string | null,
): ListChange {
  const named = new Set([...patch.removed, ...patch.upserted.map((c) => c.channelId)]);
  const channels = [...shown.filter((c) => !named.has(c.channelId)), ...patch.upserted].sort(sidebarOrder);
  const open = shown.find((c) => c.channelId === selectedId) ?? null;
  const lost = open && patch.removed.includes(open.channelId) ? open : null;
  return { channels, created: created.filter((c) => !named.has(c.channelId)), lost };
}
