// Issue 14, item 4: a member counts as having a chain key only once the relay acknowledged its
// share; until then the share is offered again, from the chain's first message. A member that
// holds an envelope it cannot open asks the sender's device, which answers only a current member.
import { beforeEach, describe, expect, it } from 'vitest';
import { fromBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import { KEY_REQUEST_TYPE } from '../../../apps/desktop/electron/core/crypto/channel-crypto.ts';
import { sealDirect } from '../../../apps/desktop/electron/core/crypto/direct.ts';
import { RETAIN_OWED_MS } from '../../../apps/desktop/electron/core/crypto/sender-keys.ts';
import { eventId, read, text, wardChannel, type TestDevice, type World } from './world.ts';

let world: World;
let anna: TestDevice;
let ben: TestDevice;
let cara: TestDevice;
let channelId: string;

beforeEach(async () => {
  ({ world, anna, ben, cara, channelId } = await wardChannel({ caraInChannel: false }));
});

const seal = (from: TestDevice, body: string) => from.crypto.seal(channelId, 'message', eventId(), text(body)).envelope;

describe('a share counts only once the relay acknowledged it', () => {
  it('a share that was never acknowledged is offered again from the first message, until it is', () => {
    const [lost] = anna.crypto.rotate(channelId);
    expect(lost?.recipientDeviceId).toBe(ben.self.deviceId);
    const first = seal(anna, 'erste');
    const second = seal(anna, 'zweite');
    // The mail failed (mailbox full): the next send finds Ben still owed, from index 0.
    const again = anna.crypto.pendingShares(channelId);
    expect(again.map((s) => s.recipientDeviceId)).toEqual([ben.self.deviceId]);
    world.deliver(again);
    for (const [envelope, body] of [
      [first, 'erste'],
      [second, 'zweite'],
    ] as const) {
      const opened = ben.crypto.open(channelId, envelope);
      expect(opened.ok && read(opened.payload)).toBe(body);
    }
    // Still not acknowledged: offered again. Acknowledged: nothing owed, the start key is gone.
    expect(anna.crypto.pendingShares(channelId)).toHaveLength(1);
    anna.crypto.markShared(again);
    expect(anna.crypto.pendingShares(channelId)).toEqual([]);
    expect(anna.keys.outbound(channelId)?.startKey).toBeUndefined();
  });

  it('a device that joins the chain later gets it from the current message on (no start key kept)', () => {
    const shares = anna.crypto.rotate(channelId);
    anna.crypto.markShared(shares);
    seal(anna, 'vorher');
    const benSecond = world.addDevice(ben.self.userId);
    const [late] = anna.crypto.pendingShares(channelId);
    expect(late?.recipientDeviceId).toBe(benSecond.self.deviceId);
    world.deliver([late!]);
    expect(benSecond.keys.chainsOf(channelId)[0]?.nextIndex).toBe(1);
  });

  it('a revoked device that was offered a share (even unacknowledged) forces a new chain', () => {
    anna.crypto.rotate(channelId);
    expect(anna.crypto.needsNewChain(channelId)).toBe(false);
    world.publish(
      world.orgSign('revocation', {
        orgId: world.orgId,
        target: { kind: 'device', deviceId: ben.self.deviceId },
        reason: 'lost',
        revokedAt: world.now,
      }),
    );
    expect(anna.crypto.needsNewChain(channelId)).toBe(true);
  });
});

describe('a chain replaced while a share of it was still owed', () => {
  it('is still offered from its start after a roster change, until acknowledged, then its start key goes', () => {
    anna.crypto.rotate(channelId); // Ben's share is lost
    const old = seal(anna, 'vor dem Wechsel');
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
        { userId: cara.self.userId, role: 'member' },
      ],
      anna,
    );
    expect(anna.crypto.needsNewChain(channelId)).toBe(true);
    const fresh = anna.crypto.rotate(channelId);
    anna.crypto.markShared(fresh);
    // The new chain is everyone's; the old one is still owed to Ben (not to Cara: not hers).
    const owed = anna.crypto.pendingShares(channelId);
    expect(owed.map((s) => [s.recipientDeviceId, s.chain.epoch])).toEqual([[ben.self.deviceId, 1]]);
    world.deliver(owed);
    const opened = ben.crypto.open(channelId, old);
    expect(opened.ok && read(opened.payload)).toBe('vor dem Wechsel');
    anna.crypto.markShared(owed);
    expect(anna.crypto.pendingShares(channelId)).toEqual([]);
    expect(anna.keys.chainsOf(channelId).some((c) => c.startKey)).toBe(false);
  });

  it('is answered on request, and never to someone removed since', () => {
    anna.crypto.rotate(channelId);
    const old = seal(anna, 'alt');
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
      ],
      anna,
    );
    anna.crypto.markShared(anna.crypto.rotate(channelId));
    const ask = ben.crypto.requestKey({
      channelId,
      epoch: 1,
      senderDeviceId: anna.self.deviceId,
      generation: 0,
      index: 0,
    })!;
    const answer = anna.crypto.answerKeyRequest(ask.envelope);
    expect(answer.ok).toBe(true);
    if (answer.ok) world.deliver([answer.share]);
    const opened = ben.crypto.open(channelId, old);
    expect(opened.ok && read(opened.payload)).toBe('alt');
    // Ben leaves: the old chain is no longer offered to him, nor answered.
    world.setRoster(channelId, [{ userId: anna.self.userId, role: 'admin' }], anna);
    expect(anna.crypto.pendingShares(channelId)).toEqual([]);
    expect(anna.crypto.answerKeyRequest(ask.envelope)).toEqual({ ok: false, reason: 'not_member' });
  });

  it('is dropped after RETAIN_OWED_MS: a request for it is then refused', () => {
    anna.crypto.rotate(channelId);
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
      ],
      anna,
    );
    anna.crypto.markShared(anna.crypto.rotate(channelId));
    world.now += RETAIN_OWED_MS;
    expect(anna.crypto.pendingShares(channelId)).toEqual([]);
    const ask = ben.crypto.requestKey({
      channelId,
      epoch: 1,
      senderDeviceId: anna.self.deviceId,
      generation: 0,
      index: 0,
    })!;
    expect(anna.crypto.answerKeyRequest(ask.envelope)).toEqual({ ok: false, reason: 'unknown_chain' });
  });
});

describe('key requests', () => {
  const request = (from: TestDevice) =>
    from.crypto.requestKey({ channelId, epoch: 1, senderDeviceId: anna.self.deviceId, generation: 0, index: 0 })!;

  it('a member asks the sender device and opens the envelope with the answer', () => {
    anna.crypto.rotate(channelId);
    const envelope = seal(anna, 'Zimmer 12 isoliert');
    expect(ben.crypto.open(channelId, envelope)).toMatchObject({ ok: false, reason: 'missing_key' });
    const answer = anna.crypto.answerKeyRequest(request(ben).envelope);
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    world.deliver([answer.share]);
    const opened = ben.crypto.open(channelId, envelope);
    expect(opened.ok && read(opened.payload)).toBe('Zimmer 12 isoliert');
  });

  it('is refused for a device whose user is not a member of the channel now', () => {
    anna.crypto.rotate(channelId);
    expect(anna.crypto.answerKeyRequest(request(cara).envelope)).toEqual({ ok: false, reason: 'not_member' });
    // Ben removed: a member at the chain's epoch, but not any more.
    world.setRoster(channelId, [{ userId: anna.self.userId, role: 'admin' }], anna);
    expect(anna.crypto.answerKeyRequest(request(ben).envelope)).toEqual({ ok: false, reason: 'not_member' });
  });

  it('is refused when the signature is forged or the request names someone else', () => {
    anna.crypto.rotate(channelId);
    const forged = request(ben).envelope.slice();
    forged[forged.length - 1]! ^= 1;
    expect(anna.crypto.answerKeyRequest(forged)).toEqual({ ok: false, reason: 'bad_signature' });
    // Cara signs a request that claims to come from Ben's device: checked against Ben's key, refused.
    const claimed = sealDirect(
      {
        orgIdRaw: fromBase64Url(world.orgId)!,
        senderDeviceId: ben.self.deviceId,
        recipientDeviceId: anna.self.deviceId,
        contentType: KEY_REQUEST_TYPE,
        sentAt: world.now,
      },
      utf8.encode(JSON.stringify({ channelId, epoch: 1, senderDeviceId: anna.self.deviceId, generation: 0, index: 0 })),
      { signingKey: cara.self.signingKey, boxKey: cara.self.boxKey },
      fromBase64Url(anna.record.body.boxPublicKey)!,
    );
    expect(anna.crypto.answerKeyRequest(claimed)).toEqual({ ok: false, reason: 'bad_signature' });
    // A share is not a request, and a request is not a share.
    expect(anna.crypto.answerKeyRequest(anna.crypto.pendingShares(channelId)[0]!.envelope)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(anna.crypto.acceptKeyShare(request(ben).envelope)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('is refused for a chain the device does not hold, and for a malformed payload', () => {
    anna.crypto.rotate(channelId);
    const other = ben.crypto.requestKey({
      channelId,
      epoch: 1,
      senderDeviceId: anna.self.deviceId,
      generation: 7,
      index: 0,
    })!;
    expect(anna.crypto.answerKeyRequest(other.envelope)).toEqual({ ok: false, reason: 'unknown_chain' });
    const bad = sealDirect(
      {
        orgIdRaw: fromBase64Url(world.orgId)!,
        senderDeviceId: ben.self.deviceId,
        recipientDeviceId: anna.self.deviceId,
        contentType: KEY_REQUEST_TYPE,
        sentAt: world.now,
      },
      utf8.encode(
        JSON.stringify({
          channelId,
          epoch: -1,
          senderDeviceId: anna.self.deviceId,
          generation: 0,
          index: 0,
          extra: true,
        }),
      ),
      { signingKey: ben.self.signingKey, boxKey: ben.self.boxKey },
      fromBase64Url(anna.record.body.boxPublicKey)!,
    );
    expect(anna.crypto.answerKeyRequest(bad)).toEqual({ ok: false, reason: 'malformed' });
  });
});
