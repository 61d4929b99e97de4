// IPC adapter of the channel timeline: the shared things of a sort-key range with their senders'
// names, for the message list (the profile is the one the router checked the membership on).
import type { TIMELINE_METHOD_NAMES } from '@klinikfunk/protocol/api/features/timeline-names.ts';
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { nameLookup } from '../kit/channel-access.ts';
import { timelineRepository } from './repository.ts';

export function timelineHandlers(_ctx: HandlerContext): Pick<ProfileHandlers, (typeof TIMELINE_METHOD_NAMES)[number]> {
  return {
    'timeline.items': async ({ channelId, afterSortKey, upToSortKey, limit }, { runtime }) => {
      const store = runtime.profile.store;
      const { rows, truncated } = store
        .repository(timelineRepository)
        .inRange(channelId, { afterSortKey, upToSortKey, limit });
      const name = await nameLookup(store);
      const me = runtime.identity.userId;
      const items = rows.map(({ senderUserId, ...row }): TimelineItem => ({
        ...row,
        sender: name(senderUserId),
        own: senderUserId === me,
        delivery: row.seq === null ? 'sending' : 'sent',
      }));
      return { items, truncated };
    },
  };
}
