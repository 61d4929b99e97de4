// IPC adapter of the channel timeline: the shared things and member lines of a sort-key range with
// their senders' names, for the message list (the profile is the one the router checked the membership on).
import type { TIMELINE_METHOD_NAMES } from '@klinikfunk/protocol/api/features/timeline-names.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { itemsInRange } from './items.ts';

export function timelineHandlers(_ctx: HandlerContext): Pick<ProfileHandlers, (typeof TIMELINE_METHOD_NAMES)[number]> {
  return {
    'timeline.items': ({ channelId, afterSortKey, upToSortKey, limit }, { runtime }) =>
      itemsInRange(runtime, channelId, { afterSortKey, upToSortKey, limit }),
  };
}
