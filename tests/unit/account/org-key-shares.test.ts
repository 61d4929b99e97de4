// k-of-n emergency shares of the organisation key (account/org-key-shares.ts): any k shares
// restore exactly the org key, k−1 are refused and combine to nothing usable, a damaged or
// mistyped share is named by its number before anything is combined.
import { beforeAll, describe, expect, it } from 'vitest';
import { combine } from 'shamir-secret-sharing';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { orgIdOf } from '@klinikfunk/crypto/records.ts';
import { readySodium, sodium } from '@klinikfunk/crypto/sodium.ts';
import {
  parseShare,
  restoreOrgKey,
  splitOrgKey,
  type OrgKeyShare,
} from '../../../apps/desktop/electron/core/account/org-key-shares.ts';

let org: ReturnType<typeof generateOrgKeys>;
let orgId: string;
let shares: OrgKeyShare[];
const expected = () => ({ orgId, orgPublicKey: org.publicKey });

beforeAll(async () => {
  await readySodium();
  org = generateOrgKeys();
  orgId = orgIdOf(org.publicKey);
  shares = await splitOrgKey({ orgId, orgSecret: org.secretKey, threshold: 3, total: 5 });
});

describe('org key shares', () => {
  it('prints as QR-alphanumeric text naming part and threshold', () => {
    expect(shares.map((s) => [s.index, s.threshold, s.total])).toEqual([1, 2, 3, 4, 5].map((i) => [i, 3, 5]));
    for (const share of shares) expect(share.text).toMatch(/^KF1-[0-9A-Z]{1,5}(-[0-9A-Z]{1,5})+$/);
    expect(new Set(shares.map((s) => s.text)).size).toBe(5);
  });

  it('any k shares restore exactly the org key, also typed in lower case with spaces', async () => {
    for (const pick of [
      [0, 1, 2],
      [4, 2, 0],
      [1, 3, 4],
      [0, 1, 2, 3, 4],
    ]) {
      const restored = await restoreOrgKey(
        pick.map((i) => shares[i]!.text),
        expected(),
      );
      expect(restored.ok).toBe(true);
      if (restored.ok) expect(toBase64Url(restored.orgSecret)).toBe(toBase64Url(org.secretKey));
    }
    const typed = shares.slice(0, 3).map((s) => s.text.toLowerCase().replace(/-/g, ' '));
    expect((await restoreOrgKey(typed, expected())).ok).toBe(true);
  });

  it('k−1 shares are refused, and combined anyway they give a key that is not the org key', async () => {
    const two = shares.slice(0, 2).map((s) => s.text);
    expect(await restoreOrgKey(two, expected())).toEqual({ ok: false, problem: { kind: 'too_few', have: 2, need: 3 } });
    const raw = two.map((t) => (parseShare(t) as { share: Uint8Array }).share);
    const guess = await combine(raw);
    expect(toBase64Url(guess)).not.toBe(toBase64Url(org.secretKey.subarray(0, 32)));
    expect(toBase64Url(sodium().crypto_sign_seed_keypair(guess).publicKey)).not.toBe(toBase64Url(org.publicKey));
  });

  it('a damaged share is named by its position before anything is combined', async () => {
    const texts = shares.slice(0, 3).map((s) => s.text);
    const body = texts[1]!;
    const at = body.length - 8;
    const flipped = body[at] === 'A' ? 'B' : 'A';
    texts[1] = body.slice(0, at) + flipped + body.slice(at + 1);
    expect(await restoreOrgKey(texts, expected())).toEqual({ ok: false, problem: { kind: 'checksum', share: 2 } });
    expect(await restoreOrgKey(['KF1-XYZ', shares[0]!.text], expected())).toMatchObject({
      ok: false,
      problem: { kind: 'unreadable', share: 1 },
    });
  });

  it('refuses shares of two splits, the same share twice, and shares of another organisation', async () => {
    const other = await splitOrgKey({ orgId, orgSecret: org.secretKey, threshold: 2, total: 3 });
    expect(await restoreOrgKey([shares[0]!.text, other[1]!.text, shares[2]!.text], expected())).toMatchObject({
      ok: false,
      problem: { kind: 'mixed', share: 2 },
    });
    expect(await restoreOrgKey([shares[0]!.text, shares[0]!.text, shares[2]!.text], expected())).toMatchObject({
      ok: false,
      problem: { kind: 'duplicate', share: 2 },
    });
    const foreign = generateOrgKeys();
    const foreignShares = await splitOrgKey({
      orgId: orgIdOf(foreign.publicKey),
      orgSecret: foreign.secretKey,
      threshold: 2,
      total: 2,
    });
    expect(
      await restoreOrgKey(
        foreignShares.map((s) => s.text),
        expected(),
      ),
    ).toMatchObject({ ok: false, problem: { kind: 'wrong_org' } });
    // After a rotation the directory names another key: shares of the retired key are refused.
    expect(
      await restoreOrgKey(
        shares.slice(0, 3).map((s) => s.text),
        { orgId, orgPublicKey: foreign.publicKey },
      ),
    ).toMatchObject({ ok: false, problem: { kind: 'wrong_key' } });
  });

  // Reprinting (an envelope was lost) gives a second set with the same k and n: its shares are other
  // points of another polynomial, and mixed with the first set they combine to a wrong key.
  it('names a share of another printing with the same k and n before combining', async () => {
    const reprint = await splitOrgKey({ orgId, orgSecret: org.secretKey, threshold: 3, total: 5 });
    expect(await restoreOrgKey([shares[0]!.text, shares[1]!.text, reprint[2]!.text], expected())).toMatchObject({
      ok: false,
      problem: { kind: 'mixed', share: 3 },
    });
    expect(
      await restoreOrgKey(
        reprint.slice(2, 5).map((s) => s.text),
        expected(),
      ),
    ).toMatchObject({ ok: true });
  });

  // The checksum is no signature: anyone can write a share that claims k = 1, and a single share
  // must then get the same clear answer as any other unusable share, not an exception.
  it('refuses a share that claims fewer than two are needed', async () => {
    const forged = reencode(shares[0]!.text, (payload) => (payload[1] = 1));
    expect(parseShare(forged)).toBe('unreadable');
    expect(await restoreOrgKey([forged], expected())).toMatchObject({
      ok: false,
      problem: { kind: 'unreadable', share: 1 },
    });
  });
});

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Decodes a share's text, changes its payload and writes it back with a matching checksum. */
function reencode(text: string, change: (payload: Uint8Array) => void): string {
  const digits = [...text.slice(4).replace(/-/g, '')].map((c) => ALPHABET.indexOf(c));
  const bytes: number[] = [];
  let value = 0;
  let bits = 0;
  for (const d of digits) {
    value = ((value << 5) | d) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const payload = Uint8Array.from(bytes.slice(0, bytes.length - 4));
  change(payload);
  const context = new TextEncoder().encode('klinikfunk/v1/org-key-share');
  const input = new Uint8Array(context.length + payload.length);
  input.set(context);
  input.set(payload, context.length);
  const full = [...payload, ...sodium().crypto_generichash(32, input, null).subarray(0, 4)];
  let out = '';
  value = 0;
  bits = 0;
  for (const byte of full) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return `KF1-${out.match(/.{1,5}/g)!.join('-')}`;
}
