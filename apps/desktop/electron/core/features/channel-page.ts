// messages.page: the messages feature's page joined with what the other features show on it, the
// reactions of its messages and, when asked (`withShared`: opening a channel, jumping into it), the
// timeline items of its range with the views of the polls among them. The first paint of a channel
// is one round trip: the renderer asked timeline.items, polls.list (every poll of the channel) and
// reactions.list (every reaction) one after another before. A composition of features beside
// registry.ts, since a feature folder imports no other.
import type { MessagePage, MessagePageAnswer, PageShared } from '@klinikfunk/protocol/api/contract.ts';
import { MAX_TIMELINE_ITEMS } from '@klinikfunk/protocol/api/features/timeline.ts';
import type { HandlerContext, ProfileHandlers } from '../app/handler-context.ts';
import type { ProfileRuntime } from '../app/profile-runtime.ts';
import type { UrgentWatch } from './kit/urgent.ts';
import { messageDeps } from './messages/ipc.ts';
import { messageService } from './messages/service.ts';
import { pollViews } from './polls/service.ts';
import { reactionService } from './reactions/service.ts';
import { itemsInRange } from './timeline/items.ts';

/**
 * The items of the page's range, as the renderer's timeline reads them for its window
 * (renderer lib/timeline-merge.ts itemRange): from the oldest message, or the channel's start when
 * nothing is older, to the newest, or the live end.
 */
async function sharedOf(
  runtime: ProfileRuntime,
  channelId: string,
  page: MessagePage,
  now: number,
): Promise<PageShared> {
  const first = page.messages[0];
  const last = page.messages.at(-1);
  const { items, truncated } = await itemsInRange(runtime, channelId, {
    afterSortKey: page.hasOlder && first ? first.sortKey : null,
    upToSortKey: page.hasNewer && last ? last.sortKey : null,
    limit: MAX_TIMELINE_ITEMS,
  });
  const pollIds = items.flatMap((i) => (i.kind === 'poll' ? [i.poll.pollId] : []));
  return { items, truncated, polls: await pollViews(runtime, channelId, now, pollIds) };
}

export function channelPageHandlers(ctx: HandlerContext, urgent: UrgentWatch): Pick<ProfileHandlers, 'messages.page'> {
  const deps = messageDeps(ctx, urgent);
  return {
    'messages.page': async (input, { runtime }): Promise<MessagePageAnswer> => {
      const page = await messageService(runtime, deps).page(input);
      const shown = page.messages.flatMap((m) => (m.deleted ? [] : [m.messageId]));
      return {
        ...page,
        reactions: await reactionService(runtime).ofMessages(input.channelId, shown),
        shared: input.withShared ? await sharedOf(runtime, input.channelId, page, ctx.clock.now()) : null,
      };
    },
  };
}
