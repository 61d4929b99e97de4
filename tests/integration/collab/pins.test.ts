// Pinned messages between two workstations through the core and the real relay: a pin shows on
// both; a member who did not pin cannot unpin (refused at once, and the pin stays on both), a
// channel admin can; a deleted message cannot be pinned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

describe('pinned messages through the core', () => {
  let w: TwoWorkstations;
  beforeAll(async () => {
    w = await twoWorkstations();
  }, 90_000);
  afterAll(async () => w?.close());

  const pinned = async (who: 'admin' | 'nurse') =>
    (await w[who].value('pins.list', { channelId: w.channelId })).map((p) => ({
      messageId: p.messageId,
      pinnedBy: p.pinnedBy.displayName,
    }));
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

  it("a member's pin shows on both workstations, with who pinned it", async () => {
    const messageId = await sendAndSee('Übergabe 7 Uhr: Zimmer 12 nüchtern');
    expect(await w.nurse.call('pins.add', { channelId: w.channelId, messageId })).toEqual({
      ok: true,
      value: { done: true },
    });
    expect(await pinned('nurse')).toEqual([{ messageId, pinnedBy: 'Bernd Pflege' }]);
    await eventually(async () => (await pinned('admin')).length === 1, 15_000, 'pin at admin');
    expect(await pinned('admin')).toEqual([{ messageId, pinnedBy: 'Bernd Pflege' }]);
    const [view] = await w.nurse.value('pins.list', { channelId: w.channelId });
    expect(view).toMatchObject({ body: 'Übergabe 7 Uhr: Zimmer 12 nüchtern', sender: { displayName: 'Anna Admin' } });
    // Pinned again: nothing changes.
    expect(await w.admin.call('pins.add', { channelId: w.channelId, messageId })).toMatchObject({ ok: true });
    expect(await pinned('admin')).toEqual([{ messageId, pinnedBy: 'Bernd Pflege' }]);
  });

  it("a member cannot unpin someone else's pin, on either workstation; a channel admin can", async () => {
    const messageId = await sendAndSee('Notfallnummer Technik: 4711');
    await w.admin.value('pins.add', { channelId: w.channelId, messageId });
    await eventually(
      async () => (await pinned('nurse')).some((p) => p.messageId === messageId),
      15_000,
      'admin pin at nurse',
    );
    const atNurse = (await w.nurse.value('pins.list', { channelId: w.channelId })).find(
      (p) => p.messageId === messageId,
    );
    expect(atNurse?.mayUnpin).toBe(false);
    expect(await w.nurse.call('pins.remove', { channelId: w.channelId, messageId })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    expect((await pinned('nurse')).some((p) => p.messageId === messageId)).toBe(true);
    expect((await pinned('admin')).some((p) => p.messageId === messageId)).toBe(true);

    // The nurse's own pin of the first test: the channel admin takes it off, on both.
    const [nursePin] = (await w.admin.value('pins.list', { channelId: w.channelId })).filter(
      (p) => p.pinnedBy.displayName === 'Bernd Pflege',
    );
    expect(nursePin?.mayUnpin).toBe(true);
    await w.admin.value('pins.remove', { channelId: w.channelId, messageId: nursePin!.messageId });
    await eventually(
      async () => !(await pinned('nurse')).some((p) => p.messageId === nursePin!.messageId),
      15_000,
      'unpin at nurse',
    );
    expect(await pinned('admin')).toEqual([{ messageId, pinnedBy: 'Anna Admin' }]);
  });

  it('a deleted message cannot be pinned, and a pinned one drops out of the list on both when deleted', async () => {
    const gone = await sendAndSee('Falsch gesendet');
    await w.admin.value('messages.delete', { channelId: w.channelId, messageId: gone });
    await eventually(
      async () =>
        (await w.nurse.value('messages.page', { channelId: w.channelId })).messages.find((m) => m.messageId === gone)
          ?.deleted === true,
      15_000,
      'delete at nurse',
    );
    expect(await w.nurse.call('pins.add', { channelId: w.channelId, messageId: gone })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const before = await pinned('admin');
    const [pin] = before;
    await w.admin.value('messages.delete', { channelId: w.channelId, messageId: pin!.messageId });
    expect(await pinned('admin')).toEqual([]);
    await eventually(async () => (await pinned('nurse')).length === 0, 15_000, 'pin gone at nurse');
  });

  it('a non-member gets not_found', async () => {
    expect(await w.nurse.call('pins.list', { channelId: 'chnNOTAMEMBER1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
