// The organisation key split into k-of-n emergency shares (Shamir's secret sharing, the audited
// `shamir-secret-sharing` library), each printable for a sealed envelope: any k of them restore
// the key, fewer reveal nothing about it. A share is text of Crockford base32 groups (upper case
// letters, digits and '-': a QR code's alphanumeric mode takes it as is), with a 4-byte checksum
// so a mistyped or damaged share is named before anything is combined.
//   payload = version(1) ‖ k ‖ n ‖ index ‖ splitId(4) ‖ orgId(32) ‖ orgPublicKey(32) ‖ share(33)
// splitId is random per printing: shares of two printings of the same key (same k and n) are
// points of different polynomials and would combine to a wrong key, so they are named as mixed.
//   text    = "KF1-" + groups of 5 of base32(payload ‖ BLAKE2b-256("klinikfunk/v1/org-key-share" ‖ payload)[0..4])
// The shares split the 32-byte Ed25519 seed; the restore accepts the result only when its public
// key is the organisation key the shares name (and the caller trusts).
import { combine, split } from 'shamir-secret-sharing';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { fromCrockford32, toCrockford32 } from '@klinikfunk/protocol/wire/base32.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

const PREFIX = 'KF1-';
const VERSION = 1;
const CHECK_CONTEXT = new TextEncoder().encode('klinikfunk/v1/org-key-share');
const SHARE_BYTES = 33;
const SPLIT_ID_BYTES = 4;
const KEYS_AT = 4 + SPLIT_ID_BYTES;
const PAYLOAD_BYTES = KEYS_AT + 32 + 32 + SHARE_BYTES;

export interface OrgKeyShare {
  index: number;
  threshold: number;
  total: number;
  text: string;
}

export type ShareProblem =
  | { kind: 'unreadable'; share: number }
  | { kind: 'checksum'; share: number }
  | { kind: 'mixed'; share: number }
  | { kind: 'duplicate'; share: number }
  | { kind: 'too_few'; have: number; need: number }
  | { kind: 'wrong_org' }
  | { kind: 'wrong_key' };

function checksum(payload: Uint8Array): Uint8Array {
  const input = new Uint8Array(CHECK_CONTEXT.length + payload.length);
  input.set(CHECK_CONTEXT);
  input.set(payload, CHECK_CONTEXT.length);
  return sodium().crypto_generichash(32, input, null).subarray(0, 4);
}

/** Crockford: case-insensitive, O→0, I/L→1; spaces and dashes between groups ignored. */
function unbase32(text: string): Uint8Array | null {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return fromCrockford32(clean);
}

/** Splits the org key (64-byte Ed25519 secret) into `total` shares, any `threshold` of which restore it. */
export async function splitOrgKey(input: {
  orgId: string;
  orgSecret: Uint8Array;
  threshold: number;
  total: number;
}): Promise<OrgKeyShare[]> {
  const { threshold, total } = input;
  if (!Number.isInteger(threshold) || !Number.isInteger(total) || threshold < 2 || total < threshold || total > 20)
    throw new RangeError('shares: 2 ≤ k ≤ n ≤ 20');
  const orgId = fromBase64Url(input.orgId);
  if (!orgId || orgId.length !== 32 || input.orgSecret.length !== 64) throw new RangeError('shares: bad org key');
  const seed = input.orgSecret.slice(0, 32);
  const splitId = sodium().randombytes_buf(SPLIT_ID_BYTES);
  try {
    const parts = await split(seed, total, threshold);
    return parts.map((share, i) => {
      const payload = new Uint8Array(PAYLOAD_BYTES);
      payload.set([VERSION, threshold, total, i + 1]);
      payload.set(splitId, 4);
      payload.set(orgId, KEYS_AT);
      payload.set(input.orgSecret.subarray(32), KEYS_AT + 32);
      payload.set(share, KEYS_AT + 64);
      const full = new Uint8Array(PAYLOAD_BYTES + 4);
      full.set(payload);
      full.set(checksum(payload), PAYLOAD_BYTES);
      const groups = toCrockford32(full).match(/.{1,5}/g)!;
      share.fill(0);
      return { index: i + 1, threshold, total, text: PREFIX + groups.join('-') };
    });
  } finally {
    seed.fill(0);
  }
}

interface ParsedShare {
  threshold: number;
  total: number;
  index: number;
  splitId: string;
  orgId: string;
  orgPublicKey: string;
  share: Uint8Array;
}

/** Reads one share's text; `null` when it is not a share, 'checksum' when it is damaged or mistyped. */
export function parseShare(text: string): ParsedShare | 'unreadable' | 'checksum' {
  const trimmed = text.trim();
  // Typed from paper: the prefix's dash may come as a space, like the groups'.
  if (!/^KF1[\s-]/i.test(trimmed)) return 'unreadable';
  const bytes = unbase32(trimmed.slice(PREFIX.length));
  if (!bytes || bytes.length !== PAYLOAD_BYTES + 4) return 'unreadable';
  const payload = bytes.subarray(0, PAYLOAD_BYTES);
  const expected = checksum(payload);
  if (!expected.every((b, i) => b === bytes[PAYLOAD_BYTES + i])) return 'checksum';
  // The checksum catches typing errors, not forgery: a split no printing can have (k < 2, k > n,
  // a part number outside 1..n) is not a share (combine would throw on a single one).
  const [version, threshold, total, index] = payload as unknown as [number, number, number, number];
  if (version !== VERSION || threshold < 2 || total < threshold || index < 1 || index > total) return 'unreadable';
  return {
    threshold,
    total,
    index,
    splitId: toBase64Url(payload.subarray(4, KEYS_AT)),
    orgId: toBase64Url(payload.subarray(KEYS_AT, KEYS_AT + 32)),
    orgPublicKey: toBase64Url(payload.subarray(KEYS_AT + 32, KEYS_AT + 64)),
    share: payload.slice(KEYS_AT + 64),
  };
}

/**
 * Restores the org key from shares. Every share is checked first (checksum, same split); fewer
 * than k are refused without combining; the combined key must be the organisation key the caller
 * trusts (the directory's current one), or nothing is returned.
 */
export async function restoreOrgKey(
  texts: readonly string[],
  expected: { orgId: string; orgPublicKey: Uint8Array },
): Promise<{ ok: true; orgSecret: Uint8Array } | { ok: false; problem: ShareProblem }> {
  const parsed: ParsedShare[] = [];
  for (const [i, text] of texts.entries()) {
    const share = parseShare(text);
    if (share === 'unreadable' || share === 'checksum') return { ok: false, problem: { kind: share, share: i + 1 } };
    const first = parsed[0];
    if (
      first &&
      (share.threshold !== first.threshold ||
        share.total !== first.total ||
        share.splitId !== first.splitId ||
        share.orgId !== first.orgId ||
        share.orgPublicKey !== first.orgPublicKey)
    )
      return { ok: false, problem: { kind: 'mixed', share: i + 1 } };
    if (parsed.some((p) => p.index === share.index)) return { ok: false, problem: { kind: 'duplicate', share: i + 1 } };
    parsed.push(share);
  }
  const first = parsed[0];
  if (!first || parsed.length < first.threshold)
    return { ok: false, problem: { kind: 'too_few', have: parsed.length, need: first?.threshold ?? 2 } };
  if (first.orgId !== expected.orgId) return { ok: false, problem: { kind: 'wrong_org' } };
  if (first.orgPublicKey !== toBase64Url(expected.orgPublicKey)) return { ok: false, problem: { kind: 'wrong_key' } };
  const seed = await combine(parsed.map((p) => p.share));
  try {
    const pair = sodium().crypto_sign_seed_keypair(seed);
    if (toBase64Url(pair.publicKey) !== first.orgPublicKey) {
      pair.privateKey.fill(0);
      return { ok: false, problem: { kind: 'wrong_key' } };
    }
    return { ok: true, orgSecret: pair.privateKey };
  } finally {
    seed.fill(0);
    for (const p of parsed) p.share.fill(0);
  }
}
