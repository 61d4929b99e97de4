// Polls between two workstations through the core and the real relay: both vote, results agree,
// a vote is changed, only the creator closes, and a vote after closing is refused on every client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

describe('polls through the core', () => {
  let w: TwoWorkstations;
  beforeAll(async () => {
    w = await twoWorkstations();
  }, 90_000);
  afterAll(async () => w?.close());

  it('refuses bad polls with invalid_input', async () => {
    const { admin, channelId } = w;
    expect(await admin.call('polls.create', { channelId, question: 'Eine?', options: ['Ja'], multipleChoice: false, deadline: null, hideVoters: false })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await admin.call('polls.create', { channelId, question: 'Doppelt?', options: ['Ja', 'ja'], multipleChoice: false, deadline: null, hideVoters: false })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await admin.call('polls.create', { channelId, question: 'Alt?', options: ['A', 'B'], multipleChoice: false, deadline: Date.now() - 1000, hideVoters: false })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await admin.call('polls.list', { channelId: 'chnNOTAMEMBER1' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('both vote, results agree, a vote changes, only the creator closes, late votes are refused everywhere', async () => {
    const { admin, nurse, channelId, adminUserId, nurseUserId } = w;
    const { pollId } = await admin.value('polls.create', { channelId, question: 'Teamessen am Freitag?', options: ['Pizza', 'Salat', 'Suppe'], multipleChoice: false, deadline: null, hideVoters: false });
    const atNurse = await eventually(async () => (await nurse.value('polls.list', { channelId })).find((p) => p.pollId === pollId), 15_000, 'poll at nurse');
    expect(atNurse).toMatchObject({ question: 'Teamessen am Freitag?', state: 'open', canClose: false, creator: { displayName: 'Anna Admin' } });
    expect(atNurse.options.map((o) => o.label)).toEqual(['Pizza', 'Salat', 'Suppe']);

    // Single choice: two options at once are refused.
    expect(await nurse.call('polls.vote', { channelId, pollId, optionIds: ['o1', 'o2'] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    await nurse.value('polls.vote', { channelId, pollId, optionIds: ['o1'] });
    await admin.value('polls.vote', { channelId, pollId, optionIds: ['o2'] });
    await nurse.value('polls.vote', { channelId, pollId, optionIds: ['o2'] }); // changes the vote

    const settled = async (client: typeof admin) => {
      const poll = (await client.value('polls.list', { channelId })).find((p) => p.pollId === pollId);
      return poll && poll.totalVoters === 2 && poll.options[1]!.count === 2 && !poll.myVotePending ? poll : null;
    };
    const a = await eventually(() => settled(admin), 15_000, 'results at admin');
    const n = await eventually(() => settled(nurse), 15_000, 'results at nurse');
    expect(a.options).toEqual(n.options);
    expect(a.options.map((o) => o.count)).toEqual([0, 2, 0]);
    expect(a.options[1]!.voters!.map((v) => v.userId).sort()).toEqual([adminUserId, nurseUserId].sort());
    expect(n.myOptionIds).toEqual(['o2']);

    expect(await nurse.call('polls.close', { channelId, pollId })).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    await admin.value('polls.close', { channelId, pollId });
    await eventually(async () => (await nurse.value('polls.list', { channelId })).find((p) => p.pollId === pollId && p.state === 'closed'), 15_000, 'closed at nurse');
    expect(await nurse.call('polls.vote', { channelId, pollId, optionIds: ['o3'] })).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
  }, 60_000);

  it('hides voter names when asked to, and counts multiple choices', async () => {
    const { admin, nurse, channelId } = w;
    const { pollId } = await admin.value('polls.create', { channelId, question: 'Welche Schichten?', options: ['Früh', 'Spät', 'Nacht'], multipleChoice: true, deadline: Date.now() + 3_600_000, hideVoters: true });
    await eventually(async () => (await nurse.value('polls.list', { channelId })).find((p) => p.pollId === pollId), 15_000, 'poll at nurse');
    await nurse.value('polls.vote', { channelId, pollId, optionIds: ['o1', 'o3'] });
    const poll = await eventually(async () => (await admin.value('polls.list', { channelId })).find((p) => p.pollId === pollId && p.totalVoters === 1), 15_000, 'vote at admin');
    expect(poll.options.map((o) => o.count)).toEqual([1, 0, 1]);
    expect(poll.options.every((o) => o.voters === null)).toBe(true);
  }, 30_000);
});
