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

/**
 * Cuts a byte stream into pieces of exactly `size` bytes. A piece that lies inside one input chunk
 * is handed out as a view of it (no copy); only a piece that straddles input chunks is assembled,
 * in one buffer allocated once per stream. A piece is valid only during the `each` call. Nothing
 * is allocated per chunk, so the only per-chunk allocation of a file stream is its output.
 */
class Chunker {
  readonly #size: number;
  readonly #holdFull: boolean;
  readonly #stage: Buffer;
  #staged = 0;
  /** `holdFull`: hand out a complete piece only once a byte beyond it has arrived. */
  constructor(size: number, holdFull: boolean) {
    this.#size = size;
    this.#holdFull = holdFull;
    this.#stage = Buffer.allocUnsafe(size);
  }

  write(input: Uint8Array, each: (piece: Uint8Array) => void): void {
    const size = this.#size;
    let offset = 0;
    if (this.#staged > 0) {
      if (this.#staged < size) {
        offset = Math.min(size - this.#staged, input.length);
        this.#stage.set(input.subarray(0, offset), this.#staged);
        this.#staged += offset;
      }
      if (this.#staged < size || (this.#holdFull && offset === input.length)) return;
      each(this.#stage);
      this.#staged = 0;
    }
    const hold = this.#holdFull ? 1 : 0;
    while (input.length - offset >= size + hold) {
      each(input.subarray(offset, offset + size));
      offset += size;
    }
    if (offset < input.length) {
      this.#stage.set(input.subarray(offset), 0);
      this.#staged = input.length - offset;
    }
  }

  /** The bytes left over at the end of the stream (0 up to `size`). */
  rest(): Uint8Array {
    const rest = this.#stage.subarray(0, this.#staged);
    this.#staged = 0;
    return rest;
  }
}

/** Plaintext in, `header | chunks` out. */
export function createEncryptStream(key: FileKey): Transform {
  const s = sodium();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  // Keep a full chunk back until more data follows: the last chunk must carry the FINAL tag.
  const chunker = new Chunker(FILE_CHUNK_BYTES, true);
  let headerSent = false;
  const emitHeader = (stream: Transform) => {
    if (!headerSent) {
      stream.push(header);
      headerSent = true;
    }
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      emitHeader(this);
      // The wrapper copies `plain` into wasm memory and returns a fresh array with the ciphertext,
      // which goes downstream as is: one allocation per chunk, the one the consumer receives.
      chunker.write(chunk, (plain) => this.push(s.crypto_secretstream_xchacha20poly1305_push(state, plain, null, s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)));
      done();
    },
    flush(done: TransformCallback) {
      emitHeader(this);
      this.push(s.crypto_secretstream_xchacha20poly1305_push(state, chunker.rest(), null, s.crypto_secretstream_xchacha20poly1305_TAG_FINAL));
      done();
    },
  });
}

/** `header | chunks` in, plaintext out; errors with FileCryptoError on any tampering. */
export function createDecryptStream(key: FileKey): Transform {
  const s = sodium();
  const header = Buffer.alloc(FILE_HEADER_BYTES);
  let headerBytes = 0;
  let state: ReturnType<typeof s.crypto_secretstream_xchacha20poly1305_init_pull> | null = null;
  let finished = false;
  // Chunk boundaries are fixed, and the FINAL tag marks the last one, so a complete chunk is
  // opened as soon as its bytes are in; only a shorter last chunk waits for the end of the stream.
  const chunker = new Chunker(FILE_CHUNK_BYTES + FILE_CHUNK_OVERHEAD, false);

  const pull = (stream: Transform, bytes: Uint8Array): void => {
    if (finished) throw new FileCryptoError('trailing_data', 'data after the final chunk');
    if (bytes.length < FILE_CHUNK_OVERHEAD) throw new FileCryptoError('corrupt', 'chunk shorter than its authentication tag');
    const result = s.crypto_secretstream_xchacha20poly1305_pull(state!, bytes, null);
    if (!result) throw new FileCryptoError('corrupt', 'chunk failed authentication (tampered, reordered or wrong key)');
    if (result.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL) finished = true;
    stream.push(result.message);
  };
  const failure = (error: unknown, fallback: string) => (error instanceof FileCryptoError ? error : new FileCryptoError('corrupt', fallback));

  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        let rest: Uint8Array = chunk;
        if (!state) {
          const take = Math.min(FILE_HEADER_BYTES - headerBytes, rest.length);
          header.set(rest.subarray(0, take), headerBytes);
          headerBytes += take;
          rest = rest.subarray(take);
          if (headerBytes < FILE_HEADER_BYTES) return done();
          try {
            state = s.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
          } catch {
            throw new FileCryptoError('corrupt', 'invalid stream header');
          }
        }
        if (finished && rest.length > 0) throw new FileCryptoError('trailing_data', 'data after the final chunk');
        chunker.write(rest, (bytes) => pull(this, bytes));
        done();
      } catch (error) {
        done(failure(error, 'chunk could not be opened'));
      }
    },
    flush(done: TransformCallback) {
      if (!state) return done(new FileCryptoError('truncated', 'stream ended before its header'));
      try {
        const last = chunker.rest();
        if (last.length > 0) pull(this, last);
      } catch (error) {
        return done(failure(error, 'chunk could not be opened'));
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
