// A messages.changed event's shared things applied to the open conversation's timeline
// (channel-timeline.svelte.ts): changed items replace theirs by event id, new ones join when their
// sort key lies in the window's range, removed ones go; changed polls replace their views by id.
// The same items a timeline.items call for the range would answer, without the call.
import type { SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import type { itemRange } from './timeline-merge.ts';

export interface SharedState {
  items: readonly TimelineItem[];
  polls: readonly PollView[];
}

export function applySharedPatch(
  state: SharedState,
  range: ReturnType<typeof itemRange>,
  patch: SharedPatch,
): SharedState {
  const inRange = (item: TimelineItem) =>
    (range.afterSortKey === null || item.sortKey > range.afterSortKey) &&
    (range.upToSortKey === null || item.sortKey <= range.upToSortKey);
  const named = new Set([...patch.removedItems, ...patch.items.map((i) => i.eventId)]);
  const items =
    named.size === 0
      ? state.items
      : [...state.items.filter((i) => !named.has(i.eventId)), ...patch.items.filter(inRange)].sort(
          (a, b) => a.sortKey - b.sortKey,
        );
  const changed = new Map(patch.polls.map((p) => [p.pollId, p]));
  const polls =
    changed.size === 0
      ? state.polls
      : [
          // New polls first, as polls.list lists them (newest first).
          ...patch.polls.filter((p) => !state.polls.some((q) => q.pollId === p.pollId)),
          ...state.polls.map((p) => changed.get(p.pollId) ?? p),
        ];
  return { items, polls };
}
