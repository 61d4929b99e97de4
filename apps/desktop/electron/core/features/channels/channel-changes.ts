// The sidebar rows a channels.changed event carries (changes/change-feed.ts): the changed channels
// read by the same channelSummaries as channels.list, so a patched sidebar shows exactly what a
// reloaded one would; a channel no longer listed (left, removed, not named yet) is removed.
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { channelSummaries } from './service.ts';

export interface ChannelsPatch {
  upserted: ChannelSummaryView[];
  removed: string[];
}

export async function channelsPatch(runtime: ProfileRuntime, channelIds: readonly string[]): Promise<ChannelsPatch> {
  const upserted = await channelSummaries(runtime, channelIds);
  const listed = new Set(upserted.map((c) => c.channelId));
  return { upserted, removed: channelIds.filter((id) => !listed.has(id)) };
}
