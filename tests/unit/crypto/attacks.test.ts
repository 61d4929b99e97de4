// The attacks of the crypto issue that channel.test.ts and records.test.ts do not reach: envelopes
// a real member signs correctly but builds wrongly, indices beyond the window in both directions,
// replays across epochs and event ids, expired certificates, roster rollback, direct envelopes and
// secretstream edge cases. Each test asserts the typed reason and that no state advanced.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { concatBytes, fromBase64Url, toBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import {
  encodeHeader,
  ENVELOPE_SIGNATURE_CONTEXT,
  MAX_ENVELOPE_BYTES,
  pad,
  PAYLOAD_BUCKETS,
} from '@klinikfunk/protocol/wire/envelope-layout.ts';
import type { RecordBody } from '@klinikfunk/protocol/wire/records.ts';
import { openDirect, peekDirect, sealDirect } from '../../../apps/desktop/electron/core/crypto/direct.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import {
  createDecryptStream,
  createEncryptStream,
  FILE_CHUNK_BYTES,
  FILE_CHUNK_OVERHEAD,
  FILE_HEADER_BYTES,
  generateFileKey,
  type FileCryptoError,
} from '../../../apps/desktop/electron/core/crypto/file-crypto.ts';
import { generateOrgKeys, wipe, type ChainKey } from '@klinikfunk/crypto/keys.ts';
import { recordHash, signRecord } from '@klinikfunk/crypto/records.ts';
import {
  MAX_SKIP,
  MAX_STORED_SKIPPED,
  takeSendingKey,
  type ChainState,
} from '../../../apps/desktop/electron/core/crypto/sender-keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';
import { chainState, eventId, newId, read, text, World, type TestDevice } from './world.ts';

let world: World;
let anna: TestDevice; // channel admin and the sender under attack
let ben: TestDevice; // the receiver
let channelId: string;
/** Anna's sending chain as it was right after `rotate`: lets a test build her envelope for any index. */
let annaStart: ChainState;

beforeEach(async () => {
  world = await World.create();
  anna = world.addDevice(world.addUser('Anna Berger', 'admin'));
  ben = world.addDevice(world.addUser('Ben Öztürk'));
  channelId = newId('chn');
  world.setRoster(
    channelId,
    [
      { userId: anna.self.userId, role: 'admin' },
      { userId: ben.self.userId, role: 'member' },
    ],
    anna,
  );
  world.deliver(anna.crypto.rotate(channelId));
  annaStart = copyChain(anna.keys.outbound(channelId)!);
});

function copyChain(chain: ChainState): ChainState {
  return { ...chain, chainKey: chain.chainKey.slice() as ChainKey, skipped: new Map() };
}

interface Craft {
  index?: number;
  body?: string;
  clientEventId?: Uint8Array;
  /** Padded plaintext to encrypt instead of pad(body). */
  padded?: Uint8Array;
  /** Replaces the AEAD ciphertext entirely. */
  ciphertext?: Uint8Array;
  /** Rewrites the encoded header (before encryption and signing). */
  header?: (header: Uint8Array) => Uint8Array;
  /** Overrides the u16 header length field. */
  headerLength?: number;
}

/**
 * An envelope in Anna's chain, encrypted with her real message key for `index` and signed with her
 * real device key: what a malicious (or buggy) member can send. Only the parts named in `craft` differ
 * from what `seal` would produce.
 */
function annaEnvelope(craft: Craft = {}): Uint8Array {
  const chain = copyChain(annaStart);
  const index = craft.index ?? 0;
  while (chain.nextIndex < index) wipe(takeSendingKey(chain).key);
  const { key } = takeSendingKey(chain);
  let header = encodeHeader({
    version: 1,
    kind: 1,
    orgIdRaw: fromBase64Url(world.orgId)!,
    channelId,
    epoch: chain.epoch,
    senderDeviceId: anna.self.deviceId,
    generation: chain.generation,
    index,
    contentType: 'message',
    clientEventId: craft.clientEventId ?? eventId(),
    prevHash: new Uint8Array(32),
  });
  if (craft.header) header = craft.header(header);
  const s = sodium();
  const nonce = s.randombytes_buf(24);
  const ciphertext =
    craft.ciphertext ??
    s.crypto_aead_xchacha20poly1305_ietf_encrypt(
      craft.padded ?? pad(text(craft.body ?? 'x')),
      header,
      null,
      nonce,
      key,
    );
  wipe(key);
  const length = craft.headerLength ?? header.length;
  const unsigned = concatBytes(new Uint8Array([length >> 8, length & 0xff]), header, nonce, ciphertext);
  return concatBytes(
    unsigned,
    signDetached(concatBytes(utf8.encode(ENVELOPE_SIGNATURE_CONTEXT), unsigned), anna.self.signingKey),
  );
}

/** Opens `envelope` at Ben and checks the reason and that Ben's chains did not move. */
function expectRefused(envelope: Uint8Array, reason: string): void {
  const before = chainState(ben, channelId);
  expect(ben.crypto.open(channelId, envelope)).toEqual({ ok: false, reason });
  expect(chainState(ben, channelId)).toEqual(before);
}

describe('malformed ciphertext under a valid signature (a member who builds envelopes wrongly)', () => {
  it('the control: a crafted envelope with nothing wrong opens', () => {
    const opened = ben.crypto.open(channelId, annaEnvelope({ body: 'Kontrolle' }));
    expect(opened.ok && read(opened.payload)).toBe('Kontrolle');
  });

  it('fuzz: wrong bytes, wrong lengths, bad padding, oversized, wrong encoding each get their reason; the index is not used up', () => {
    const smallest = PAYLOAD_BUCKETS[0];
    const variant = fc.oneof(
      // Random bytes where the AEAD ciphertext belongs, of any length the parser accepts.
      fc
        .uint8Array({ minLength: smallest + 16, maxLength: 5000 })
        .map((bytes) => ({ craft: { ciphertext: bytes }, reason: 'decrypt_failed' })),
      // Too short for the smallest bucket: refused before any key is derived.
      fc
        .uint8Array({ maxLength: smallest + 15 })
        .map((bytes) => ({ craft: { ciphertext: bytes }, reason: 'malformed' })),
      // Authentic plaintext whose size is no bucket.
      fc
        .integer({ min: smallest, max: 5000 })
        .filter((n) => !(PAYLOAD_BUCKETS as readonly number[]).includes(n))
        .map((n) => ({ craft: { padded: new Uint8Array(n) }, reason: 'malformed' })),
      // A length field longer than the bucket.
      fc.integer({ min: smallest - 3, max: 0xffffffff }).map((claimed) => {
        const padded = new Uint8Array(smallest);
        new DataView(padded.buffer).setUint32(0, claimed);
        return { craft: { padded }, reason: 'malformed' };
      }),
      // Non-zero bytes in the padding.
      fc
        .record({ at: fc.integer({ min: 4 + 1, max: smallest - 1 }), value: fc.integer({ min: 1, max: 255 }) })
        .map(({ at, value }) => {
          const padded = pad(text('x'));
          padded[at] = value;
          return { craft: { padded }, reason: 'malformed' };
        }),
      // Not UTF-8 inside a header string (the channel id).
      fc
        .record({ at: fc.nat(channelIdLength() - 1), value: fc.integer({ min: 0x80, max: 0xff }) })
        .map(({ at, value }) => ({
          craft: {
            header: (h: Uint8Array) => {
              const changed = h.slice();
              changed[2 + 32 + 1 + at] = value;
              return changed;
            },
          },
          reason: 'malformed',
        })),
      // A header length field that does not match the header.
      fc
        .integer({ min: -40, max: 40 })
        .filter((d) => d !== 0)
        .map((delta) => ({ craft: { headerLength: headerLength() + delta }, reason: 'malformed' })),
      // Another envelope kind (2 is a direct envelope) in a channel.
      fc
        .integer({ min: 0, max: 255 })
        .filter((k) => k !== 1)
        .map((kind) => ({
          craft: {
            header: (h: Uint8Array) => {
              const changed = h.slice();
              changed[1] = kind;
              return changed;
            },
          },
          reason: 'malformed',
        })),
      // Larger than any envelope may be.
      fc
        .integer({ min: 1, max: 5000 })
        .map((extra) => ({ craft: { ciphertext: new Uint8Array(MAX_ENVELOPE_BYTES + extra) }, reason: 'oversized' })),
    );
    fc.assert(
      fc.property(variant, ({ craft, reason }) => {
        // Every variant is index 0, the very index of the genuine message below.
        expectRefused(annaEnvelope(craft), reason);
      }),
      { numRuns: 400 },
    );
    // Nothing above used up index 0 or any key: Anna's genuine first message opens.
    const genuine = anna.crypto.seal(channelId, 'message', eventId(), text('echt')).envelope;
    const opened = ben.crypto.open(channelId, genuine);
    expect(opened.ok && read(opened.payload)).toBe('echt');
  });
});

function channelIdLength(): number {
  return utf8.encode(channelId).length;
}

function headerLength(): number {
  const envelope = annaEnvelope();
  return (envelope[0]! << 8) | envelope[1]!;
}

describe('reordered delivery beyond the window', () => {
  it(`an index more than ${MAX_SKIP} ahead is refused as too_far_ahead and moves nothing`, () => {
    expectRefused(annaEnvelope({ index: MAX_SKIP + 1 }), 'too_far_ahead');
    // Inside the window, out of order, everything opens.
    expect(ben.crypto.open(channelId, annaEnvelope({ index: MAX_SKIP, body: 'spät' })).ok).toBe(true);
    expect(ben.crypto.open(channelId, annaEnvelope({ index: 0, body: 'früh' })).ok).toBe(true);
  });

  it(`a skipped index whose key was evicted (more than ${MAX_STORED_SKIPPED} kept) is refused as a replay`, () => {
    for (const index of [1000, 2000, 3000]) expect(ben.crypto.open(channelId, annaEnvelope({ index })).ok).toBe(true);
    const kept = chainState(ben, channelId)[0]!.skipped;
    expect(kept.length).toBe(MAX_STORED_SKIPPED);
    const oldestKept = kept[0]!;
    expect(oldestKept).toBeGreaterThan(0);
    expectRefused(annaEnvelope({ index: oldestKept - 1 }), 'replay');
    expect(ben.crypto.open(channelId, annaEnvelope({ index: oldestKept })).ok).toBe(true);
  });
});

describe('replays the same-channel test does not cover', () => {
  it('a genuine envelope replayed after the channel moved to the next epoch is refused', () => {
    const envelope = anna.crypto.seal(channelId, 'message', eventId(), text('Epoche 1')).envelope;
    expect(ben.crypto.open(channelId, envelope).ok).toBe(true);
    world.setRoster(
      channelId,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'admin' },
      ],
      anna,
    );
    expectRefused(envelope, 'replay');
  });

  it('the same client event id sealed again at a new index is refused (event id seen)', () => {
    const id = eventId();
    expect(ben.crypto.open(channelId, annaEnvelope({ index: 0, clientEventId: id })).ok).toBe(true);
    expectRefused(annaEnvelope({ index: 1, clientEventId: id }), 'replay');
    // Index 1 was not consumed by the refused copy.
    expect(ben.crypto.open(channelId, annaEnvelope({ index: 1 })).ok).toBe(true);
  });
});

describe('expired device certificate', () => {
  it('envelopes and key shares of a device whose certificate expired are refused as expired', () => {
    const cara = world.addUser('Cara Schmidt');
    const temp = world.addDevice(cara, { expiresAt: world.now + 60_000 });
    const channel = newId('chn');
    world.setRoster(
      channel,
      [
        { userId: anna.self.userId, role: 'admin' },
        { userId: ben.self.userId, role: 'member' },
        { userId: cara, role: 'member' },
      ],
      anna,
    );
    const shares = temp.crypto.rotate(channel);
    const late = temp.crypto.seal(channel, 'message', eventId(), text('vor Ablauf gesendet')).envelope;
    world.now += 120_000;
    const before = chainState(ben, channel);
    const share = shares.find((s) => s.recipientDeviceId === ben.self.deviceId)!;
    expect(ben.crypto.acceptKeyShare(share.envelope)).toEqual({ ok: false, reason: 'expired' });
    expect(ben.crypto.open(channel, late)).toEqual({ ok: false, reason: 'expired' });
    expect(chainState(ben, channel)).toEqual(before);
  });
});

describe('roster and record attacks', () => {
  const members = () => [
    { userId: anna.self.userId, role: 'admin' as const },
    { userId: ben.self.userId, role: 'member' as const },
  ];

  it('an older roster replayed after a newer one (epoch rollback) is refused; the roster stays', () => {
    const first = world.log.find(
      (r) => r.type === 'roster' && (r.body as RecordBody<'roster'>).channelId === channelId,
    )!;
    world.setRoster(channelId, members(), anna);
    const current = ben.directory.rosters.get(channelId)!;
    expect(ben.directory.ingest(first)).toMatchObject({ ok: false, reason: 'chain_broken' });
    expect(ben.directory.rosters.get(channelId)).toBe(current);
    expect(ben.directory.currentEpoch(channelId)).toBe(2);
  });

  it('a second, different roster for an epoch that exists (a fork) is refused', () => {
    const first = world.log.find(
      (r) => r.type === 'roster' && (r.body as RecordBody<'roster'>).channelId === channelId,
    )!;
    world.setRoster(channelId, members(), anna);
    const fork = signRecord(
      'roster',
      {
        ...(first.body as RecordBody<'roster'>),
        epoch: 2,
        prevHash: recordHash(first),
        members: [{ userId: anna.self.userId, role: 'admin' }],
        issuedAt: world.now + 1,
      },
      { kind: 'device', id: anna.self.deviceId },
      anna.self.signingKey,
    );
    expect(ben.directory.ingest(fork)).toMatchObject({ ok: false, reason: 'chain_broken' });
    expect(ben.directory.isMember(channelId, ben.self.userId)).toBe(true);
  });

  it('a roster signed by a revoked admin device is refused as revoked', () => {
    world.publish(
      world.orgSign('revocation', {
        orgId: world.orgId,
        target: { kind: 'device', deviceId: anna.self.deviceId },
        reason: 'lost',
        revokedAt: world.now,
      }),
    );
    const previous = ben.directory.rosters.get(channelId)!;
    const record = signRecord(
      'roster',
      {
        orgId: world.orgId,
        channelId,
        epoch: 2,
        prevHash: previous.hash,
        kind: 'conversation',
        members: [{ userId: anna.self.userId, role: 'admin' }],
        historyForNewMembers: false,
        issuedAt: world.now,
      },
      { kind: 'device', id: anna.self.deviceId },
      anna.self.signingKey,
    );
    expect(ben.directory.ingest(record)).toMatchObject({ ok: false, reason: 'revoked' });
    expect(ben.directory.rosters.get(channelId)).toBe(previous);
  });

  it('a revoked enrolment cannot enrol a device', () => {
    const user = world.addUser('Dora');
    const { code, enrolmentId } = world.createEnrolment(user);
    world.publish(
      world.orgSign('revocation', {
        orgId: world.orgId,
        target: { kind: 'enrolment', enrolmentId },
        reason: 'letter lost',
        revokedAt: world.now,
      }),
    );
    const directory = world.newDirectory();
    const devices = directory.devices.size;
    expect(directory.ingest(world.deviceCertificate(user, code).record)).toMatchObject({
      ok: false,
      reason: 'revoked',
    });
    expect(directory.devices.size).toBe(devices);
  });

  it('org root: round trip, and a root naming another key is refused', () => {
    const body: RecordBody<'org_root'> = {
      orgId: world.orgId,
      name: 'Klinikum Nord',
      orgPublicKey: toBase64Url(world.org.publicKey),
      createdAt: world.now,
    };
    const directory = world.newDirectory();
    expect(directory.ingest(world.orgSign('org_root', body)).ok).toBe(true);
    const rogue = generateOrgKeys();
    // Signed by the real org key but naming another key: wrong_org.
    expect(
      directory.ingest(world.orgSign('org_root', { ...body, orgPublicKey: toBase64Url(rogue.publicKey) })),
    ).toMatchObject({ ok: false, reason: 'wrong_org' });
    // Naming our org id but signed by another key: bad_signature.
    const forged = signRecord(
      'org_root',
      { ...body, orgPublicKey: toBase64Url(rogue.publicKey) },
      { kind: 'org', id: world.orgId },
      rogue.secretKey,
    );
    expect(directory.ingest(forged)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
});

describe('direct envelopes (key shares, wipe orders)', () => {
  const header = () => ({
    orgIdRaw: fromBase64Url(world.orgId)!,
    senderDeviceId: anna.self.deviceId,
    recipientDeviceId: ben.self.deviceId,
    contentType: 'wipe-order',
    sentAt: world.now,
  });
  const annaPublic = () => world.devices[0]!.directory.devices.get(anna.self.deviceId)!;
  const benBox = () => anna.directory.devices.get(ben.self.deviceId)!.boxPublicKey;
  const seal = (payload = text('{"orderId":"wip000001"}')) =>
    sealDirect(header(), payload, { signingKey: anna.self.signingKey, boxKey: anna.self.boxKey }, benBox());
  const open = (bytes: Uint8Array) =>
    openDirect(bytes, { deviceId: ben.self.deviceId, boxKey: ben.self.boxKey }, annaPublic());

  it('round trip: the recipient opens it and sees who sent it', () => {
    const opened = open(seal());
    expect(opened.ok).toBe(true);
    if (opened.ok) {
      expect(read(opened.direct.payload)).toBe('{"orderId":"wip000001"}');
      expect(opened.direct.header).toMatchObject({
        senderDeviceId: anna.self.deviceId,
        recipientDeviceId: ben.self.deviceId,
        contentType: 'wipe-order',
      });
    }
  });

  it('an unknown or older version is refused (no downgrade)', () => {
    for (const version of [0, 2, 255]) {
      const changed = seal();
      changed[2] = version;
      expect(open(changed)).toEqual({ ok: false, reason: 'unsupported_version' });
    }
  });

  it('a relay that rewrites the recipient, or a sender that is not the signer, is refused', () => {
    const redirected = seal();
    const at = indexOf(redirected, text(ben.self.deviceId));
    redirected.set(text(anna.self.deviceId), at); // same length ids
    expect(open(redirected)).toEqual({ ok: false, reason: 'not_for_me' });
    // Signed by Ben's key while claiming to be Anna.
    const impostor = sealDirect(
      header(),
      text('{}'),
      { signingKey: ben.self.signingKey, boxKey: anna.self.boxKey },
      benBox(),
    );
    expect(open(impostor)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('truncation and bit flips are refused with a reason, never throw', () => {
    const genuine = seal();
    fc.assert(
      fc.property(
        fc.nat(genuine.length - 1),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(genuine.length - 1),
        (at, xor, cut) => {
          const flipped = genuine.slice();
          flipped[at]! ^= xor;
          for (const bad of [flipped, genuine.slice(0, cut)]) {
            const outcome = open(bad);
            expect(outcome.ok).toBe(false);
            if (!outcome.ok)
              expect(['malformed', 'unsupported_version', 'bad_signature', 'not_for_me', 'decrypt_failed']).toContain(
                outcome.reason,
              );
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(peekDirect(new Uint8Array(70_000))).toEqual({ ok: false, reason: 'malformed' });
    expect(open(genuine).ok).toBe(true);
  });
});

describe('secretstream edge cases', () => {
  const cipherChunk = FILE_CHUNK_BYTES + FILE_CHUNK_OVERHEAD;

  async function encrypt(plain: Buffer, key = generateFileKey()): Promise<Buffer> {
    const out: Buffer[] = [];
    await pipeline(Readable.from([plain]), createEncryptStream(key), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    });
    return Buffer.concat(out);
  }

  async function decryptError(
    cipher: Buffer,
    key: ReturnType<typeof generateFileKey>,
  ): Promise<FileCryptoError['reason'] | 'ok'> {
    try {
      await pipeline(Readable.from([cipher]), createDecryptStream(key), async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) void chunk;
      });
      return 'ok';
    } catch (error) {
      return (error as FileCryptoError).reason;
    }
  }

  it('a cut at any point is an error (truncated or corrupt), never a shorter file', async () => {
    const key = generateFileKey();
    const cipher = await encrypt(Buffer.alloc(2 * FILE_CHUNK_BYTES + 100, 3), key);
    await fc.assert(
      fc.asyncProperty(fc.nat(cipher.length - 1), async (cut) => {
        expect(['truncated', 'corrupt']).toContain(await decryptError(cipher.subarray(0, cut), key));
      }),
      { numRuns: 60 },
    );
    // Cuts exactly at chunk boundaries leave only whole, authentic chunks: the missing FINAL tag
    // is what gives them away.
    for (const chunks of [0, 1, 2]) {
      expect(await decryptError(cipher.subarray(0, FILE_HEADER_BYTES + chunks * cipherChunk), key)).toBe('truncated');
    }
    expect(await decryptError(cipher.subarray(0, FILE_HEADER_BYTES - 1), key)).toBe('truncated');
    expect(await decryptError(cipher, key)).toBe('ok');
  });

  it('a duplicated chunk is refused', async () => {
    const key = generateFileKey();
    const cipher = await encrypt(Buffer.alloc(3 * FILE_CHUNK_BYTES, 5), key);
    const first = cipher.subarray(FILE_HEADER_BYTES, FILE_HEADER_BYTES + cipherChunk);
    const duplicated = Buffer.concat([
      cipher.subarray(0, FILE_HEADER_BYTES + cipherChunk),
      first,
      cipher.subarray(FILE_HEADER_BYTES + cipherChunk),
    ]);
    expect(await decryptError(duplicated, key)).toBe('corrupt');
  });

  it('a whole chunk appended after the final one is refused as trailing data', async () => {
    const key = generateFileKey();
    const cipher = await encrypt(Buffer.alloc(2 * FILE_CHUNK_BYTES, 8), key);
    const extra = cipher.subarray(FILE_HEADER_BYTES, FILE_HEADER_BYTES + cipherChunk);
    expect(await decryptError(Buffer.concat([cipher, extra]), key)).toBe('trailing_data');
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('needle not found');
}
