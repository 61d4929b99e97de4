// Polls for one signed-in profile. It refuses what is already decided locally (a vote on a closed
// poll, a close by someone else) so staff get an answer at once; the decision that counts is the
// reducer's (collab/polls.ts) over the ordered log, the same on every client, for any vote that
// was in flight when the poll closed.
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { Clock } from '../../clock/clock.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { serviceKey } from '../../app/profile-services.ts';
import { nameLookup } from '../kit/channel-access.ts';
import { pollRepository } from './repository.ts';

/** Poll ids with a vote of this device still in the outbox (shown as "being sent"). */
function pendingVotes(runtime: ProfileRuntime, channelId: string): Promise<Set<string>> {
  return runtime.profile.store.outbox.queuedIds(channelId, ['poll.vote'], 'pollId');
}

/** The views of a channel's polls, or of those of `pollIds` only (a timeline page's, a change's). */
export async function pollViews(
  runtime: ProfileRuntime,
  channelId: string,
  now: number,
  pollIds?: readonly string[],
): Promise<PollView[]> {
  if (pollIds?.length === 0) return [];
  const store = runtime.profile.store;
  const me = runtime.identity.userId;
  const name = await nameLookup(store);
  const { created, closedByCreator, myVotes } = await store.repository(pollRepository).details(channelId, me, pollIds);
  const pending = await pendingVotes(runtime, channelId);
  const polls = await store.repository(pollRepository).polls(channelId, now, pollIds);
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

export interface NewPoll {
  channelId: string;
  question: string;
  options: string[];
  multipleChoice: boolean;
  deadline: number | null;
  hideVoters: boolean;
}

export class PollService {
  readonly #runtime: ProfileRuntime;
  readonly #clock: Clock;
  constructor(runtime: ProfileRuntime, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
  }

  list(channelId: string, pollIds?: readonly string[]): Promise<PollView[]> {
    return pollViews(this.#runtime, channelId, this.#clock.now(), pollIds);
  }

  async create(input: NewPoll): Promise<string> {
    const labels = input.options.map((o) => o.trim());
    if (new Set(labels.map((l) => l.toLocaleLowerCase('de'))).size !== labels.length)
      throw new AppError('invalid_input', 'Options must differ.');
    if (input.deadline !== null && input.deadline <= this.#clock.now())
      throw new AppError('invalid_input', 'The deadline is in the past.');
    return this.#runtime.client.send(input.channelId, {
      type: 'poll.create',
      question: input.question.trim(),
      options: labels.map((label, i) => ({ id: `o${i + 1}`, label })),
      multipleChoice: input.multipleChoice,
      deadline: input.deadline,
      hideVoters: input.hideVoters,
    });
  }

  async vote(channelId: string, pollId: string, optionIds: string[]): Promise<void> {
    const poll = await this.#find(channelId, pollId);
    if (poll.state !== 'open') throw new AppError('not_permitted', 'The poll is closed.');
    const known = new Set(poll.options.map((o) => o.id));
    const chosen = [...new Set(optionIds)];
    if (chosen.some((id) => !known.has(id))) throw new AppError('invalid_input', 'Unknown option.');
    if (!poll.multipleChoice && chosen.length > 1) throw new AppError('invalid_input', 'This poll allows one answer.');
    await this.#runtime.client.send(channelId, { type: 'poll.vote', pollId, optionIds: chosen });
  }

  async close(channelId: string, pollId: string): Promise<void> {
    const poll = await this.#find(channelId, pollId);
    if (poll.creator.userId !== this.#runtime.identity.userId)
      throw new AppError('not_permitted', 'Only the creator closes a poll.');
    if (poll.state === 'closed') return;
    await this.#runtime.client.send(channelId, { type: 'poll.close', pollId });
  }

  async #find(channelId: string, pollId: string): Promise<PollView> {
    const [poll] = await this.list(channelId, [pollId]);
    if (!poll) throw new AppError('not_found', 'No such poll.');
    return poll;
  }
}

const POLLS = serviceKey<PollService>('polls');

/** The profile's poll service, made once per sign-in (it goes with the runtime). */
export function pollService(runtime: ProfileRuntime, clock: Clock): PollService {
  return runtime.services.get(POLLS, () => new PollService(runtime, clock));
}
