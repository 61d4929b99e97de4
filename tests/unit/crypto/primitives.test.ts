import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { canonicalJson } from '@klinikfunk/protocol/wire/canonical.ts';
import { parseEnvelope } from '@klinikfunk/protocol/wire/envelope-layout.ts';
import { createNodeVerifier, signDetached, sodiumVerifier } from '@klinikfunk/crypto/ed25519.ts';
import {
  createDecryptStream,
  createEncryptStream,
  encryptedSize,
  FILE_CHUNK_BYTES,
  generateFileKey,
} from '../../../apps/desktop/electron/core/crypto/file-crypto.ts';
import {
  generateDbKey,
  hashSecret,
  KDF_FLOOR,
  testing,
  unwrapKeyWithPassphrase,
  verifySecret,
  wrapKeyWithPassphrase,
} from '../../../apps/desktop/electron/core/crypto/kdf.ts';
import { generateDeviceKeys } from '@klinikfunk/crypto/keys.ts';
import {
  MAX_SKIP,
  newChain,
  planReceive,
  takeSendingKey,
} from '../../../apps/desktop/electron/core/crypto/sender-keys.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

beforeAll(async () => {
  await readySodium();
});

const cheap = { alg: 'argon2id13' as const, opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 };

describe('passphrase key wrap (Argon2id)', () => {
  it('wraps and unwraps at production parameters; a wrong passphrase is a typed error', async () => {
    const key = generateDbKey();
    const wrapped = await wrapKeyWithPassphrase(key, 'Korrekt Pferd Batterie Heftklammer', KDF_FLOOR);
    expect(wrapped.kdf.memLimitBytes).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    const opened = await unwrapKeyWithPassphrase(wrapped, 'Korrekt Pferd Batterie Heftklammer');
    expect(opened.ok && toBase64Url(opened.key) === toBase64Url(key)).toBe(true);
    expect(await unwrapKeyWithPassphrase(wrapped, 'korrekt pferd batterie heftklammer')).toEqual({
      ok: false,
      reason: 'wrong_passphrase',
    });
  });

  it('refuses parameters below the floor in production mode', async () => {
    await expect(wrapKeyWithPassphrase(generateDbKey(), 'x', cheap)).rejects.toThrow(/floor/);
  });

  it('a tampered wrap (weakened parameters, edited ciphertext) does not open', async () => {
    testing.allowWeakKdf = true;
    try {
      const wrapped = await wrapKeyWithPassphrase(generateDbKey(), 'pass', { ...cheap, opsLimit: 2 });
      expect((await unwrapKeyWithPassphrase({ ...wrapped, kdf: { ...wrapped.kdf, opsLimit: 1 } }, 'pass')).ok).toBe(
        false,
      );
      const ct = fromBase64Url(wrapped.ciphertextB64)!;
      ct[0]! ^= 1;
      expect((await unwrapKeyWithPassphrase({ ...wrapped, ciphertextB64: toBase64Url(ct) }, 'pass')).ok).toBe(false);
      expect(await unwrapKeyWithPassphrase({ ...wrapped, nonceB64: 'AAAA' }, 'pass')).toEqual({
        ok: false,
        reason: 'malformed',
      });
      expect(await unwrapKeyWithPassphrase({ ...wrapped, v: 2 as 1 }, 'pass')).toEqual({
        ok: false,
        reason: 'unsupported_version',
      });
    } finally {
      testing.allowWeakKdf = false;
    }
  });

  it('PIN hashes verify only the right PIN', async () => {
    testing.allowWeakKdf = true;
    try {
      const stored = await hashSecret('482915', cheap);
      expect(await verifySecret('482915', stored)).toBe(true);
      expect(await verifySecret('482916', stored)).toBe(false);
    } finally {
      testing.allowWeakKdf = false;
    }
  });
});

describe('Ed25519: libsodium and node:crypto agree', () => {
  it('on valid signatures, wrong messages, wrong keys and corrupted signatures', () => {
    const node = createNodeVerifier();
    const keys = generateDeviceKeys();
    const other = generateDeviceKeys();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(63), (message, flip) => {
        const sig = signDetached(message, keys.signing.secretKey);
        const bad = sig.slice();
        bad[flip]! ^= 0x40;
        const altered = new Uint8Array([...message, 1]);
        const cases: Array<[Uint8Array, Uint8Array, Uint8Array]> = [
          [sig, message, keys.signing.publicKey],
          [bad, message, keys.signing.publicKey],
          [sig, altered, keys.signing.publicKey],
          [sig, message, other.signing.publicKey],
        ];
        const results = cases.map(([s, m, k]) => [sodiumVerifier.verify(s, m, k), node.verify(s, m, k)]);
        for (const [a, b] of results) expect(a).toBe(b);
        expect(results.map(([a]) => a)).toEqual([true, false, false, false]);
      }),
      { numRuns: 100 },
    );
    expect(node.verify(new Uint8Array(10), new Uint8Array(), keys.signing.publicKey)).toBe(false);
    expect(node.verify(new Uint8Array(64), new Uint8Array(), new Uint8Array(31))).toBe(false);
  });
});

describe('sender-key window', () => {
  it('refuses an index beyond the skip window and an already used index, without moving the chain', () => {
    const sending = newChain({ channelId: 'c', epoch: 1, senderDeviceId: 'd', generation: 0 }, 0);
    const receiving = { ...sending, chainKey: sending.chainKey.slice() as typeof sending.chainKey, skipped: new Map() };
    const first = takeSendingKey(sending);
    expect(planReceive(receiving, MAX_SKIP + 1)).toEqual({ ok: false, problem: 'too_far_ahead' });
    expect(receiving.nextIndex).toBe(0);
    const plan = planReceive(receiving, 0);
    expect(plan.ok && toBase64Url(plan.plan.key) === toBase64Url(first.key)).toBe(true);
    if (plan.ok) plan.plan.commit();
    expect(planReceive(receiving, 0)).toEqual({ ok: false, problem: 'replay_or_too_old' });
  });
});

describe('canonical JSON', () => {
  it('sorts keys, refuses floats and undefined, and is stable', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'ü'] })).toBe('{"a":[true,null,"ü"],"b":1}');
    expect(() => canonicalJson({ a: 1.5 })).toThrow();
    expect(() => canonicalJson({ a: undefined })).toThrow();
    expect(() => canonicalJson(new Date())).toThrow();
  });

  it('base64url round-trips and refuses non-canonical text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
      }),
    );
    expect(fromBase64Url('AB=')).toBeNull();
    expect(fromBase64Url('AB')).toBeNull(); // non-zero trailing bits
  });
});

describe('envelope parser fuzz', () => {
  it('never throws on random bytes and always answers with a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const result = parseEnvelope(bytes);
        if (!result.ok) expect(['malformed', 'unsupported_version', 'oversized']).toContain(result.reason);
      }),
      { numRuns: 2000 },
    );
    expect(parseEnvelope(new Uint8Array(300_000))).toEqual({ ok: false, reason: 'oversized' });
  });
});

async function encrypt(
  plain: Buffer,
  key = generateFileKey(),
  pieces = 7919,
): Promise<{ key: ReturnType<typeof generateFileKey>; cipher: Buffer }> {
  const out: Buffer[] = [];
  const parts: Buffer[] = [];
  for (let i = 0; i < plain.length; i += pieces) parts.push(plain.subarray(i, i + pieces));
  await pipeline(
    Readable.from(parts.length ? parts : [Buffer.alloc(0)]),
    createEncryptStream(key),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    },
  );
  return { key, cipher: Buffer.concat(out) };
}

async function decrypt(cipher: Buffer, key: ReturnType<typeof generateFileKey>): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from([cipher.subarray(0, 1000), cipher.subarray(1000)]),
    createDecryptStream(key),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(chunk);
    },
  );
  return Buffer.concat(out);
}

describe('file encryption (secretstream, 64 KiB chunks)', () => {
  it.each([0, 1, FILE_CHUNK_BYTES - 1, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES + 1, 3 * FILE_CHUNK_BYTES + 123])(
    'round-trips %i bytes',
    async (size) => {
      const plain = Buffer.from(Array.from({ length: size }, (_, i) => (i * 31) & 0xff));
      const { key, cipher } = await encrypt(plain);
      expect(cipher.length).toBe(encryptedSize(size));
      expect((await decrypt(cipher, key)).equals(plain)).toBe(true);
    },
  );

  it('detects truncation (missing final chunk)', async () => {
    const { key, cipher } = await encrypt(Buffer.alloc(3 * FILE_CHUNK_BYTES, 7));
    await expect(decrypt(cipher.subarray(0, 24 + 2 * (FILE_CHUNK_BYTES + 17)), key)).rejects.toMatchObject({
      reason: 'truncated',
    });
  });

  it('detects swapped chunks', async () => {
    const { key, cipher } = await encrypt(Buffer.alloc(3 * FILE_CHUNK_BYTES, 9));
    const c = FILE_CHUNK_BYTES + 17;
    const swapped = Buffer.concat([
      cipher.subarray(0, 24),
      cipher.subarray(24 + c, 24 + 2 * c),
      cipher.subarray(24, 24 + c),
      cipher.subarray(24 + 2 * c),
    ]);
    await expect(decrypt(swapped, key)).rejects.toMatchObject({ reason: 'corrupt' });
  });

  it('detects a wrong key, a flipped bit and data after the end', async () => {
    const { key, cipher } = await encrypt(Buffer.from('Befund: unauffällig'));
    await expect(decrypt(cipher, generateFileKey())).rejects.toMatchObject({ reason: 'corrupt' });
    const flipped = Buffer.from(cipher);
    flipped[30]! ^= 1;
    await expect(decrypt(flipped, key)).rejects.toMatchObject({ reason: 'corrupt' });
    await expect(decrypt(Buffer.concat([cipher, Buffer.alloc(40)]), key)).rejects.toMatchObject({ reason: 'corrupt' });
  });
});
