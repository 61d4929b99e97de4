// Byte helpers that run anywhere (no Buffer in packages/protocol/). base64url without padding is the text
// form of every key, id, nonce and signature in records and frames.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STANDARD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Char code → 6-bit value, 255 for a character outside the alphabet. */
const table = (alphabet: string) => {
  const out = new Uint8Array(128).fill(255);
  for (let i = 0; i < alphabet.length; i++) out[alphabet.charCodeAt(i)] = i;
  return out;
};
const URL_VALUES = table(ALPHABET);
const STANDARD_VALUES = table(STANDARD_ALPHABET);

const URL_CODES = new Uint8Array([...ALPHABET].map((c) => c.charCodeAt(0)));
const ascii = new TextDecoder();

/** base64url without padding. Writes character codes into bytes and decodes them once (fast for large envelopes). */
export function toBase64Url(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil((bytes.length * 4) / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = URL_CODES[n >> 18]!;
    out[o++] = URL_CODES[(n >> 12) & 63]!;
    out[o++] = URL_CODES[(n >> 6) & 63]!;
    out[o++] = URL_CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = URL_CODES[n >> 18]!;
    out[o++] = URL_CODES[(n >> 12) & 63]!;
    if (rest === 2) out[o] = URL_CODES[(n >> 6) & 63]!;
  }
  return ascii.decode(out);
}

/**
 * The one base64 decoder (every copy that decoded loosely is gone): exactly one text per byte
 * string, so nothing can be smuggled through two spellings of the same bytes. Refuses (null)
 * characters outside the alphabet, a length no encoder produces, and set bits after the last
 * byte ("QR" for "QQ").
 */
function decode(text: string, values: Uint8Array, length = text.length): Uint8Array | null {
  if (length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const a = values[text.charCodeAt(i)] ?? 255;
    const b = values[text.charCodeAt(i + 1)] ?? 255;
    const c = values[text.charCodeAt(i + 2)] ?? 255;
    const d = values[text.charCodeAt(i + 3)] ?? 255;
    if ((a | b | c | d) > 63) return null;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  const rest = length - i;
  if (rest > 0) {
    const a = values[text.charCodeAt(i)] ?? 255;
    const b = values[text.charCodeAt(i + 1)] ?? 255;
    const c = rest === 3 ? (values[text.charCodeAt(i + 2)] ?? 255) : 0;
    if ((a | b | c) > 63) return null;
    if (rest === 2 ? (b & 15) !== 0 : (c & 3) !== 0) return null;
    out[o++] = (a << 2) | (b >> 4);
    if (rest === 3) out[o] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

/** base64url without padding, strict (see decode): the text form of keys, ids, nonces, signatures and frame bytes. */
export function fromBase64Url(text: string): Uint8Array | null {
  return decode(text, URL_VALUES);
}

/**
 * Standard base64 with its "=" padding (what `btoa` and `Buffer.toString('base64')` write: the
 * API's file bytes), strict the same way: padding exactly to a multiple of 4, nowhere else.
 */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return decode(text, STANDARD_VALUES, text.length - padding);
}

/** Whether `text` is canonical base64url without padding: what fromBase64Url accepts, checked without decoding (frame schemas). */
export function isBase64Url(text: string): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return false;
  const rest = text.length % 4;
  if (rest === 1) return false;
  const last = URL_VALUES[text.charCodeAt(text.length - 1)]!;
  return rest === 0 || (rest === 2 ? (last & 15) === 0 : (last & 3) === 0);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export const utf8 = {
  encode: (text: string): Uint8Array => new TextEncoder().encode(text),
  decode: (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes),
};
