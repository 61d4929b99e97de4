// File encryption with crypto_secretstream_xchacha20poly1305, streaming, in 64 KiB chunks, so a
// 2 GB scan never sits in memory whole.
//
//   file     = header (24 bytes) | chunk_1 | chunk_2 | ... | chunk_n
//   chunk_k  = secretstream_push(plain_k, tag)  -> plain_k + 17 bytes (1 tag byte, 16 MAC)
//   plain_k  = 65536 bytes, except the last (0..65536); tag = MESSAGE, the last one FINAL
//
// Each chunk authenticates its position in the stream: truncation (no FINAL chunk at the end),
// reordering, duplication or data after FINAL fail. A fresh random FileKey per file travels inside
// the encrypted channel event, never to the relay.
import { Transform, type TransformCallback } from 'node:stream';
import { asFileKey, type FileKey } from './keys.ts';
import { sodium } from './sodium.ts';

export const FILE_CHUNK_BYTES = 64 * 1024;
export const FILE_HEADER_BYTES = 24;
export const FILE_CHUNK_OVERHEAD = 17;

export function generateFileKey(): FileKey {
  return asFileKey(sodium().crypto_secretstream_xchacha20poly1305_keygen());
}

export class FileCryptoError extends Error {
  readonly reason: 'truncated' | 'corrupt' | 'trailing_data';
  constructor(reason: 'truncated' | 'corrupt' | 'trailing_data', message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Collects incoming bytes and hands out exact-size pieces without copying more than needed. */
class ChunkBuffer {
  #parts: Buffer[] = [];
  #length = 0;
  push(chunk: Buffer): void {
    this.#parts.push(chunk);
    this.#length += chunk.length;
  }
  get length(): number {
    return this.#length;
  }
  take(n: number): Buffer {
    const all = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#length);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#parts = rest.length ? [rest] : [];
    this.#length = rest.length;
    return out;
  }
}

/** Plaintext in, `header | chunks` out. */
export function createEncryptStream(key: FileKey): Transform {
  const s = sodium();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  const pending = new ChunkBuffer();
  let headerSent = false;
  const emitHeader = (stream: Transform) => {
    if (!headerSent) {
      stream.push(Buffer.from(header));
      headerSent = true;
    }
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      emitHeader(this);
      pending.push(chunk);
      // Keep at least one byte back: the last chunk must carry the FINAL tag.
      while (pending.length > FILE_CHUNK_BYTES) {
        const plain = pending.take(FILE_CHUNK_BYTES);
        this.push(s.crypto_secretstream_xchacha20poly1305_push(state, plain, null, s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
      }
      done();
    },
    flush(done: TransformCallback) {
      emitHeader(this);
      const last = pending.take(pending.length);
      this.push(s.crypto_secretstream_xchacha20poly1305_push(state, last, null, s.crypto_secretstream_xchacha20poly1305_TAG_FINAL));
      done();
    },
  });
}

/** `header | chunks` in, plaintext out; errors with FileCryptoError on any tampering. */
export function createDecryptStream(key: FileKey): Transform {
  const s = sodium();
  const pending = new ChunkBuffer();
  let state: ReturnType<typeof s.crypto_secretstream_xchacha20poly1305_init_pull> | null = null;
  let finished = false;
  const cipherChunk = FILE_CHUNK_BYTES + FILE_CHUNK_OVERHEAD;

  const pull = (stream: Transform, bytes: Buffer): FileCryptoError | null => {
    if (finished) return new FileCryptoError('trailing_data', 'data after the final chunk');
    const result = s.crypto_secretstream_xchacha20poly1305_pull(state!, bytes, null);
    if (!result) return new FileCryptoError('corrupt', 'chunk failed authentication (tampered, reordered or wrong key)');
    if (result.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL) finished = true;
    stream.push(result.message);
    return null;
  };

  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      pending.push(chunk);
      try {
        if (!state) {
          if (pending.length < FILE_HEADER_BYTES) return done();
          state = s.crypto_secretstream_xchacha20poly1305_init_pull(pending.take(FILE_HEADER_BYTES), key);
        }
        // Hold back one full chunk: only at the end do we know which one is last.
        while (pending.length > cipherChunk) {
          const error = pull(this, pending.take(cipherChunk));
          if (error) return done(error);
        }
        done();
      } catch {
        done(new FileCryptoError('corrupt', 'invalid stream header'));
      }
    },
    flush(done: TransformCallback) {
      if (!state) return done(new FileCryptoError('truncated', 'stream ended before its header'));
      if (pending.length > 0) {
        const error = pull(this, pending.take(pending.length));
        if (error) return done(error);
      }
      if (!finished) return done(new FileCryptoError('truncated', 'stream ended without its final chunk'));
      done();
    },
  });
}

/** Size of the ciphertext for a plaintext of `size` bytes (for quotas and progress). */
export function encryptedSize(size: number): number {
  const chunks = Math.max(1, Math.ceil(size / FILE_CHUNK_BYTES));
  return FILE_HEADER_BYTES + size + chunks * FILE_CHUNK_OVERHEAD;
}
