// The poll views a messages.changed event carries (changes/change-feed.ts): the polls whose
// results or state changed, as polls.list shows them, so the timeline's poll cards and the
// Umfragen overview update without a polls.list call; a named poll no longer listed (an own one
// refused) is named as removed.
import type { SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { pollViews } from './service.ts';

export async function pollPatch(
  runtime: ProfileRuntime,
  channelId: string,
  pollIds: readonly string[],
  now: number,
): Promise<Pick<SharedPatch, 'polls' | 'removedPolls'>> {
  if (pollIds.length === 0) return { polls: [], removedPolls: [] };
  const polls = await pollViews(runtime, channelId, now, pollIds);
  const found = new Set(polls.map((p) => p.pollId));
  return { polls, removedPolls: pollIds.filter((id) => !found.has(id)) };
}
