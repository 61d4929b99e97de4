// Buffer's base64 for the Node end of the harness bridge (browser/codec.ts; the browser end uses atob/btoa).
import type { Base64 } from './browser/codec.ts';

export const nodeBase64: Base64 = {
  encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  decode: (text) => Buffer.from(text, 'base64'),
};
