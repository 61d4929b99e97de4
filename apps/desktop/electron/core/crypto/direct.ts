// Direct envelopes: from one device to one device, for chain-key shares and wipe orders. The
// payload is sealed with authenticated crypto_box (sender X25519 secret, recipient X25519 public)
// and the whole envelope is also signed with the sender's Ed25519 device key, so the relay and
// the recipient can check who sent it before any decryption.
//
//   direct = u16 headerLength | header | nonce (24) | box ciphertext | signature (64)
//   header = u8 version | u8 kind (2 = direct) | 32 orgIdRaw | str senderDeviceId | str recipientDeviceId | str contentType | u64 sentAt
import { concatBytes, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import type { DeviceBoxKey, DeviceSigningKey } from '@klinikfunk/crypto/keys.ts';
import { defaultVerifier, signDetached, type SignatureVerifier } from '@klinikfunk/crypto/ed25519.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

export const DIRECT_VERSION = 1;
const KIND_DIRECT = 2;
const CONTEXT = utf8.encode('klinikfunk/v1/direct');
export const MAX_DIRECT_BYTES = 64 * 1024;

export interface DirectHeader {
  orgIdRaw: Uint8Array;
  senderDeviceId: string;
  recipientDeviceId: string;
  contentType: string;
  sentAt: number;
}

const str = (s: string) => {
  const b = utf8.encode(s);
  if (b.length < 1 || b.length > 64) throw new RangeError('header string must be 1..64 bytes');
  return concatBytes(new Uint8Array([b.length]), b);
};

function encodeHeader(h: DirectHeader): Uint8Array {
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(h.sentAt));
  return concatBytes(
    new Uint8Array([DIRECT_VERSION, KIND_DIRECT]),
    h.orgIdRaw,
    str(h.senderDeviceId),
    str(h.recipientDeviceId),
    str(h.contentType),
    time,
  );
}

export function sealDirect(
  header: DirectHeader,
  payload: Uint8Array,
  sender: { signingKey: DeviceSigningKey; boxKey: DeviceBoxKey },
  recipientBoxPublicKey: Uint8Array,
): Uint8Array {
  const s = sodium();
  const headerBytes = encodeHeader(header);
  const nonce = s.randombytes_buf(s.crypto_box_NONCEBYTES);
  // The header is also inside the box, so a relay that swaps headers breaks decryption.
  const boxed = s.crypto_box_easy(concatBytes(headerBytes, payload), nonce, recipientBoxPublicKey, sender.boxKey);
  const length = new Uint8Array([headerBytes.length >> 8, headerBytes.length & 0xff]);
  const unsigned = concatBytes(length, headerBytes, nonce, boxed);
  const signature = signDetached(concatBytes(CONTEXT, unsigned), sender.signingKey);
  return concatBytes(unsigned, signature);
}

export type DirectRejection =
  'malformed' | 'unsupported_version' | 'bad_signature' | 'not_for_me' | 'decrypt_failed' | 'unknown_signer';

export interface OpenedDirect {
  header: DirectHeader;
  payload: Uint8Array;
}

/** Reads only the header (the relay routes by recipient; the client looks up the sender). */
export function peekDirect(
  bytes: Uint8Array,
): { ok: true; header: DirectHeader } | { ok: false; reason: DirectRejection } {
  try {
    if (bytes.length > MAX_DIRECT_BYTES || bytes.length < 3) return { ok: false, reason: 'malformed' };
    if (bytes[2] !== DIRECT_VERSION) return { ok: false, reason: 'unsupported_version' };
    const headerLength = (bytes[0]! << 8) | bytes[1]!;
    const h = bytes.subarray(2, 2 + headerLength);
    if (h.length !== headerLength || h[1] !== KIND_DIRECT) return { ok: false, reason: 'malformed' };
    let o = 2;
    const orgIdRaw = h.subarray(o, (o += 32));
    const readStr = () => {
      const n = h[o++]!;
      if (n < 1 || n > 64 || o + n > h.length) throw new RangeError('bad string');
      return utf8.decode(h.subarray(o, (o += n)));
    };
    const senderDeviceId = readStr();
    const recipientDeviceId = readStr();
    const contentType = readStr();
    if (o + 8 !== h.length) throw new RangeError('bad header length');
    const sentAt = Number(new DataView(h.buffer, h.byteOffset + o, 8).getBigUint64(0));
    if (orgIdRaw.length !== 32) throw new RangeError('bad org id');
    return { ok: true, header: { orgIdRaw: orgIdRaw.slice(), senderDeviceId, recipientDeviceId, contentType, sentAt } };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

export function openDirect(
  bytes: Uint8Array,
  me: { deviceId: string; boxKey: DeviceBoxKey },
  sender: { signingPublicKey: Uint8Array; boxPublicKey: Uint8Array },
  verifier: SignatureVerifier = defaultVerifier,
): { ok: true; direct: OpenedDirect } | { ok: false; reason: DirectRejection } {
  const peeked = peekDirect(bytes);
  if (!peeked.ok) return peeked;
  if (peeked.header.recipientDeviceId !== me.deviceId) return { ok: false, reason: 'not_for_me' };
  const headerLength = (bytes[0]! << 8) | bytes[1]!;
  const signature = bytes.subarray(bytes.length - 64);
  const unsigned = bytes.subarray(0, bytes.length - 64);
  if (unsigned.length < 2 + headerLength + 24 + 16) return { ok: false, reason: 'malformed' };
  if (!verifier.verify(signature, concatBytes(CONTEXT, unsigned), sender.signingPublicKey))
    return { ok: false, reason: 'bad_signature' };
  const nonce = unsigned.subarray(2 + headerLength, 2 + headerLength + 24);
  const boxed = unsigned.subarray(2 + headerLength + 24);
  let plain: Uint8Array;
  try {
    plain = sodium().crypto_box_open_easy(boxed, nonce, sender.boxPublicKey, me.boxKey);
  } catch {
    return { ok: false, reason: 'decrypt_failed' };
  }
  const headerBytes = unsigned.subarray(2, 2 + headerLength);
  if (plain.length < headerLength) return { ok: false, reason: 'decrypt_failed' };
  const inner = plain.subarray(0, headerLength);
  if (!sodium().memcmp(inner, headerBytes)) return { ok: false, reason: 'decrypt_failed' };
  return { ok: true, direct: { header: peeked.header, payload: plain.slice(headerLength) } };
}
