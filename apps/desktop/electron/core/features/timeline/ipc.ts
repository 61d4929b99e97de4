// IPC adapter of the channel timeline: the shared things and member lines of a sort-key range with
// their senders' names, for the message list (the profile is the one the router checked the membership on).
import type { TIMELINE_METHOD_NAMES } from '@klinikfunk/protocol/api/features/timeline-names.ts';
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { nameLookup } from '../kit/channel-access.ts';
import { timelineRepository } from './repository.ts';

export function timelineHandlers(_ctx: HandlerContext): Pick<ProfileHandlers, (typeof TIMELINE_METHOD_NAMES)[number]> {
  return {
    'timeline.items': async ({ channelId, afterSortKey, upToSortKey, limit }, { runtime }) => {
      const store = runtime.profile.store;
      const me = runtime.identity.userId;
      const { rows, truncated } = store
        .repository(timelineRepository)
        .inRange(channelId, { afterSortKey, upToSortKey, limit, viewerUserId: me });
      const name = await nameLookup(store);
      const items = rows.map(({ senderUserId, ...row }): TimelineItem => {
        const base = { sender: name(senderUserId), own: senderUserId === me };
        if (row.kind === 'members') {
          const { added, removed, ...rest } = row.members;
          // A verified roster change, not an event of the log: nothing of it is still being sent.
          return {
            ...row,
            ...base,
            delivery: 'sent',
            members: { ...rest, added: added.map(name), removed: removed.map(name) },
          };
        }
        return { ...row, ...base, delivery: row.seq === null ? 'sending' : 'sent' };
      });
      return { items, truncated };
    },
  };
}
