// Review of issue 14, item 4: the chain's first key, kept while a share is owed, must not widen
// what a device may read. A device enrolled after a chain began reads it from its enrolment on
// (without history for new members), also while the first key is kept for someone else; the first
// key of a chain this device no longer sends with goes as soon as nobody is owed it or after
// RETAIN_OWED_MS, on reconnect too, and a key request never reaches past that.
import { beforeEach, describe, expect, it } from 'vitest';
import { RETAIN_OWED_MS } from '../../../apps/desktop/electron/core/crypto/sender-keys.ts';
import { eventId, newId, read, text, wardChannel, type TestDevice, type World } from './world.ts';

let world: World;
let anna: TestDevice;
let ben: TestDevice;
let cara: TestDevice;
let channelId: string;

beforeEach(async () => {
  ({ world, anna, ben, cara, channelId } = await wardChannel());
});

const seal = (from: TestDevice, body: string) => from.crypto.seal(channelId, 'message', eventId(), text(body)).envelope;
const keyRequest = (from: TestDevice, epoch = 1) =>
  from.crypto.requestKey({ channelId, epoch, senderDeviceId: anna.self.deviceId, generation: 0, index: 0 })!.envelope;

describe('a device enrolled after the chain began, while its first key is kept for someone else', () => {
  it('gets the chain from the next message on, not from the first (pending share)', () => {
    const shares = anna.crypto.rotate(channelId);
    // Cara's share is acknowledged, Ben's failed: the first key stays for him.
    anna.crypto.markShared(shares.filter((s) => s.recipientDeviceId === cara.self.deviceId));
    const before = seal(anna, 'vor dem neuen Gerät');
    const caraLaptop = world.addDevice(cara.self.userId);
    const late = anna.crypto.pendingShares(channelId).filter((s) => s.recipientDeviceId === caraLaptop.self.deviceId);
    expect(late).toHaveLength(1);
    world.deliver(late);
    expect(caraLaptop.crypto.open(channelId, before).ok).toBe(false);
    const after = seal(anna, 'nach dem neuen Gerät');
    const opened = caraLaptop.crypto.open(channelId, after);
    expect(opened.ok && read(opened.payload)).toBe('nach dem neuen Gerät');
    // Ben, owed from the start, still gets the first message.
    world.deliver(anna.crypto.pendingShares(channelId).filter((s) => s.recipientDeviceId === ben.self.deviceId));
    const benOpened = ben.crypto.open(channelId, before);
    expect(benOpened.ok && read(benOpened.payload)).toBe('vor dem neuen Gerät');
  });

  it('gets the chain from the next message on when it asks for the key', () => {
    const shares = anna.crypto.rotate(channelId);
    anna.crypto.markShared(shares.filter((s) => s.recipientDeviceId === cara.self.deviceId));
    const before = seal(anna, 'vor dem neuen Gerät');
    const caraLaptop = world.addDevice(cara.self.userId);
    const answer = anna.crypto.answerKeyRequest(keyRequest(caraLaptop));
    expect(answer.ok).toBe(true);
    if (answer.ok) world.deliver([answer.share]);
    expect(caraLaptop.crypto.open(channelId, before).ok).toBe(false);
  });

  it('keeps the index it was first offered from when that share is sent again', () => {
    const shares = anna.crypto.rotate(channelId);
    anna.crypto.markShared(shares.filter((s) => s.recipientDeviceId === cara.self.deviceId));
    seal(anna, 'eins');
    const caraLaptop = world.addDevice(cara.self.userId);
    anna.crypto.pendingShares(channelId); // the laptop's share (from index 1) fails
    const second = seal(anna, 'zwei');
    seal(anna, 'drei');
    const again = anna.crypto.pendingShares(channelId).filter((s) => s.recipientDeviceId === caraLaptop.self.deviceId);
    world.deliver(again);
    const opened = caraLaptop.crypto.open(channelId, second);
    expect(opened.ok && read(opened.payload)).toBe('zwei');
  });
});

describe('the first key of a chain this device no longer sends with', () => {
  const removeBen = () =>
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: cara.self.userId, role: 'member' },
      ],
      anna,
    );

  it('goes on reconnect (no further send) once the only device owed it was removed', () => {
    const shares = anna.crypto.rotate(channelId);
    anna.crypto.markShared(shares.filter((s) => s.recipientDeviceId === cara.self.deviceId));
    seal(anna, 'vor dem Entfernen');
    removeBen();
    expect(anna.crypto.pendingShares(channelId)).toEqual([]);
    expect(anna.keys.outbound(channelId)?.startKey).toBeUndefined();
  });

  it('is still offered on reconnect (no further send) to a member owed it after a roster change', () => {
    const shares = anna.crypto.rotate(channelId);
    anna.crypto.markShared(shares.filter((s) => s.recipientDeviceId === cara.self.deviceId));
    const old = seal(anna, 'vor dem Wechsel');
    const dora = world.addDevice(world.addUser('Dora Weiß'));
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
        { userId: cara.self.userId, role: 'member' },
        { userId: dora.self.userId, role: 'member' },
      ],
      anna,
    );
    const owed = anna.crypto.pendingShares(channelId);
    expect(owed.map((s) => [s.recipientDeviceId, s.chain.epoch])).toEqual([[ben.self.deviceId, 1]]);
    world.deliver(owed);
    const opened = ben.crypto.open(channelId, old);
    expect(opened.ok && read(opened.payload)).toBe('vor dem Wechsel');
    anna.crypto.markShared(owed);
    expect(anna.keys.outbound(channelId)?.startKey).toBeUndefined();
  });

  it('goes RETAIN_OWED_MS after the chain began, on reconnect, and a request is refused then', () => {
    anna.crypto.rotate(channelId);
    seal(anna, 'alt');
    world.now += RETAIN_OWED_MS;
    expect(anna.crypto.pendingShares(channelId)).toEqual([]);
    expect(anna.keys.outbound(channelId)?.startKey).toBeUndefined();
  });

  it('of a replaced chain is not given on request after RETAIN_OWED_MS, even before any sweep ran', () => {
    anna.crypto.rotate(channelId);
    seal(anna, 'alt');
    removeBen();
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
        { userId: cara.self.userId, role: 'member' },
      ],
      anna,
    );
    // Ben back at epoch 3; the epoch-1 chain replaced while Ben and Cara were owed (Cara still is).
    anna.crypto.markShared(anna.crypto.rotate(channelId));
    world.now += RETAIN_OWED_MS;
    expect(anna.crypto.answerKeyRequest(keyRequest(cara))).toEqual({ ok: false, reason: 'unknown_chain' });
  });

  it('of a replaced chain is given on request only to a device it was made for', () => {
    anna.crypto.rotate(channelId); // nobody acknowledged: the first key is kept
    seal(anna, 'alt');
    const caraLaptop = world.addDevice(cara.self.userId);
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
        { userId: cara.self.userId, role: 'member' },
        { userId: world.addUser('Dora Weiß'), role: 'member' },
      ],
      anna,
    );
    anna.crypto.markShared(anna.crypto.rotate(channelId));
    // The laptop enrolled after the epoch-1 chain's last use: it was never offered that chain.
    expect(anna.crypto.answerKeyRequest(keyRequest(caraLaptop))).toEqual({ ok: false, reason: 'unknown_chain' });
    expect(anna.crypto.answerKeyRequest(keyRequest(cara)).ok).toBe(true);
  });
});

describe('a key request for the chain this device last sent with, once it is stale', () => {
  it('gets no first key after RETAIN_OWED_MS, even before any sweep ran', () => {
    anna.crypto.rotate(channelId);
    const old = seal(anna, 'alt');
    world.now += RETAIN_OWED_MS;
    const answer = anna.crypto.answerKeyRequest(keyRequest(ben));
    if (answer.ok) world.deliver([answer.share]);
    expect(ben.crypto.open(channelId, old).ok).toBe(false);
    expect(anna.keys.outbound(channelId)?.startKey).toBeUndefined();
  });
});

describe('acknowledged shares of several channels at once (answers to key requests)', () => {
  it('count in every channel, not only the first one named', () => {
    const second = newId('chn');
    world.setRoster(
      second,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
      ],
      anna,
    );
    anna.crypto.markShared(anna.crypto.rotate(channelId));
    anna.crypto.rotate(second); // Ben's share of this one failed
    const asked = ben.crypto.requestKey({
      channelId: second,
      epoch: 1,
      senderDeviceId: anna.self.deviceId,
      generation: 0,
      index: 0,
    })!;
    const answer = anna.crypto.answerKeyRequest(asked.envelope);
    const first = anna.crypto.answerKeyRequest(keyRequest(ben));
    expect(answer.ok && first.ok).toBe(true);
    if (!answer.ok || !first.ok) return;
    anna.crypto.markShared([first.share, answer.share]);
    expect(anna.crypto.pendingShares(second)).toEqual([]);
    expect(anna.keys.outbound(second)?.startKey).toBeUndefined();
  });
});

describe('a key request from a member who was not one at the chain epoch', () => {
  it('is refused, for the chain last sent with and for a replaced one', () => {
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
      ],
      anna,
    );
    anna.crypto.rotate(channelId); // epoch 2, without Cara; nobody acknowledged, the first key is kept
    seal(anna, 'ohne Cara');
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
        { userId: cara.self.userId, role: 'member' },
      ],
      anna,
    );
    expect(anna.crypto.answerKeyRequest(keyRequest(cara, 2))).toEqual({ ok: false, reason: 'not_member' });
    anna.crypto.markShared(anna.crypto.rotate(channelId));
    expect(anna.crypto.answerKeyRequest(keyRequest(cara, 2))).toEqual({ ok: false, reason: 'not_member' });
    expect(anna.crypto.answerKeyRequest(keyRequest(ben, 2)).ok).toBe(true);
  });
});
