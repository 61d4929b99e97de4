// Quick reactions between two workstations through the core and the real relay: a reaction shows
// on both with who gave it, the sender's own at once; pressing it again takes it off on both; a
// deleted message takes none; a member removed from the channel can react no more (refused at once,
// and nothing reaches the other workstation), and a non-member gets not_found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

describe('quick reactions through the core', () => {
  let w: TwoWorkstations;
  beforeAll(async () => {
    w = await twoWorkstations();
  }, 90_000);
  afterAll(async () => w?.close());

  const reactionsAt = async (who: 'admin' | 'nurse', messageId: string) =>
    (
      (await w[who].value('reactions.list', { channelId: w.channelId })).find((m) => m.messageId === messageId)
        ?.reactions ?? []
    ).map((r) => `${r.reaction} ${r.people.map((p) => p.displayName).join(', ')}${r.mine ? ' (mine)' : ''}`);
  const sendAndSee = async (body: string) => {
    const { messageId } = await w.admin.value('messages.send', { channelId: w.channelId, body });
    await eventually(
      async () =>
        (await w.nurse.value('messages.page', { channelId: w.channelId })).messages.some(
          (m) => m.messageId === messageId,
        ),
      15_000,
      'message at nurse',
    );
    return messageId;
  };

  it('a reaction shows at once on the sender and then on the other workstation; again takes it off on both', async () => {
    const messageId = await sendAndSee('Bitte Zimmer 12 um 9 Uhr nüchtern lassen');
    const toggle = (who: 'admin' | 'nurse', reaction: '👍' | '✅' | '👀' | '🙏') =>
      w[who].value('reactions.toggle', { channelId: w.channelId, messageId, reaction });
    expect(await toggle('nurse', '👍')).toEqual({ given: true });
    // The sender's own reaction is there before the relay orders it.
    expect(await reactionsAt('nurse', messageId)).toEqual(['👍 Bernd Pflege (mine)']);
    await eventually(async () => (await reactionsAt('admin', messageId)).length === 1, 15_000, 'reaction at admin');
    expect(await reactionsAt('admin', messageId)).toEqual(['👍 Bernd Pflege']);

    expect(await toggle('admin', '👍')).toEqual({ given: true });
    expect(await toggle('admin', '✅')).toEqual({ given: true });
    await eventually(
      async () =>
        (await reactionsAt('nurse', messageId)).join('|') === '👍 Bernd Pflege, Anna Admin (mine)|✅ Anna Admin',
      15_000,
      'admin reactions at nurse',
    );

    expect(await toggle('nurse', '👍')).toEqual({ given: false });
    expect(await reactionsAt('nurse', messageId)).toEqual(['👍 Anna Admin', '✅ Anna Admin']);
    await eventually(
      async () => (await reactionsAt('admin', messageId)).join('|') === '👍 Anna Admin (mine)|✅ Anna Admin (mine)',
      15_000,
      'removal at admin',
    );
  });

  it('a value outside the fixed set is refused at the boundary; a deleted message takes none', async () => {
    const messageId = await sendAndSee('Falsch gesendet');
    expect(
      await w.nurse.call('reactions.toggle', { channelId: w.channelId, messageId, reaction: '😀' } as never),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    await w.admin.value('messages.delete', { channelId: w.channelId, messageId });
    await eventually(
      async () =>
        (await w.nurse.value('messages.page', { channelId: w.channelId })).messages.find(
          (m) => m.messageId === messageId,
        )?.deleted === true,
      15_000,
      'delete at nurse',
    );
    expect(await w.nurse.call('reactions.toggle', { channelId: w.channelId, messageId, reaction: '👀' })).toMatchObject(
      { ok: false, error: { code: 'not_found' } },
    );
  });

  it('a non-member gets not_found; a member removed from the channel can react no more', async () => {
    expect(await w.nurse.call('reactions.list', { channelId: 'chnNOTAMEMBER1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const messageId = await sendAndSee('Letzte Nachricht vor dem Umbau');
    await w.admin.value('channels.setMembers', { channelId: w.channelId, memberUserIds: [] });
    await eventually(
      async () => !(await w.nurse.call('reactions.list', { channelId: w.channelId })).ok,
      15_000,
      'nurse removed',
    );
    expect(await w.nurse.call('reactions.toggle', { channelId: w.channelId, messageId, reaction: '👍' })).toMatchObject(
      { ok: false, error: { code: 'not_found' } },
    );
    expect(await reactionsAt('admin', messageId)).toEqual([]);
  });
});
