// The timeline items a messages.changed event carries (changes/change-feed.ts): those of the
// files, polls, appointments and channel changes that changed, built as timeline.items builds them
// (items.ts), so an open conversation patches its items instead of reading them again. The poll
// views beside them come from the polls feature (polls/poll-changes.ts); wiring.ts joins both.
import type { SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import type { SharedIds } from '../../changes/channel-change.ts';
import { timelineItems } from './items.ts';
import { timelineRepository } from './repository.ts';

export async function timelinePatch(
  runtime: ProfileRuntime,
  channelId: string,
  shared: Pick<SharedIds, 'items' | 'uids'>,
): Promise<Pick<SharedPatch, 'items' | 'removedItems'>> {
  const rows = runtime.profile.store.repository(timelineRepository).itemsOf(channelId, shared.items, shared.uids);
  const items = await timelineItems(runtime, rows);
  const found = new Set(items.map((i) => i.eventId));
  return { items, removedItems: shared.items.filter((id) => !found.has(id)) };
}
