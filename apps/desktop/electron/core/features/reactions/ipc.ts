// IPC adapter of quick reactions: each handler hands the call to the ReactionService of the profile
// the router checked the membership on (`requires: 'member'` in packages/protocol/api/features/reactions.ts).
import type { REACTIONS_METHOD_NAMES } from '@klinikfunk/protocol/api/features/reactions-names.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { reactionService } from './service.ts';

export function reactionHandlers(_ctx: HandlerContext): Pick<ProfileHandlers, (typeof REACTIONS_METHOD_NAMES)[number]> {
  return {
    'reactions.list': ({ channelId }, { runtime }) => reactionService(runtime).list(channelId),
    'reactions.toggle': ({ channelId, messageId, reaction }, { runtime }) =>
      reactionService(runtime).toggle(channelId, messageId, reaction),
  };
}
