// IPC adapter of polls: each handler hands the call to the visible profile's PollService.
// Membership is the router's check (`requires: 'member'` in the contract).
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import type { HandlerContext } from '../../app/handler-context.ts';
import { pollService } from './service.ts';

type Names = 'polls.list' | 'polls.create' | 'polls.vote' | 'polls.close';
const done = { done: true as const };

export function pollHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const polls = () => pollService(ctx.sessions.visible(), ctx.clock);
  return {
    'polls.list': ({ channelId }) => polls().list(channelId),
    'polls.create': async (input) => ({ pollId: await polls().create(input) }),
    'polls.vote': async ({ channelId, pollId, optionIds }) => {
      await polls().vote(channelId, pollId, optionIds);
      return done;
    },
    'polls.close': async ({ channelId, pollId }) => {
      await polls().close(channelId, pollId);
      return done;
    },
  };
}
