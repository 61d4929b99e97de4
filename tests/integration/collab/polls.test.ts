// Polls between two workstations through the core and the real relay: both vote, results agree,
// a vote is changed, only the creator closes, and a vote after closing is refused on every client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

describe('polls through the core', () => {
  let w: TwoWorkstations;
  beforeAll(async () => {
    w = await twoWorkstations();
  }, 90_000);
  afterAll(async () => w?.close());

  it('refuses bad polls with invalid_input', async () => {
    const { admin, channelId } = w;
    expect(
      await admin.call('polls.create', {
        channelId,
        question: 'Eine?',
        options: ['Ja'],
        multipleChoice: false,
        deadline: null,
        hideVoters: false,
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await admin.call('polls.create', {
        channelId,
        question: 'Doppelt?',
        options: ['Ja', 'ja'],
        multipleChoice: false,
        deadline: null,
        hideVoters: false,
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await admin.call('polls.create', {
        channelId,
        question: 'Alt?',
        options: ['A', 'B'],
        multipleChoice: false,
        deadline: Date.now() - 1000,
        hideVoters: false,
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await admin.call('polls.list', { channelId: 'chnNOTAMEMBER1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('both vote, results agree, a vote changes, only the creator closes, late votes are refused everywhere', async () => {
    const { admin, nurse, channelId, adminUserId, nurseUserId } = w;
    const { pollId } = await admin.value('polls.create', {
      channelId,
      question: 'Teamessen am Freitag?',
      options: ['Pizza', 'Salat', 'Suppe'],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    const atNurse = await eventually(
      async () => (await nurse.value('polls.list', { channelId })).find((p) => p.pollId === pollId),
      15_000,
      'poll at nurse',
    );
    expect(atNurse).toMatchObject({
      question: 'Teamessen am Freitag?',
      state: 'open',
      canClose: false,
      creator: { displayName: 'Anna Admin' },
    });
    expect(atNurse.options.map((o) => o.label)).toEqual(['Pizza', 'Salat', 'Suppe']);

    // Single choice: two options at once are refused.
    expect(await nurse.call('polls.vote', { channelId, pollId, optionIds: ['o1', 'o2'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
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

    expect(await nurse.call('polls.close', { channelId, pollId })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    await admin.value('polls.close', { channelId, pollId });
    await eventually(
      async () =>
        (await nurse.value('polls.list', { channelId })).find((p) => p.pollId === pollId && p.state === 'closed'),
      15_000,
      'closed at nurse',
    );
    expect(await nurse.call('polls.vote', { channelId, pollId, optionIds: ['o3'] })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
  }, 60_000);

  it('hides voter names when asked to, and counts multiple choices', async () => {
    const { admin, nurse, channelId } = w;
    const { pollId } = await admin.value('polls.create', {
      channelId,
      question: 'Welche Schichten?',
      options: ['Früh', 'Spät', 'Nacht'],
      multipleChoice: true,
      deadline: Date.now() + 3_600_000,
      hideVoters: true,
    });
    await eventually(
      async () => (await nurse.value('polls.list', { channelId })).find((p) => p.pollId === pollId),
      15_000,
      'poll at nurse',
    );
    await nurse.value('polls.vote', { channelId, pollId, optionIds: ['o1', 'o3'] });
    const poll = await eventually(
      async () =>
        (await admin.value('polls.list', { channelId })).find((p) => p.pollId === pollId && p.totalVoters === 1),
      15_000,
      'vote at admin',
    );
    expect(poll.options.map((o) => o.count)).toEqual([1, 0, 1]);
    expect(poll.options.every((o) => o.voters === null)).toBe(true);
  }, 30_000);
});

/** A workstation clock that is off by `offset` ms (a wrong clock), running in real time. */
class SkewedClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  after(ms: number, fn: () => void) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  }
}

describe('poll deadlines by the relay clock', () => {
  const nurseClock = new SkewedClock();
  let w: TwoWorkstations;
  beforeAll(async () => {
    w = await twoWorkstations({ nurseClock });
  }, 90_000);
  afterAll(async () => w?.close());

  const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
  /** The nurse's vote event as a workstation stored it: sender clock and relay time. */
  const storedVote = (client: TwoWorkstations['admin'], pollId: string) =>
    testDatabase(client.core.sessions.visible().profile.store)
      .prepare(
        `SELECT created_at, relay_at FROM events WHERE type = 'poll.vote' AND json_extract(payload, '$.pollId') = ?`,
      )
      .get(pollId) as { created_at: number; relay_at: number | null } | undefined;
  const pollAt = async (client: TwoWorkstations['admin'], pollId: string) =>
    (await client.value('polls.list', { channelId: w.channelId })).find((p) => p.pollId === pollId)!;

  async function pollWithDeadline(question: string, inMs: number) {
    const deadline = Date.now() + inMs;
    const { pollId } = await w.admin.value('polls.create', {
      channelId: w.channelId,
      question,
      options: ['Ja', 'Nein'],
      multipleChoice: false,
      deadline,
      hideVoters: false,
    });
    await eventually(
      async () => (await w.nurse.value('polls.list', { channelId: w.channelId })).find((p) => p.pollId === pollId),
      15_000,
      'poll at nurse',
    );
    return { pollId, deadline };
  }

  it('refuses, on both workstations, a vote signed before the deadline by a clock two hours behind but accepted by the relay after it', async () => {
    const { pollId, deadline } = await pollWithDeadline('Fortbildung am Mittwoch?', 3_000);
    await sleepUntil(deadline + 200);
    nurseClock.offset = -2 * 3_600_000;
    try {
      // By its own (wrong) clock the poll is still open, so the nurse's workstation lets the vote go out.
      expect((await pollAt(w.nurse, pollId)).state).toBe('open');
      await w.nurse.value('polls.vote', { channelId: w.channelId, pollId, optionIds: ['o1'] });
      await eventually(async () => !(await pollAt(w.nurse, pollId)).myVotePending, 15_000, 'vote sent');
      const atAdmin = await eventually(() => storedVote(w.admin, pollId), 15_000, 'vote at admin');
      const atNurse = storedVote(w.nurse, pollId)!;
      for (const stored of [atAdmin, atNurse]) {
        expect(stored.created_at).toBeLessThan(deadline);
        expect(stored.relay_at).toBeGreaterThan(deadline);
      }
      expect((await pollAt(w.admin, pollId)).totalVoters).toBe(0);
      expect((await pollAt(w.nurse, pollId)).totalVoters).toBe(0);
      expect((await pollAt(w.nurse, pollId)).myOptionIds).toEqual([]);
    } finally {
      nurseClock.offset = 0;
    }
  }, 60_000);

  it('refuses, on both workstations, a vote cast offline before the deadline that reaches the relay after it', async () => {
    const { pollId, deadline } = await pollWithDeadline('Grillen am Freitag?', 4_000);
    const transport = w.nurse.core.sessions.visible().transport;
    await transport.close();
    await w.nurse.value('polls.vote', { channelId: w.channelId, pollId, optionIds: ['o2'] });
    expect((await pollAt(w.nurse, pollId)).myVotePending).toBe(true);
    await sleepUntil(deadline + 200);
    await transport.connect();
    await eventually(async () => !(await pollAt(w.nurse, pollId)).myVotePending, 15_000, 'queued vote sent');
    const atAdmin = await eventually(() => storedVote(w.admin, pollId), 15_000, 'vote at admin');
    expect(atAdmin.created_at).toBeLessThan(deadline);
    expect(atAdmin.relay_at).toBeGreaterThan(deadline);
    expect((await pollAt(w.admin, pollId)).totalVoters).toBe(0);
    expect((await pollAt(w.nurse, pollId)).totalVoters).toBe(0);
  }, 60_000);

  it('counts a vote the relay took before the deadline, with the relay time stored beside the sender time', async () => {
    const { pollId, deadline } = await pollWithDeadline('Kuchen zur Übergabe?', 60_000);
    await w.nurse.value('polls.vote', { channelId: w.channelId, pollId, optionIds: ['o1'] });
    await eventually(async () => (await pollAt(w.admin, pollId)).totalVoters === 1, 15_000, 'vote counted at admin');
    expect((await pollAt(w.nurse, pollId)).totalVoters).toBe(1);
    expect(storedVote(w.admin, pollId)!.relay_at).toBeLessThan(deadline);
  }, 30_000);
});
