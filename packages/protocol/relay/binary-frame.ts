// Blob chunks travel as binary WebSocket messages; every other frame stays JSON text. A chunk as
// base64 inside JSON cost a third more bytes, an encode, a regular expression check and a decode
// on each end: at 100 MB per file that was most of the transfer time. The header is still a JSON
// frame checked by its zod schema (blobChunkHeader / blobDataHeader in frames.ts); only the
// opaque bytes move out of it.
//
//   0               4                     4 + n                          end
//   | n: u32 big-end | header: n bytes JSON | data: the chunk's raw bytes |
//
// n is at most MAX_BINARY_HEADER_BYTES; data is 0 (only an empty tail read) to BLOB_CHUNK_BYTES.
import { utf8 } from '../wire/bytes.ts';

export const MAX_BINARY_HEADER_BYTES = 512;

/** One buffer: header length, header JSON, data (a copy: ws.send takes one buffer). */
export function encodeBinaryFrame(header: object, data: Uint8Array): Uint8Array {
  const head = utf8.encode(JSON.stringify(header));
  if (head.length > MAX_BINARY_HEADER_BYTES) throw new RangeError('binary frame header too long');
  const out = new Uint8Array(4 + head.length + data.length);
  new DataView(out.buffer).setUint32(0, head.length);
  out.set(head, 4);
  out.set(data, 4 + head.length);
  return out;
}

export type SplitBinaryFrame = { ok: true; header: unknown; data: Uint8Array } | { ok: false; reason: string };

/** The header (parsed JSON, not yet schema-checked) and a view of the data; never throws. */
export function splitBinaryFrame(bytes: Uint8Array): SplitBinaryFrame {
  if (bytes.length < 4) return { ok: false, reason: 'binary frame shorter than its length field' };
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (n === 0 || n > MAX_BINARY_HEADER_BYTES) return { ok: false, reason: `binary frame header of ${n} bytes` };
  if (4 + n > bytes.length) return { ok: false, reason: 'binary frame header runs past the end' };
  let header: unknown;
  try {
    header = JSON.parse(utf8.decode(bytes.subarray(4, 4 + n)));
  } catch {
    return { ok: false, reason: 'binary frame header is not JSON' };
  }
  return { ok: true, header, data: bytes.subarray(4 + n) };
}
