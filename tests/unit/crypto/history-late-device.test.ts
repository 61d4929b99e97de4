// History for new members, with the shares arriving as they do in practice: a device enrolled after
// the chain began gets the sender's current chain (pendingShares) and the history (shareHistory) in
// either order, and the envelopes kept for their key open after newer ones.
import { beforeEach, describe, expect, it } from 'vitest';
import { eventId, newId, read, text, World, type TestDevice } from './world.ts';

let world: World;
let anna: TestDevice;
let ben: TestDevice;
let doraId: string;
let channelId: string;

beforeEach(async () => {
  world = await World.create();
  const annaId = world.addUser('Anna Berger', 'admin');
  const benId = world.addUser('Ben Öztürk');
  doraId = world.addUser('Dora Neu');
  anna = world.addDevice(annaId);
  ben = world.addDevice(benId);
  channelId = newId('chn');
});

const roster = (history: boolean) =>
  world.setRoster(
    channelId,
    [
      { userId: anna.self.userId, role: 'admin' },
      { userId: ben.self.userId, role: 'member' },
      { userId: doraId, role: 'member' },
    ],
    anna,
    history,
  );

/** Anna's chain of the current epoch, shared with every device there is and acknowledged. */
function startChain(): void {
  const shares = anna.crypto.rotate(channelId);
  world.deliver(shares);
  anna.crypto.markShared(shares);
}

describe('a device enrolled after the chain began', () => {
  it('with history on: the current-chain share starts at index 0, so the history share is not refused as going backwards', () => {
    roster(true);
    startChain();
    const before = [0, 1].map(
      (i) => anna.crypto.seal(channelId, 'message', eventId(), text(`vor Doras Gerät ${i}`)).envelope,
    );
    const dora = world.addDevice(doraId);
    for (const share of anna.crypto.pendingShares(channelId))
      expect(dora.crypto.acceptKeyShare(share.envelope).ok).toBe(true);
    for (const share of anna.crypto.shareHistory(channelId, [dora.self.deviceId]))
      expect(dora.crypto.acceptKeyShare(share.envelope).ok).toBe(true);
    for (const [i, envelope] of before.entries()) {
      const opened = dora.crypto.open(channelId, envelope);
      expect(opened.ok && read(opened.payload)).toBe(`vor Doras Gerät ${i}`);
    }
  });

  it('with history off: the late device gets the chain from where it is, never the messages before', () => {
    roster(false);
    startChain();
    const before = anna.crypto.seal(channelId, 'message', eventId(), text('vor Doras Gerät')).envelope;
    const dora = world.addDevice(doraId);
    for (const share of anna.crypto.pendingShares(channelId))
      expect(dora.crypto.acceptKeyShare(share.envelope).ok).toBe(true);
    expect(anna.crypto.shareHistory(channelId, [dora.self.deviceId])).toEqual([]);
    expect(dora.crypto.open(channelId, before)).toMatchObject({ ok: false, reason: 'replay' });
    const after = anna.crypto.seal(channelId, 'message', eventId(), text('nach Doras Gerät')).envelope;
    expect(dora.crypto.open(channelId, after).ok).toBe(true);
  });
});

describe('epoch rollback is judged in relay order', () => {
  function twoEpochs(): { old: Uint8Array; newer: Uint8Array } {
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
      ],
      anna,
      true,
    );
    world.deliver(anna.crypto.rotate(channelId));
    const old = anna.crypto.seal(channelId, 'message', eventId(), text('Epoche 1')).envelope;
    roster(true);
    world.deliver(anna.crypto.rotate(channelId));
    const newer = anna.crypto.seal(channelId, 'message', eventId(), text('Epoche 2')).envelope;
    return { old, newer };
  }

  it('an older epoch earlier in the log (kept for its key) opens after a newer one', () => {
    const { old, newer } = twoEpochs();
    expect(ben.crypto.open(channelId, newer, 20).ok).toBe(true);
    expect(ben.crypto.open(channelId, old, 10).ok).toBe(true);
  });

  it('an older epoch later in the log, or without a seq, is still a rollback', () => {
    const { old, newer } = twoEpochs();
    expect(ben.crypto.open(channelId, newer, 20).ok).toBe(true);
    expect(ben.crypto.open(channelId, old, 21)).toEqual({ ok: false, reason: 'epoch_rollback' });
    expect(ben.crypto.open(channelId, old)).toEqual({ ok: false, reason: 'epoch_rollback' });
  });

  it('in a batch, the seqs decide the same way', async () => {
    const { old, newer } = twoEpochs();
    const [first, second] = await ben.crypto.openBatch(channelId, [newer, old], [20, 10]);
    expect(first?.ok).toBe(true);
    expect(second?.ok).toBe(true);
  });
});

describe('a member removed from a channel with history (shares from index 0 must not reach them)', () => {
  it('gets no share of the chains after the removal, by re-share, history share or key request, and reads nothing sent after', () => {
    roster(true);
    const dora = world.addDevice(doraId);
    startChain();
    const before = anna.crypto.seal(channelId, 'message', eventId(), text('vor der Entfernung')).envelope;
    expect(dora.crypto.open(channelId, before).ok).toBe(true);
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
      ],
      anna,
      true,
    );
    const shares = anna.crypto.rotate(channelId);
    expect(shares.map((s) => s.recipientDeviceId)).toEqual([ben.self.deviceId]);
    world.deliver(shares);
    const after = anna.crypto.seal(channelId, 'message', eventId(), text('nach der Entfernung')).envelope;
    // Ben's share is not acknowledged yet, so the chain's first key is kept and offered again: to Ben only.
    expect(anna.crypto.pendingShares(channelId).map((s) => s.recipientDeviceId)).toEqual([ben.self.deviceId]);
    const ask = dora.crypto.requestKey({
      channelId,
      epoch: 2,
      senderDeviceId: anna.self.deviceId,
      generation: 0,
      index: 0,
    })!;
    expect(anna.crypto.answerKeyRequest(ask.envelope)).toEqual({ ok: false, reason: 'not_member' });
    // Once acknowledged, the first key kept for history (not the start key) is what a share would carry.
    anna.crypto.markShared(shares);
    expect(anna.crypto.pendingShares(channelId)).toEqual([]);
    expect(anna.crypto.answerKeyRequest(ask.envelope)).toEqual({ ok: false, reason: 'not_member' });
    expect(dora.crypto.open(channelId, after)).toMatchObject({ ok: false, reason: 'missing_key' });
    const opened = ben.crypto.open(channelId, after, 5);
    expect(opened.ok && read(opened.payload)).toBe('nach der Entfernung');
  });
});
