// IPC handlers for polls. The handlers refuse what is already decided locally (a vote on a closed
// poll, a close by someone else) so staff get an answer at once; the decision that counts is the
// reducer's (collab/polls.ts) over the ordered log, the same on every client, for any vote that
// was in flight when the poll closed.
import type { PollView } from '@klinikfunk/protocol/api/parts/collab-schemas.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import type { HandlerContext } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { nameLookup } from '../kit/channel-access.ts';

type Names = 'polls.list' | 'polls.create' | 'polls.vote' | 'polls.close';
const done = { done: true as const };

/** Poll ids with a vote of this device still in the outbox (shown as "being sent"). */
function pendingVotes(runtime: ProfileRuntime, channelId: string): Promise<Set<string>> {
  return runtime.profile.store.outbox.queuedVotes(channelId);
}

export async function pollViews(runtime: ProfileRuntime, channelId: string, now: number): Promise<PollView[]> {
  const store = runtime.profile.store;
  const me = runtime.identity.userId;
  const name = await nameLookup(store);
  const { created, closedByCreator, myVotes } = await store.collaboration.pollDetails(channelId, me);
  const pending = await pendingVotes(runtime, channelId);
  const polls = await store.collaboration.polls(channelId, now);
  return polls.map((p) => {
    const state = closedByCreator.has(p.pollId) ? 'closed' : p.closed ? 'deadline' : 'open';
    return {
      pollId: p.pollId,
      question: p.question,
      creator: name(p.creatorUserId),
      createdAt: created.get(p.pollId)?.createdAt ?? 0,
      multipleChoice: p.multipleChoice,
      hideVoters: created.get(p.pollId)?.hideVoters ?? false,
      deadline: p.deadline,
      state,
      totalVoters: p.totalVoters,
      myOptionIds: myVotes.get(p.pollId) ?? [],
      myVotePending: pending.has(p.pollId),
      canClose: p.creatorUserId === me && state === 'open',
      options: p.options.map((o) => ({
        id: o.id,
        label: o.label,
        count: o.count,
        voters: o.voters ? o.voters.map(name) : null,
      })),
    };
  });
}

export function pollHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const find = async (channelId: string, pollId: string) => {
    const runtime = ctx.sessions.visible();
    const poll = (await pollViews(runtime, channelId, ctx.clock.now())).find((p) => p.pollId === pollId);
    if (!poll) throw new AppError('not_found', 'No such poll.');
    return { runtime, poll };
  };

  return {
    'polls.list': async ({ channelId }) => pollViews(ctx.sessions.visible(), channelId, ctx.clock.now()),

    'polls.create': async (input) => {
      const runtime = ctx.sessions.visible();
      const labels = input.options.map((o) => o.trim());
      if (new Set(labels.map((l) => l.toLocaleLowerCase('de'))).size !== labels.length)
        throw new AppError('invalid_input', 'Options must differ.');
      if (input.deadline !== null && input.deadline <= ctx.clock.now())
        throw new AppError('invalid_input', 'The deadline is in the past.');
      const pollId = await runtime.client.send(input.channelId, {
        type: 'poll.create',
        question: input.question.trim(),
        options: labels.map((label, i) => ({ id: `o${i + 1}`, label })),
        multipleChoice: input.multipleChoice,
        deadline: input.deadline,
        hideVoters: input.hideVoters,
      });
      return { pollId };
    },

    'polls.vote': async ({ channelId, pollId, optionIds }) => {
      const { runtime, poll } = await find(channelId, pollId);
      if (poll.state !== 'open') throw new AppError('not_permitted', 'The poll is closed.');
      const known = new Set(poll.options.map((o) => o.id));
      const chosen = [...new Set(optionIds)];
      if (chosen.some((id) => !known.has(id))) throw new AppError('invalid_input', 'Unknown option.');
      if (!poll.multipleChoice && chosen.length > 1)
        throw new AppError('invalid_input', 'This poll allows one answer.');
      await runtime.client.send(channelId, { type: 'poll.vote', pollId, optionIds: chosen });
      return done;
    },

    'polls.close': async ({ channelId, pollId }) => {
      const { runtime, poll } = await find(channelId, pollId);
      if (poll.creator.userId !== runtime.identity.userId)
        throw new AppError('not_permitted', 'Only the creator closes a poll.');
      if (poll.state === 'closed') return done;
      await runtime.client.send(channelId, { type: 'poll.close', pollId });
      return done;
    },
  };
}
