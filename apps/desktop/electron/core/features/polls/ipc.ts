// IPC adapter of polls: each handler hands the call to the PollService of the profile the router
// checked the membership on (`requires: 'member'` in the contract).
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { pollService } from './service.ts';

type Names = 'polls.list' | 'polls.create' | 'polls.vote' | 'polls.close';
const done = { done: true as const };

export function pollHandlers(ctx: HandlerContext): Pick<ProfileHandlers, Names> {
  const polls = (runtime: ProfileRuntime) => pollService(runtime, ctx.clock);
  return {
    'polls.list': ({ channelId, pollIds }, { runtime }) => polls(runtime).list(channelId, pollIds),
    'polls.create': async (input, { runtime }) => ({ pollId: await polls(runtime).create(input) }),
    'polls.vote': async ({ channelId, pollId, optionIds }, { runtime }) => {
      await polls(runtime).vote(channelId, pollId, optionIds);
      return done;
    },
    'polls.close': async ({ channelId, pollId }, { runtime }) => {
      await polls(runtime).close(channelId, pollId);
      return done;
    },
  };
}
