import { beforeEach, describe, expect, it } from 'vitest';
import { concatBytes, fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { encodeHeader, pad } from '@klinikfunk/protocol/wire/envelope-layout.ts';
import { sealDirect } from '../../../apps/desktop/electron/core/crypto/direct.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { takeSendingKey, type ChainState } from '../../../apps/desktop/electron/core/crypto/sender-keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';
import { chainState, eventId, newId, read, text, wardChannel, type TestDevice, World } from './world.ts';

let world: World;
let anna: TestDevice; // channel admin
let ben: TestDevice;
let cara: TestDevice;
let channelId: string;

beforeEach(async () => {
  ({ world, anna, ben, cara, channelId } = await wardChannel());
});

function send(from: TestDevice, body: string, id = eventId()) {
  if (from.crypto.needsNewChain(channelId)) world.deliver(from.crypto.rotate(channelId));
  return from.crypto.seal(channelId, 'message', id, text(body)).envelope;
}

describe('channel envelopes: round trip', () => {
  it('every member decrypts a message; the sender is authenticated', () => {
    const envelope = send(anna, 'Übergabe 3B: Zimmer 12 isoliert');
    for (const reader of [ben, cara]) {
      const opened = reader.crypto.open(channelId, envelope);
      expect(opened.ok).toBe(true);
      if (opened.ok) {
        expect(read(opened.payload)).toBe('Übergabe 3B: Zimmer 12 isoliert');
        expect(opened.senderUserId).toBe(anna.self.userId);
        expect(opened.header.senderDeviceId).toBe(anna.self.deviceId);
      }
    }
  });

  it('opening a page in one batch gives exactly the answers of opening one by one', async () => {
    const page = [send(anna, 'eins'), send(ben, 'zwei'), send(anna, 'drei')];
    const forged = page[1]!.slice();
    forged[forged.length - 1]! ^= 1;
    const batch = [page[0]!, forged, page[1]!, page[2]!, page[0]!];
    const batched = await cara.crypto.openBatch(channelId, batch);
    expect(batched.map((o) => (o.ok ? read(o.payload) : o.reason))).toEqual([
      'eins',
      'bad_signature',
      'zwei',
      'drei',
      'replay',
    ]);
  });

  it('a forged envelope cannot ride on a run authenticated by one signature', async () => {
    const run = [send(anna, 'r0'), send(anna, 'r1'), send(anna, 'r2'), send(anna, 'r3')];
    // Ben replaces r2 by a re-encrypted forgery under Anna's key; r3 still links to the real r2.
    const forged = run.slice();
    const copyChain = cara.keys.chainsOf(channelId).find((c) => c.senderDeviceId === anna.self.deviceId)!;
    const forger = { ...copyChain, chainKey: copyChain.chainKey.slice() as ChainState['chainKey'], skipped: new Map() };
    for (let i = 0; i < 2; i++) takeSendingKey(forger);
    forged[2] = forgeEnvelope(forger, ben, 'gefälscht');
    const outcomes = await cara.crypto.openBatch(channelId, forged);
    expect(outcomes.map((o) => (o.ok ? read(o.payload) : o.reason))).toEqual(['r0', 'r1', 'bad_signature', 'r3']);
  });

  it('pads payloads to size buckets so length leaks little', () => {
    const short = send(anna, 'ok');
    const longer = send(anna, 'x'.repeat(200));
    expect(short.length).toBe(longer.length);
    expect(send(anna, 'x'.repeat(300)).length).toBeGreaterThan(short.length);
  });

  it('rotates to a new chain after 100 messages, with new shares', () => {
    for (let i = 0; i < 100; i++) send(anna, `m${i}`);
    expect(anna.crypto.needsNewChain(channelId)).toBe(true);
    const shares = anna.crypto.rotate(channelId);
    expect(shares.map((s) => s.recipientDeviceId).sort()).toEqual([ben.self.deviceId, cara.self.deviceId].sort());
  });

  it('rotates after 7 days', () => {
    send(anna, 'first');
    world.now += 7 * 86_400_000;
    expect(anna.crypto.needsNewChain(channelId)).toBe(true);
  });
});

describe('history for new members', () => {
  it('a new member gets the earlier messages only when the channel allows it', () => {
    for (const history of [true, false]) {
      const channel = newId('chn');
      world.setRoster(
        channel,
        [
          { userId: anna.self.userId, role: 'admin' },
          { userId: ben.self.userId, role: 'member' },
        ],
        anna,
        history,
      );
      world.deliver(anna.crypto.rotate(channel));
      const old = anna.crypto.seal(channel, 'message', eventId(), text('vor Caras Beitritt')).envelope;
      world.setRoster(
        channel,
        [
          { userId: anna.self.userId, role: 'admin' },
          { userId: ben.self.userId, role: 'member' },
          { userId: cara.self.userId, role: 'member' },
        ],
        anna,
        history,
      );
      const shares = ben.crypto
        .shareHistory(channel, [cara.self.deviceId])
        .concat(anna.crypto.shareHistory(channel, [cara.self.deviceId]));
      expect(shares.length > 0).toBe(history);
      for (const share of shares) expect(cara.crypto.acceptKeyShare(share.envelope).ok).toBe(true);
      const outcome = cara.crypto.open(channel, old);
      expect(outcome.ok).toBe(history);
    }
  });
});

describe('channel envelopes: attacks (each asserts the reason and that no state advanced)', () => {
  it('replay in the same channel is refused', () => {
    const envelope = send(anna, 'hello');
    expect(ben.crypto.open(channelId, envelope).ok).toBe(true);
    const before = chainState(ben, channelId);
    expect(ben.crypto.open(channelId, envelope)).toEqual({ ok: false, reason: 'replay' });
    expect(chainState(ben, channelId)).toEqual(before);
  });

  it('replay into another channel is refused', () => {
    const other = newId('chn');
    world.setRoster(
      other,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
      ],
      anna,
    );
    const envelope = send(anna, 'for channel one');
    const before = chainState(ben, other);
    expect(ben.crypto.open(other, envelope)).toEqual({ ok: false, reason: 'wrong_channel' });
    expect(chainState(ben, other)).toEqual(before);
    // and it still opens where it belongs: the failed attempt changed nothing
    expect(ben.crypto.open(channelId, envelope).ok).toBe(true);
  });

  it('reordered delivery inside the window decrypts, and a failed attempt changes nothing', () => {
    const envelopes = [send(anna, 'a'), send(anna, 'b'), send(anna, 'c')];
    const broken = envelopes[2]!.slice();
    broken[broken.length - 100]! ^= 1; // ciphertext bit flip: signature fails
    const before = chainState(ben, channelId);
    expect(ben.crypto.open(channelId, broken)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(chainState(ben, channelId)).toEqual(before);
    expect([2, 0, 1].map((i) => ben.crypto.open(channelId, envelopes[i]!).ok)).toEqual([true, true, true]);
  });

  it('forged sender: a member holding the sender key cannot pass as that sender', () => {
    send(anna, 'warm-up'); // Ben now holds Anna's chain key
    const annasChain = ben.keys.chainsOf(channelId).find((c) => c.senderDeviceId === anna.self.deviceId)!;
    const forged = forgeEnvelope(annasChain, ben, 'Bitte Medikation sofort absetzen');
    const before = chainState(cara, channelId);
    expect(cara.crypto.open(channelId, forged)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(chainState(cara, channelId)).toEqual(before);
    // Cara's state did not move: Anna's next genuine message still opens.
    expect(cara.crypto.open(channelId, send(anna, 'genuine')).ok).toBe(true);
  });

  it('sender field not matching the signer is refused', () => {
    const bens = send(ben, 'from ben');
    // Rewrite the sender device id in the header to Anna's (same length ids): signature breaks.
    const tampered = bens.slice();
    const from = new TextEncoder().encode(ben.self.deviceId);
    const to = new TextEncoder().encode(anna.self.deviceId);
    const at = indexOf(tampered, from);
    tampered.set(to, at);
    const before = chainState(cara, channelId);
    expect(cara.crypto.open(channelId, tampered)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(chainState(cara, channelId)).toEqual(before);
    // The genuine envelope still opens, attributed to Ben.
    expect(cara.crypto.open(channelId, bens)).toMatchObject({ ok: true, senderUserId: ben.self.userId });
  });

  it('after a member device is revoked, the next send starts a new chain that the revoked device does not get', () => {
    send(anna, 'before');
    expect(anna.crypto.needsNewChain(channelId)).toBe(false);
    world.publish(
      world.orgSign('revocation', {
        orgId: world.orgId,
        target: { kind: 'device', deviceId: cara.self.deviceId },
        reason: 'lost',
        revokedAt: world.now,
      }),
    );
    expect(anna.crypto.needsNewChain(channelId)).toBe(true);
    const shares = anna.crypto.rotate(channelId);
    expect(shares.map((s) => s.recipientDeviceId)).toEqual([ben.self.deviceId]);
  });

  it('a modified epoch (replay into another epoch) breaks the signature', () => {
    const envelope = send(anna, 'epoch 1');
    const tampered = envelope.slice();
    // epoch follows org id and the channel id string in the header
    const epochOffset = 2 + 2 + 32 + 1 + channelId.length;
    tampered[epochOffset + 3] = 2;
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
        { userId: cara.self.userId, role: 'member' },
      ],
      anna,
    );
    const before = chainState(ben, channelId);
    expect(ben.crypto.open(channelId, tampered)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(chainState(ben, channelId)).toEqual(before);
    expect(ben.crypto.open(channelId, envelope).ok).toBe(true);
  });

  it('random corruption of a valid envelope is refused with a reason, never throws, and changes nothing', async () => {
    const fc = (await import('fast-check')).default;
    const genuine = send(anna, 'Laborwerte folgen');
    const before = chainState(ben, channelId);
    fc.assert(
      fc.property(
        fc.nat(genuine.length - 1),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(genuine.length - 1),
        (at, xor, cut) => {
          const flipped = genuine.slice();
          flipped[at]! ^= xor;
          const truncated = genuine.slice(0, cut);
          for (const bad of [flipped, truncated, new Uint8Array([...genuine, 0])]) {
            const outcome = ben.crypto.open(channelId, bad);
            expect(outcome.ok).toBe(false);
          }
          expect(chainState(ben, channelId)).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
    expect(ben.crypto.open(channelId, genuine).ok).toBe(true);
  });

  it('reports gaps: indices skipped in a chain', () => {
    const envelopes = [send(anna, 'a'), send(anna, 'b'), send(anna, 'c')];
    ben.crypto.open(channelId, envelopes[2]!);
    expect(ben.crypto.gaps(channelId)).toEqual([
      { senderDeviceId: anna.self.deviceId, epoch: 1, generation: 0, missing: [0, 1] },
    ]);
  });

  it('a revoked device is refused', () => {
    const envelope = send(ben, 'before revocation');
    world.publish(
      world.orgSign('revocation', {
        orgId: world.orgId,
        target: { kind: 'device', deviceId: ben.self.deviceId },
        reason: 'lost',
        revokedAt: world.now,
      }),
    );
    const before = chainState(cara, channelId);
    expect(cara.crypto.open(channelId, envelope)).toEqual({ ok: false, reason: 'revoked' });
    expect(chainState(cara, channelId)).toEqual(before);
  });

  it('a removed member holding all old keys decrypts nothing of the next epoch, even if it missed the roster record', () => {
    send(anna, 'epoch 1');
    world.deliver(anna.crypto.rotate(channelId));
    // Cara is removed. Her directory never hears of it (she missed the roster record).
    const caraDevice = world.devices.indexOf(cara);
    world.devices.splice(caraDevice, 1);
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
      ],
      anna,
    );
    expect(anna.crypto.needsNewChain(channelId)).toBe(true);
    const shares = anna.crypto.rotate(channelId);
    expect(shares.map((s) => s.recipientDeviceId)).toEqual([ben.self.deviceId]);
    world.deliver(shares);
    const secret = anna.crypto.seal(channelId, 'message', eventId(), text('after removal')).envelope;
    expect(ben.crypto.open(channelId, secret).ok).toBe(true);
    const outcome = cara.crypto.open(channelId, secret);
    expect(outcome.ok).toBe(false);
    expect(['future_epoch', 'missing_key']).toContain(outcome.ok ? '' : outcome.reason);
    // With the roster record she still has no key for the new epoch.
    cara.directory.ingest(world.log.at(-1));
    expect(cara.crypto.open(channelId, secret)).toMatchObject({ ok: false, reason: 'missing_key' });
  });

  it('a non-member cannot send into the channel', () => {
    const daveId = world.addUser('Dave');
    const dave = world.addDevice(daveId);
    expect(() => dave.crypto.rotate(channelId)).toThrow(/not a member/);
  });

  it('an older epoch after a newer one from the same sender is refused (epoch rollback)', () => {
    world.deliver(anna.crypto.rotate(channelId));
    const oldEpoch = anna.crypto.seal(channelId, 'message', eventId(), text('old epoch, held back')).envelope;
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
        { userId: cara.self.userId, role: 'member' },
      ],
      anna,
    );
    world.deliver(anna.crypto.rotate(channelId));
    const newEpoch = anna.crypto.seal(channelId, 'message', eventId(), text('new epoch')).envelope;
    expect(ben.crypto.open(channelId, newEpoch).ok).toBe(true);
    const before = chainState(ben, channelId);
    expect(ben.crypto.open(channelId, oldEpoch)).toEqual({ ok: false, reason: 'epoch_rollback' });
    expect(chainState(ben, channelId)).toEqual(before);
  });

  it('cross-org injection is refused', async () => {
    const otherWorld = await World.create();
    const mallory = otherWorld.addDevice(otherWorld.addUser('Mallory', 'admin'));
    otherWorld.setRoster(channelId, [{ userId: mallory.self.userId, role: 'admin' }], mallory);
    otherWorld.deliver(mallory.crypto.rotate(channelId));
    const foreign = mallory.crypto.seal(channelId, 'message', eventId(), text('foreign')).envelope;
    const before = chainState(ben, channelId);
    expect(ben.crypto.open(channelId, foreign)).toEqual({ ok: false, reason: 'wrong_org' });
    expect(chainState(ben, channelId)).toEqual(before);
  });

  it('an unknown or older envelope version is refused (no downgrade)', () => {
    const envelope = send(anna, 'versioned');
    const before = chainState(ben, channelId);
    for (const version of [0, 2, 255]) {
      const changed = envelope.slice();
      changed[2] = version;
      expect(ben.crypto.open(channelId, changed)).toEqual({ ok: false, reason: 'unsupported_version' });
    }
    expect(chainState(ben, channelId)).toEqual(before);
    expect(ben.crypto.open(channelId, envelope).ok).toBe(true);
  });

  it('a message whose chain key has not arrived is reported as missing_key, and opens once it does', () => {
    const shares = anna.crypto.rotate(channelId);
    const envelope = anna.crypto.seal(channelId, 'message', eventId(), text('early')).envelope;
    expect(ben.crypto.open(channelId, envelope)).toMatchObject({ ok: false, reason: 'missing_key' });
    world.deliver(shares);
    expect(ben.crypto.open(channelId, envelope).ok).toBe(true);
  });

  it('a key share from a device outside the channel is refused', () => {
    const dave = world.addDevice(world.addUser('Dave'));
    const share = sealDirect(
      {
        orgIdRaw: fromBase64Url(world.orgId)!,
        senderDeviceId: dave.self.deviceId,
        recipientDeviceId: ben.self.deviceId,
        contentType: 'key-share',
        sentAt: world.now,
      },
      text(
        JSON.stringify({
          channelId,
          epoch: 1,
          senderDeviceId: dave.self.deviceId,
          generation: 0,
          startIndex: 0,
          chainKey: toBase64Url(new Uint8Array(32).fill(1)),
        }),
      ),
      { signingKey: dave.self.signingKey, boxKey: dave.self.boxKey },
      ben.directory.devices.get(ben.self.deviceId)!.boxPublicKey,
    );
    expect(ben.crypto.acceptKeyShare(share)).toEqual({ ok: false, reason: 'not_member' });
    expect(ben.keys.chainsOf(channelId).some((c) => c.senderDeviceId === dave.self.deviceId)).toBe(false);
  });

  it('a key share addressed to another device is refused', () => {
    const shares = anna.crypto.rotate(channelId);
    const forBen = shares.find((s) => s.recipientDeviceId === ben.self.deviceId)!;
    expect(cara.crypto.acceptKeyShare(forBen.envelope)).toEqual({ ok: false, reason: 'not_for_me' });
  });
});

/** Builds a correctly encrypted envelope under someone else's chain, signed by the forger. */
function forgeEnvelope(chain: ChainState, forger: TestDevice, body: string): Uint8Array {
  const copy = {
    ...chain,
    chainKey: chain.chainKey.slice() as ChainState['chainKey'],
    skipped: new Map(chain.skipped),
  };
  const { index, key } = takeSendingKey(copy);
  const headerBytes = encodeHeader({
    version: 1,
    kind: 1,
    orgIdRaw: fromBase64Url(world.orgId)!,
    channelId,
    epoch: chain.epoch,
    senderDeviceId: chain.senderDeviceId,
    generation: chain.generation,
    index,
    contentType: 'message',
    clientEventId: eventId(),
    prevHash: new Uint8Array(32),
  });
  const s = sodium();
  const nonce = s.randombytes_buf(24);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(pad(text(body)), headerBytes, null, nonce, key);
  const unsigned = concatBytes(
    new Uint8Array([headerBytes.length >> 8, headerBytes.length & 0xff]),
    headerBytes,
    nonce,
    ciphertext,
  );
  const signature = signDetached(concatBytes(text('klinikfunk/v1/envelope'), unsigned), forger.self.signingKey);
  return concatBytes(unsigned, signature);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('needle not found');
}
