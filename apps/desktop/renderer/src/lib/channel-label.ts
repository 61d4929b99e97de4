// How a channel is named in labels: "#Station 3" for channels, the plain name otherwise.
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';

export function channelLabel(channel: Pick<ChannelSummaryView, 'kind' | 'name'>): string {
  return channel.kind === 'channel' ? `#${channel.name}` : channel.name;
}
