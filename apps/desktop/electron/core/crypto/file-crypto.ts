// size: the streaming file format (its comment below), the chunk buffering and the Node streams over it; the streams are the next seam.
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
//
// Two ways in, one format. `encryptFile`/`decryptFile` (file to file: attachments into the blob
// store, export) read and write through buffers allocated once per file and allocate nothing per
// chunk, so memory stays flat at any size. The Node streams (`createEncryptStream`/
// `createDecryptStream`, for sources and sinks that are streams) must hand every consumer a buffer
// of its own: one allocation per input chunk, exactly the size of what it produced, and no other
// copy. Both run on the same core: the libsodium functions write into a block of wasm memory per
// file (state, one chunk in, one chunk out), which the libsodium-wrappers API, returning a fresh
// array per call, cannot do.
import { open, rm, type FileHandle } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { asFileKey, type FileKey } from '@klinikfunk/crypto/keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

export const FILE_CHUNK_BYTES = 64 * 1024;
export const FILE_HEADER_BYTES = 24;
export const FILE_CHUNK_OVERHEAD = 17;

const CIPHER_CHUNK_BYTES = FILE_CHUNK_BYTES + FILE_CHUNK_OVERHEAD;
/** encryptFile/decryptFile read 16 chunks per call. */
const FILE_IO_CHUNKS = 16;

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
 * The emscripten module under libsodium-wrappers-sumo (`sodium.libsodium`, not in its typings).
 * In this build 64-bit lengths are passed as two 32-bit halves (low, high), as the wrappers do.
 */
interface SodiumWasm {
  readonly HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _crypto_secretstream_xchacha20poly1305_statebytes(): number;
  _crypto_secretstream_xchacha20poly1305_init_push(state: number, header: number, key: number): number;
  _crypto_secretstream_xchacha20poly1305_init_pull(state: number, header: number, key: number): number;
  _crypto_secretstream_xchacha20poly1305_push(
    state: number,
    c: number,
    clenP: number,
    m: number,
    mlenLow: number,
    mlenHigh: number,
    ad: number,
    adlenLow: number,
    adlenHigh: number,
    tag: number,
  ): number;
  _crypto_secretstream_xchacha20poly1305_pull(
    state: number,
    m: number,
    mlenP: number,
    tagP: number,
    c: number,
    clenLow: number,
    clenHigh: number,
    ad: number,
    adlenLow: number,
    adlenHigh: number,
  ): number;
}

function sodiumWasm(): SodiumWasm {
  const wasm = (sodium() as unknown as { libsodium?: Partial<SodiumWasm> }).libsodium;
  // A different build (e.g. with 64-bit integers as BigInt) would change these arities.
  if (
    wasm?._crypto_secretstream_xchacha20poly1305_push?.length !== 10 ||
    wasm._crypto_secretstream_xchacha20poly1305_pull?.length !== 10 ||
    !wasm.HEAPU8
  ) {
    throw new Error(
      'libsodium-wrappers-sumo no longer exposes the secretstream exports file-crypto.ts calls; update it',
    );
  }
  return wasm as SodiumWasm;
}

// Layout of the wasm block of one file (offsets 16-byte aligned).
const STATE_AT = 0;
const KEY_AT = 64;
const HEADER_AT = 96;
const TAG_AT = 128;
const IN_AT = 144;
const OUT_AT = IN_AT + 65568; // >= CIPHER_CHUNK_BYTES
const BLOCK_BYTES = OUT_AT + 65568;

/** One secretstream state with its wasm block; `release()` wipes and frees it. */
class SecretStream {
  readonly header: Buffer;
  readonly #wasm = sodiumWasm();
  readonly #final = sodium().crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  readonly #message = sodium().crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  #base: number;
  /** Whether the last chunk opened carried the FINAL tag. */
  final = false;

  /** Without a header, a new stream to push to (its header generated); with one, a stream to pull from. */
  constructor(key: FileKey, header?: Uint8Array) {
    const wasm = this.#wasm;
    if (wasm._crypto_secretstream_xchacha20poly1305_statebytes() > KEY_AT - STATE_AT)
      throw new Error('secretstream state larger than expected');
    this.#base = wasm._malloc(BLOCK_BYTES);
    if (!this.#base) throw new Error('out of wasm memory');
    const at = this.#base;
    wasm.HEAPU8.set(key, at + KEY_AT);
    if (header) wasm.HEAPU8.set(header, at + HEADER_AT);
    const result = header
      ? wasm._crypto_secretstream_xchacha20poly1305_init_pull(at + STATE_AT, at + HEADER_AT, at + KEY_AT)
      : wasm._crypto_secretstream_xchacha20poly1305_init_push(at + STATE_AT, at + HEADER_AT, at + KEY_AT);
    wasm.HEAPU8.fill(0, at + KEY_AT, at + KEY_AT + key.length);
    if (result !== 0) {
      this.release();
      throw new FileCryptoError('corrupt', 'invalid stream header');
    }
    this.header = Buffer.from(wasm.HEAPU8.subarray(at + HEADER_AT, at + HEADER_AT + FILE_HEADER_BYTES));
  }

  /** Seals one chunk of plaintext into `out` at `offset`; returns the bytes written. */
  seal(plain: Uint8Array, final: boolean, out: Uint8Array, offset: number): number {
    const wasm = this.#wasm;
    const at = this.#live();
    wasm.HEAPU8.set(plain, at + IN_AT);
    if (
      wasm._crypto_secretstream_xchacha20poly1305_push(
        at + STATE_AT,
        at + OUT_AT,
        0,
        at + IN_AT,
        plain.length,
        0,
        0,
        0,
        0,
        final ? this.#final : this.#message,
      ) !== 0
    ) {
      throw new Error('secretstream push failed');
    }
    const length = plain.length + FILE_CHUNK_OVERHEAD;
    out.set(wasm.HEAPU8.subarray(at + OUT_AT, at + OUT_AT + length), offset);
    return length;
  }

  /** Opens one chunk into `out` at `offset`; returns the plaintext length, or -1 if it does not authenticate. */
  open(cipher: Uint8Array, out: Uint8Array, offset: number): number {
    if (cipher.length < FILE_CHUNK_OVERHEAD) return -1;
    const wasm = this.#wasm;
    const at = this.#live();
    wasm.HEAPU8.set(cipher, at + IN_AT);
    if (
      wasm._crypto_secretstream_xchacha20poly1305_pull(
        at + STATE_AT,
        at + OUT_AT,
        0,
        at + TAG_AT,
        at + IN_AT,
        cipher.length,
        0,
        0,
        0,
        0,
      ) !== 0
    )
      return -1;
    this.final = wasm.HEAPU8[at + TAG_AT] === this.#final;
    const length = cipher.length - FILE_CHUNK_OVERHEAD;
    out.set(wasm.HEAPU8.subarray(at + OUT_AT, at + OUT_AT + length), offset);
    return length;
  }

  release(): void {
    if (!this.#base) return;
    this.#wasm.HEAPU8.fill(0, this.#base, this.#base + BLOCK_BYTES);
    this.#wasm._free(this.#base);
    this.#base = 0;
  }

  #live(): number {
    if (!this.#base) throw new Error('secretstream used after release');
    return this.#base;
  }
}

/**
 * Cuts a byte stream into pieces of exactly `size` bytes. A piece that lies inside one input chunk
 * is handed out as a view of it (no copy); only a piece that straddles input chunks is assembled,
 * in one buffer allocated once per stream. A piece is valid only during the `each` call.
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

  /** How many pieces `write` hands out for an input of `n` bytes. */
  count(n: number): number {
    if (this.#holdFull) return n === 0 ? 0 : Math.floor((this.#staged + n - 1) / this.#size);
    return Math.floor((this.#staged + n) / this.#size);
  }

  /** Bytes waiting for the next input or the end. */
  get staged(): number {
    return this.#staged;
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

/** Plaintext in, chunks out, into buffers the caller provides (the header is `header`). */
class Sealer {
  readonly #stream: SecretStream;
  // Keep a full chunk back until more data follows: the last chunk must carry the FINAL tag.
  readonly #chunker = new Chunker(FILE_CHUNK_BYTES, true);
  constructor(key: FileKey) {
    this.#stream = new SecretStream(key);
  }
  get header(): Buffer {
    return this.#stream.header;
  }
  /** Exactly what `update` writes for `n` more bytes of plaintext. */
  updateLength(n: number): number {
    return this.#chunker.count(n) * CIPHER_CHUNK_BYTES;
  }
  update(plain: Uint8Array, out: Uint8Array): number {
    let written = 0;
    this.#chunker.write(plain, (piece) => (written += this.#stream.seal(piece, false, out, written)));
    return written;
  }
  /** Exactly what `final` writes. */
  finalLength(): number {
    return this.#chunker.staged + FILE_CHUNK_OVERHEAD;
  }
  final(out: Uint8Array): number {
    return this.#stream.seal(this.#chunker.rest(), true, out, 0);
  }
  release(): void {
    this.#stream.release();
  }
}

/** `header | chunks` in, plaintext out, into buffers the caller provides; throws FileCryptoError. */
class Opener {
  readonly #key: FileKey;
  readonly #header = Buffer.alloc(FILE_HEADER_BYTES);
  #headerBytes = 0;
  #stream: SecretStream | null = null;
  #finished = false;
  // Chunk boundaries are fixed and the FINAL tag marks the last one, so a complete chunk is opened
  // as soon as its bytes are in; only a shorter last chunk waits for the end of the input.
  readonly #chunker = new Chunker(CIPHER_CHUNK_BYTES, false);
  constructor(key: FileKey) {
    this.#key = key;
  }
  /** Exactly what `update` writes for `n` more bytes of input, if it succeeds. */
  updateLength(n: number): number {
    const body = n - Math.min(n, FILE_HEADER_BYTES - this.#headerBytes);
    return this.#chunker.count(body) * FILE_CHUNK_BYTES;
  }
  update(input: Uint8Array, out: Uint8Array): number {
    let rest = input;
    if (!this.#stream) {
      const take = Math.min(FILE_HEADER_BYTES - this.#headerBytes, rest.length);
      this.#header.set(rest.subarray(0, take), this.#headerBytes);
      this.#headerBytes += take;
      rest = rest.subarray(take);
      if (this.#headerBytes < FILE_HEADER_BYTES) return 0;
      this.#stream = new SecretStream(this.#key, this.#header);
    }
    if (this.#finished && rest.length > 0) throw new FileCryptoError('trailing_data', 'data after the final chunk');
    let written = 0;
    this.#chunker.write(rest, (piece) => (written += this.#open(piece, out, written)));
    return written;
  }
  /** At most what `final` writes. */
  finalLength(): number {
    return Math.max(0, this.#chunker.staged - FILE_CHUNK_OVERHEAD);
  }
  final(out: Uint8Array): number {
    if (!this.#stream) throw new FileCryptoError('truncated', 'stream ended before its header');
    const last = this.#chunker.rest();
    const written = last.length > 0 ? this.#open(last, out, 0) : 0;
    if (!this.#finished) throw new FileCryptoError('truncated', 'stream ended without its final chunk');
    return written;
  }
  release(): void {
    this.#stream?.release();
  }
  #open(piece: Uint8Array, out: Uint8Array, offset: number): number {
    if (this.#finished) throw new FileCryptoError('trailing_data', 'data after the final chunk');
    const written = this.#stream!.open(piece, out, offset);
    if (written < 0)
      throw new FileCryptoError('corrupt', 'chunk failed authentication (tampered, reordered, cut or wrong key)');
    if (this.#stream!.final) this.#finished = true;
    return written;
  }
}

const NOTHING = Buffer.alloc(0);
const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** Plaintext in, `header | chunks` out. */
export function createEncryptStream(key: FileKey): Transform {
  // Set up on the first write (or the end), so a stream never used holds no wasm memory.
  let sealer: Sealer | null = null;
  const start = (stream: Transform): Sealer => {
    if (!sealer) {
      sealer = new Sealer(key);
      stream.push(sealer.header);
    }
    return sealer;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        const active = start(this);
        // One buffer per input chunk, exactly the size of the chunks it completes: the consumer owns it.
        const length = active.updateLength(chunk.length);
        const out = length > 0 ? Buffer.allocUnsafe(length) : NOTHING;
        active.update(chunk, out);
        if (length > 0) this.push(out);
        done();
      } catch (error) {
        done(asError(error));
      }
    },
    flush(done: TransformCallback) {
      try {
        const active = start(this);
        const out = Buffer.allocUnsafe(active.finalLength());
        active.final(out);
        this.push(out);
        done();
      } catch (error) {
        done(asError(error));
      }
    },
    destroy(error, done) {
      sealer?.release();
      done(error);
    },
  });
}

/** `header | chunks` in, plaintext out; errors with FileCryptoError on any tampering. */
export function createDecryptStream(key: FileKey): Transform {
  const opener = new Opener(key);
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        const length = opener.updateLength(chunk.length);
        const out = length > 0 ? Buffer.allocUnsafe(length) : NOTHING;
        opener.update(chunk, out);
        if (length > 0) this.push(out);
        done();
      } catch (error) {
        done(asError(error));
      }
    },
    flush(done: TransformCallback) {
      try {
        const out = Buffer.allocUnsafe(opener.finalLength());
        const written = opener.final(out);
        if (written > 0) this.push(out.subarray(0, written));
        done();
      } catch (error) {
        done(asError(error));
      }
    },
    destroy(error, done) {
      opener.release();
      done(error);
    },
  });
}

/** Reads until `buffer` is full or the file ends; returns the bytes read. */
async function readFull(file: FileHandle, buffer: Buffer): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += (await file.write(bytes, done, bytes.length - done)).bytesWritten;
}

/**
 * Runs `from` through a sealer or opener into `to` (created or replaced), 16 chunks per read, with
 * one input and one output buffer for the whole file. On failure `to` is removed, so neither a
 * partial blob nor unauthenticated plaintext stays behind.
 */
async function transformFile(codec: Sealer | Opener, readBytes: number, from: string, to: string): Promise<void> {
  const input = Buffer.allocUnsafe(readBytes);
  // A read of 16 chunks' worth plus what was staged from the last one completes at most 16 chunks.
  const output = Buffer.allocUnsafe((FILE_IO_CHUNKS + 1) * CIPHER_CHUNK_BYTES);
  let source: FileHandle | undefined;
  let target: FileHandle | undefined;
  try {
    source = await open(from, 'r');
    target = await open(to, 'w');
    if (codec instanceof Sealer) await writeAll(target, codec.header);
    for (;;) {
      const read = await readFull(source, input);
      if (read > 0) await writeAll(target, output.subarray(0, codec.update(input.subarray(0, read), output)));
      if (read < input.length) break;
    }
    await writeAll(target, output.subarray(0, codec.final(output)));
    await target.close();
    target = undefined;
  } catch (error) {
    if (target) {
      await target.close().catch(() => {});
      await rm(to, { force: true }).catch(() => {});
    }
    throw error;
  } finally {
    codec.release();
    await source?.close().catch(() => {});
  }
}

/** Encrypts the file `from` into `to` (same bytes as createEncryptStream), allocating nothing per chunk. */
export function encryptFile(key: FileKey, from: string, to: string): Promise<void> {
  return transformFile(new Sealer(key), FILE_IO_CHUNKS * FILE_CHUNK_BYTES, from, to);
}

/** Decrypts `from` into `to`; throws FileCryptoError on any tampering, leaving no `to` behind. */
export function decryptFile(key: FileKey, from: string, to: string): Promise<void> {
  return transformFile(new Opener(key), FILE_IO_CHUNKS * CIPHER_CHUNK_BYTES, from, to);
}

/** Size of the ciphertext for a plaintext of `size` bytes (for quotas and progress). */
export function encryptedSize(size: number): number {
  const chunks = Math.max(1, Math.ceil(size / FILE_CHUNK_BYTES));
  return FILE_HEADER_BYTES + size + chunks * FILE_CHUNK_OVERHEAD;
}
