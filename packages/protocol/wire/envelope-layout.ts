// Byte layout of channel envelopes (see docs/protocol.md for the diagram). Pure encoding and
// decoding, no cryptography: shared by client and relay (the relay reads only the header).
//
//   envelope  = u16 headerLength | header | nonce (24) | ciphertext | signature (64)
//   header    = u8 version | u8 kind (1 = channel) | 32 orgIdRaw
//             | str channelId | u32 epoch | str senderDeviceId | u16 generation | u32 index
//             | str contentType | 16 clientEventId | 32 prevHash
//   prevHash  = BLAKE2b-256 of the previous envelope of the same chain (zeros for index 0): a
//               hash chain, so one valid signature authenticates a whole run during catch-up
//   str       = u8 length | UTF-8 bytes (1..64)
//   ciphertext = XChaCha20-Poly1305(messageKey, nonce, padded payload, ad = header)
//   signature  = Ed25519(sender device, "klinikfunk/v1/envelope" | u16 headerLength | header | nonce | ciphertext)
//   padded    = u32 payloadLength | payload | zero bytes up to the next size bucket
import { concatBytes, utf8 } from './bytes.ts';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_KIND_CHANNEL = 1;
export const NONCE_BYTES = 24;
export const SIGNATURE_BYTES = 64;
export const AEAD_TAG_BYTES = 16;
/** Padded payload sizes; a message is padded to the smallest bucket that fits. */
export const PAYLOAD_BUCKETS = [256, 1024, 4096, 16384, 65536] as const;
const LARGEST_BUCKET = 65536;
export const MAX_PAYLOAD_BYTES = LARGEST_BUCKET - 4;
export const MAX_ENVELOPE_BYTES = 2 + 512 + NONCE_BYTES + LARGEST_BUCKET + AEAD_TAG_BYTES + SIGNATURE_BYTES;
export const ENVELOPE_SIGNATURE_CONTEXT = 'klinikfunk/v1/envelope';

export interface EnvelopeHeader {
  version: number;
  kind: number;
  orgIdRaw: Uint8Array;
  channelId: string;
  epoch: number;
  senderDeviceId: string;
  generation: number;
  index: number;
  contentType: string;
  clientEventId: Uint8Array;
  prevHash: Uint8Array;
}

export interface ParsedEnvelope {
  header: EnvelopeHeader;
  headerBytes: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
  /** What the signature covers (without the context prefix). */
  signedPart: Uint8Array;
}

export type EnvelopeParseError = 'malformed' | 'unsupported_version' | 'oversized';

function writeString(value: string): Uint8Array {
  const bytes = utf8.encode(value);
  if (bytes.length < 1 || bytes.length > 64) throw new RangeError('header string must be 1..64 bytes');
  return concatBytes(new Uint8Array([bytes.length]), bytes);
}

export function encodeHeader(h: EnvelopeHeader): Uint8Array {
  if (h.orgIdRaw.length !== 32 || h.clientEventId.length !== 16 || h.prevHash.length !== 32) {
    throw new RangeError('orgId and prevHash must be 32 bytes, clientEventId 16');
  }
  const numbers = new Uint8Array(10);
  const view = new DataView(numbers.buffer);
  view.setUint32(0, h.epoch);
  view.setUint16(4, h.generation);
  view.setUint32(6, h.index);
  return concatBytes(
    new Uint8Array([h.version, h.kind]),
    h.orgIdRaw,
    writeString(h.channelId),
    numbers.subarray(0, 4),
    writeString(h.senderDeviceId),
    numbers.subarray(4, 10),
    writeString(h.contentType),
    h.clientEventId,
    h.prevHash,
  );
}

class Reader {
  offset = 0;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  take(n: number): Uint8Array {
    if (n < 0 || this.offset + n > this.bytes.length) throw new RangeError('truncated');
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  u8(): number {
    return this.take(1)[0]!;
  }
  u16(): number {
    const b = this.take(2);
    return (b[0]! << 8) | b[1]!;
  }
  u32(): number {
    const b = this.take(4);
    return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
  }
  str(): string {
    const length = this.u8();
    if (length < 1 || length > 64) throw new RangeError('bad string length');
    return utf8.decode(this.take(length));
  }
}

export function parseHeader(bytes: Uint8Array): EnvelopeHeader {
  const r = new Reader(bytes);
  const version = r.u8();
  const kind = r.u8();
  const orgIdRaw = r.take(32);
  const channelId = r.str();
  const epoch = r.u32();
  const senderDeviceId = r.str();
  const generation = r.u16();
  const index = r.u32();
  const contentType = r.str();
  const clientEventId = r.take(16);
  const prevHash = r.take(32);
  if (r.offset !== bytes.length) throw new RangeError('trailing header bytes');
  return {
    version,
    kind,
    orgIdRaw,
    channelId,
    epoch,
    senderDeviceId,
    generation,
    index,
    contentType,
    clientEventId,
    prevHash,
  };
}

/** Splits an envelope into its parts; never throws. */
export function parseEnvelope(
  bytes: Uint8Array,
): { ok: true; envelope: ParsedEnvelope } | { ok: false; reason: EnvelopeParseError } {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: 'malformed' };
  if (bytes.length > MAX_ENVELOPE_BYTES) return { ok: false, reason: 'oversized' };
  try {
    if (bytes.length < 3) return { ok: false, reason: 'malformed' };
    const headerLength = (bytes[0]! << 8) | bytes[1]!;
    // The version comes first so an old or future format is named as such, not as garbage.
    if (bytes[2] !== ENVELOPE_VERSION) return { ok: false, reason: 'unsupported_version' };
    const r = new Reader(bytes);
    r.take(2);
    const headerBytes = r.take(headerLength);
    const header = parseHeader(headerBytes);
    if (header.kind !== ENVELOPE_KIND_CHANNEL) return { ok: false, reason: 'malformed' };
    const nonce = r.take(NONCE_BYTES);
    const rest = bytes.length - r.offset - SIGNATURE_BYTES;
    if (rest < AEAD_TAG_BYTES + PAYLOAD_BUCKETS[0]) return { ok: false, reason: 'malformed' };
    const ciphertext = r.take(rest);
    const signature = r.take(SIGNATURE_BYTES);
    return {
      ok: true,
      envelope: {
        header,
        headerBytes,
        nonce,
        ciphertext,
        signature,
        signedPart: bytes.subarray(0, bytes.length - SIGNATURE_BYTES),
      },
    };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

export function pad(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`payload larger than ${MAX_PAYLOAD_BYTES} bytes`);
  const size = PAYLOAD_BUCKETS.find((b) => b >= payload.length + 4)!;
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

export function unpad(padded: Uint8Array): Uint8Array | null {
  if (padded.length < 4 || !(PAYLOAD_BUCKETS as readonly number[]).includes(padded.length)) return null;
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (length > padded.length - 4) return null;
  for (let i = 4 + length; i < padded.length; i++) if (padded[i] !== 0) return null;
  return padded.slice(4, 4 + length);
}
