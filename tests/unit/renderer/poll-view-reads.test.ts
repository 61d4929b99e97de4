// The poll views of the open conversation's timeline (renderer lib/poll-view-reads.ts, used by
// channel-timeline.svelte.ts): they are read for the items' polls only, so an answer asked for
// other items than those shown now (a jump took another window's page with its polls) must not
// replace the shown views, and more polls than one polls.list call takes are asked in batches.
import { describe, expect, it } from 'vitest';
import { pollsMethods, type PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import { POLL_IDS_PER_CALL, PollViewReads } from '../../../apps/desktop/renderer/src/lib/poll-view-reads.ts';

const view = (pollId: string): PollView => ({
  pollId,
  question: 'Teamessen?',
  creator: { userId: 'usr00000001', displayName: 'Anna Admin' },
  createdAt: 1,
  multipleChoice: false,
  hideVoters: false,
  deadline: null,
  state: 'open',
  totalVoters: 0,
  myOptionIds: [],
  myVotePending: false,
  canClose: false,
  options: [],
});

/** polls.list calls whose answers the test hands back when it wants. */
function pending() {
  const asked: Array<{ pollIds: string[]; answer: (views: PollView[] | null) => void }> = [];
  const fetch = (pollIds: string[]) =>
    new Promise<PollView[] | null>((resolve) => asked.push({ pollIds, answer: resolve }));
  return { fetch, asked };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('poll views of the timeline items', () => {
  it('an answer still on its way when a page brought its own polls is dropped (the jump keeps its results)', async () => {
    const reads = new PollViewReads();
    const calls = pending();
    const before = reads.read(['polOld'], calls.fetch);
    // A jump: the page came with its items and their poll views, which the timeline shows.
    reads.taken();
    calls.asked[0]!.answer([view('polOld')]);
    expect(await before).toBeNull();
  });

  it('an older answer arriving after a newer one is dropped', async () => {
    const reads = new PollViewReads();
    const calls = pending();
    const older = reads.read(['polA'], calls.fetch);
    const newer = reads.read(['polA', 'polB'], calls.fetch);
    calls.asked[1]!.answer([view('polA'), view('polB')]);
    expect((await newer)?.map((p) => p.pollId)).toEqual(['polA', 'polB']);
    calls.asked[0]!.answer([view('polA')]);
    expect(await older).toBeNull();
  });

  it('asks more polls than one call takes in batches the contract accepts, and shows them all', async () => {
    const reads = new PollViewReads();
    const calls = pending();
    const ids = Array.from({ length: POLL_IDS_PER_CALL + 5 }, (_, i) => `pol${String(i).padStart(8, '0')}`);
    const shown = reads.read(ids, calls.fetch);
    for (let i = 0; i < 2; i++) {
      await settled();
      const call = calls.asked[i]!;
      expect(
        pollsMethods['polls.list'].input.safeParse({ channelId: 'chnStation3B01', pollIds: call.pollIds }).success,
      ).toBe(true);
      call.answer(call.pollIds.map(view));
    }
    expect((await shown)?.length).toBe(ids.length);
    expect(calls.asked).toHaveLength(2);
  });

  it('a failed call shows nothing new (keep what is shown)', async () => {
    const reads = new PollViewReads();
    const calls = pending();
    const shown = reads.read(['polA'], calls.fetch);
    calls.asked[0]!.answer(null);
    expect(await shown).toBeNull();
  });
});
