// The one base64 (shared/protocol/bytes.ts): exactly one text per byte string. Node's Buffer
// decodes loosely (skips foreign characters, ignores set bits after the last byte, accepts
// any length), which is what the relay and the desktop transport used until they shared this.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Url, isBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { strictBase64 } from '../../../apps/desktop/electron/core/features/files/ipc.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { generateDeviceKeys, generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { parseRecord, signRecord } from '@klinikfunk/crypto/records.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

/** Texts Buffer.from(text, 'base64url') turns into bytes although no encoder writes them. */
const NON_CANONICAL_URL = [
  'QR', // "A" with a set bit after its last byte ("QQ" is the one spelling)
  'QUJ', // "AB" likewise ("QUI")
  'AAAAA', // a length no encoder produces (4n + 1)
  'QQ==', // padding: base64url here has none
];

describe('strict base64url', () => {
  it('round-trips every length and matches what Node writes', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(isBase64Url(text)).toBe(true);
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('refuses every second spelling of the same bytes that a loose decoder accepts', () => {
    for (const text of NON_CANONICAL_URL.slice(0, 4)) {
      expect(Buffer.from(text, 'base64url').length, `Node decodes ${text} loosely`).toBeGreaterThan(0);
      expect(fromBase64Url(text), text).toBeNull();
      expect(isBase64Url(text), text).toBe(false);
    }
    expect(fromBase64Url('QQ')).toEqual(new Uint8Array([65]));
  });

  it('refuses foreign characters anywhere, the standard alphabet and non-ASCII', () => {
    for (const text of ['QQ+A', 'QQ/A', 'QU JD', 'QUJD\n', 'QUJ\u00e9', 'Q\u0000JD', '\u{1F600}AA', 'QUJD.']) {
      expect(fromBase64Url(text), JSON.stringify(text)).toBeNull();
      expect(isBase64Url(text), JSON.stringify(text)).toBe(false);
    }
  });

  it('isBase64Url agrees with the decoder on every short text over a small alphabet', () => {
    const alphabet = ['A', 'B', 'Q', 'g', 'w', '_', '=', '+'];
    const texts = [''];
    for (let length = 1; length <= 4; length++)
      for (const prefix of texts.filter((t) => t.length === length - 1))
        for (const c of alphabet) texts.push(prefix + c);
    for (const text of texts) expect(isBase64Url(text), text).toBe(fromBase64Url(text) !== null);
  });
});

describe('strict standard base64 (the API file bytes)', () => {
  it('round-trips what Buffer and btoa write, padding included', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      expect(fromBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
      expect(new Uint8Array(strictBase64(btoa(String.fromCharCode(...bytes))))).toEqual(bytes);
    }
  });

  it('refuses set bits after the last byte, wrong padding, padding inside, foreign characters', () => {
    // Each of these is decoded by Buffer.from(text, 'base64') into some bytes.
    for (const text of ['QR==', 'QUJ=', 'QQ=', 'QQ', 'QQ===', 'QQ==QQ==', 'Q=Q=', 'QU-D', 'QU_D', 'QU D', 'QUJD\n']) {
      expect(fromBase64(text), JSON.stringify(text)).toBeNull();
      expect(() => strictBase64(text), JSON.stringify(text)).toThrow(AppError);
    }
    expect(new Uint8Array(strictBase64('QQ=='))).toEqual(new Uint8Array([65]));
  });
});

describe('signed records take keys and signatures in their one spelling only', () => {
  it('refuses a record whose key or signature is a second spelling of the same bytes', async () => {
    await readySodium();
    const org = generateOrgKeys();
    const keys = generateDeviceKeys();
    const body = {
      orgId: 'orgtest0001',
      userId: 'usrtest0001',
      deviceId: 'devtest0001',
      signingPublicKey: toBase64Url(keys.signing.publicKey),
      boxPublicKey: toBase64Url(keys.box.publicKey),
      label: 'Station 3',
      enrolmentId: null,
      issuedAt: 1,
      expiresAt: null,
    };
    const record = signRecord('device', body, { kind: 'org', id: 'orgtest0001' }, org.secretKey);
    expect(parseRecord(record).ok).toBe(true);
    // 32 bytes end mid-character (43 characters): a set bit after the last byte is the same key to a loose decoder.
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const second = (text: string) => text.slice(0, -1) + ALPHABET[ALPHABET.indexOf(text.at(-1)!) | 1]!;
    const otherKey = { ...record, body: { ...record.body, signingPublicKey: second(body.signingPublicKey) } };
    expect(Buffer.from(otherKey.body.signingPublicKey, 'base64url')).toEqual(Buffer.from(keys.signing.publicKey));
    expect(parseRecord(otherKey)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(parseRecord({ ...record, sig: second(record.sig) })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
