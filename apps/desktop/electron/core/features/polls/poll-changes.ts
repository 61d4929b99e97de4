// The poll views a messages.changed event carries (changes/change-feed.ts): the polls whose
// results or state changed, as polls.list shows them, so the timeline's poll cards update
// without a polls.list call.
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { pollViews } from './service.ts';

export async function pollPatch(
  runtime: ProfileRuntime,
  channelId: string,
  pollIds: readonly string[],
  now: number,
): Promise<PollView[]> {
  return pollViews(runtime, channelId, now, pollIds);
}
