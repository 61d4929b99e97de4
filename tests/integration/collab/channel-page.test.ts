// Opening a channel is one round trip: the newest page of messages.page (withShared) carries the
// timeline items of its range, the views of the polls among them and the reactions of its
// messages, and nothing of the rest of the channel (the renderer used to ask timeline.items,
// polls.list with every poll of the channel and reactions.list with every reaction after it,
// each a round trip on the way to the first paint). An older page carries its own messages'
// reactions, so scrolling back shows them without a list of the whole channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

describe('the page a channel opens with', () => {
  let w: TwoWorkstations;
  const sent: string[] = [];
  let oldPoll = '';
  let newPoll = '';
  beforeAll(async () => {
    w = await twoWorkstations();
    const channelId = w.channelId;
    const poll = async (question: string) =>
      (
        await w.admin.value('polls.create', {
          channelId,
          question,
          options: ['Ja', 'Nein'],
          multipleChoice: false,
          deadline: null,
          hideVoters: false,
        })
      ).pollId;
    const send = async (body: string) =>
      sent.push((await w.admin.value('messages.send', { channelId, body })).messageId);
    oldPoll = await poll('Dienstplan Januar?');
    for (let i = 0; i < 55; i++) await send(`Übergabe Nr. ${i}`);
    newPoll = await poll('Fortbildung am Freitag?');
    for (let i = 55; i < 58; i++) await send(`Übergabe Nr. ${i}`);
    await w.admin.value('reactions.toggle', { channelId, messageId: sent[0]!, reaction: '👀' });
    await w.admin.value('reactions.toggle', { channelId, messageId: sent[57]!, reaction: '👍' });
    await w.admin.value('polls.vote', { channelId, pollId: newPoll, optionIds: ['o1'] });
    // Everything ordered by the relay and at the nurse's workstation.
    await eventually(
      async () => {
        const page = await w.nurse.value('messages.page', { channelId, limit: 200 });
        const reactions = await w.nurse.value('reactions.list', { channelId });
        const polls = await w.nurse.value('polls.list', { channelId });
        return (
          page.messages.length === 58 &&
          reactions.length === 2 &&
          polls.find((p) => p.pollId === newPoll)?.totalVoters === 1
        );
      },
      30_000,
      'channel at the nurse',
    );
  }, 120_000);
  afterAll(async () => w?.close());

  it('the newest page brings the items, polls and reactions of its range, and only those', async () => {
    const page = await w.nurse.value('messages.page', { channelId: w.channelId, limit: 50, withShared: true });
    expect(page.messages.map((m) => m.messageId)).toEqual(sent.slice(8));
    expect(page.shared?.items.map((i) => i.eventId)).toEqual([newPoll]);
    expect(page.shared?.truncated).toBe(false);
    // The view of the poll on the page with its result; not the older poll's.
    expect(page.shared?.polls.map((p) => [p.pollId, p.totalVoters, p.options[0]?.count])).toEqual([[newPoll, 1, 1]]);
    expect(page.reactions).toEqual([
      {
        messageId: sent[57],
        reactions: [{ reaction: '👍', mine: false, people: [{ userId: w.adminUserId, displayName: 'Anna Admin' }] }],
      },
    ]);
  });

  it('an older page brings its messages’ reactions and no shared things unless asked', async () => {
    const newest = await w.nurse.value('messages.page', { channelId: w.channelId, limit: 50 });
    expect(newest.shared).toBeNull();
    const older = await w.nurse.value('messages.page', {
      channelId: w.channelId,
      limit: 50,
      beforeSortKey: newest.messages[0]!.sortKey,
    });
    expect(older.messages.map((m) => m.messageId)).toEqual(sent.slice(0, 8));
    expect(older.reactions.map((r) => [r.messageId, r.reactions.map((x) => x.reaction)])).toEqual([[sent[0], ['👀']]]);
    // Asked for, the older page's range holds the older poll (before its first message: the
    // channel's start), not the newer one.
    const withShared = await w.nurse.value('messages.page', {
      channelId: w.channelId,
      limit: 50,
      beforeSortKey: newest.messages[0]!.sortKey,
      withShared: true,
    });
    expect(withShared.shared?.items.map((i) => i.eventId)).toEqual([oldPoll]);
    expect(withShared.shared?.polls.map((p) => p.pollId)).toEqual([oldPoll]);
  });

  it('polls.list names only the polls asked for', async () => {
    const polls = await w.nurse.value('polls.list', { channelId: w.channelId, pollIds: [oldPoll] });
    expect(polls.map((p) => p.pollId)).toEqual([oldPoll]);
    expect((await w.nurse.value('polls.list', { channelId: w.channelId })).map((p) => p.pollId)).toEqual([
      newPoll,
      oldPoll,
    ]);
  });

  it('pollIds never reach a poll of another channel, nor a channel the caller is not in', async () => {
    const { channelId: board } = await w.admin.value('channels.create', {
      kind: 'channel',
      name: 'Pflegeleitung',
      topic: '',
      memberUserIds: [],
    });
    const { pollId: secret } = await w.admin.value('polls.create', {
      channelId: board,
      question: 'Abmahnung Station 3B?',
      options: ['Ja', 'Nein'],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    // Present in the admin's store: the query below is the one that must filter it.
    expect((await w.admin.value('polls.list', { channelId: board, pollIds: [secret] })).map((p) => p.pollId)).toEqual([
      secret,
    ]);
    // The admin asks through the channel both are in: the other channel's poll is not named.
    expect(await w.admin.value('polls.list', { channelId: w.channelId, pollIds: [secret, newPoll] })).toEqual(
      await w.admin.value('polls.list', { channelId: w.channelId, pollIds: [newPoll] }),
    );
    // The nurse is no member of the board: refused, with no poll in the answer.
    const refused = await w.nurse.call('polls.list', { channelId: board, pollIds: [secret] });
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).not.toContain('Abmahnung');
  });
});
