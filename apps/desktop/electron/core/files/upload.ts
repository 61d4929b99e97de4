// One upload: plaintext chunks from the renderer go straight into a secretstream encryptor whose
// output (ciphertext only) is hashed, written to a temporary file in the encrypted cache and, in
// segments, sent to the relay while the rest is still arriving (segment-sender.ts). On finish the
// file.share event carries the key, the hashes and the segment list inside the channel's
// encryption. The plaintext is never written anywhere, and no more than a few segments of
// ciphertext are held in memory, whatever the file's size.
//
//   renderer ─chunk─► encrypt (64 KiB secretstream) ─► (BLAKE2b) ─► files/.up-<id> ─► files/<blob id>
//                                                           └─► segments ─► relay putBlob (overlapping)
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { createEncryptStream, generateFileKey } from '../crypto/file-crypto.ts';
import type { FileKey } from '@klinikfunk/crypto/keys.ts';
import type { BlobProgress, Transport } from '../transport/transport.ts';
import { blobPath, CiphertextHasher, partsId, storeBlob } from './blob-cache.ts';
import { encryptBytes } from './memory-crypto.ts';
import { segmentBytesFor, SegmentSender } from './segment-sender.ts';
import { TransferCancelled } from './transfers.ts';

export interface UploadMeta {
  uploadId: string;
  profileId: string;
  channelId: string;
  name: string;
  mimeType: string;
  size: number;
}

export interface SealedUpload {
  /** The cache name: the one blob's hash, or partsId of several. */
  blobId: string;
  /** Relay blobs holding the ciphertext in order; one part is the blob `blobId` itself. */
  parts: string[];
  keyB64: string;
  hashB64: string;
  thumbnailBlobId: string | null;
}

export class Upload {
  readonly meta: UploadMeta;
  readonly #key: FileKey = generateFileKey();
  readonly #temp: string;
  readonly #filesDir: string;
  readonly #encrypt = createEncryptStream(this.#key);
  readonly #hasher = new CiphertextHasher();
  readonly #sender: SegmentSender;
  readonly #written: Promise<void>;
  readonly #segmentLimit: number;
  /** Sealed ciphertext moved into the cache (file, thumbnail): a discard after a half-done seal removes it. */
  readonly #cached: string[] = [];
  readonly #thumbnailBlobs = new Set<string>();
  #segment: Buffer[] = [];
  #segmentBytes = 0;
  #flushedAny = false;
  #received = 0;
  #progress: (p: BlobProgress) => void = () => {};

  constructor(meta: UploadMeta, filesDir: string, transport: Transport) {
    this.meta = meta;
    this.#filesDir = filesDir;
    this.#temp = join(filesDir, `.up-${meta.uploadId}`);
    this.#segmentLimit = segmentBytesFor(meta.size);
    this.#sender = new SegmentSender(transport, meta.size, (p) => this.#progress(p));
    const tap = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        // BLAKE2b only while the file may still be one part; a file in parts is vouched for by its parts' hashes.
        if (!this.#flushedAny) this.#hasher.update(chunk);
        this.#segment.push(chunk);
        this.#segmentBytes += chunk.length;
        if (this.#segmentBytes < this.#segmentLimit) return done(null, chunk);
        // Waiting here holds the encryptor, and through it the renderer's next chunk.
        this.#flushSegment().then(() => done(null, chunk), done);
      },
      flush: (done) => {
        this.#flushSegment().then(() => done(), done);
      },
    });
    this.#written = pipeline(this.#encrypt, tap, createWriteStream(this.#temp, { mode: 0o600 }));
    // Errors surface at the next write or at finish; never as an unhandled rejection.
    this.#written.catch(() => {});
  }

  /** Progress of the relay transfer, which runs while chunks are still being written. */
  onProgress(listener: (p: BlobProgress) => void): void {
    this.#progress = listener;
  }

  async #flushSegment(): Promise<void> {
    if (this.#segmentBytes === 0) return;
    this.#flushedAny = true;
    const segment = Buffer.concat(this.#segment, this.#segmentBytes);
    this.#segment = [];
    this.#segmentBytes = 0;
    await this.#sender.push(segment);
  }

  get received(): number {
    return this.#received;
  }

  /** Appends the next chunk; chunks must arrive in order and stay within the announced size. */
  async write(offset: number, chunk: Buffer): Promise<number> {
    if (offset !== this.#received) throw new RangeError(`chunk at ${offset}, expected ${this.#received}`);
    if (this.#received + chunk.length > this.meta.size) throw new RangeError('more bytes than announced');
    this.#received += chunk.length;
    if (!this.#encrypt.write(chunk)) await Promise.race([once(this.#encrypt, 'drain'), this.#written]);
    return this.#received;
  }

  /** Ends encryption, waits for the last segments to reach the relay, uploads an encrypted thumbnail. */
  async seal(transport: Transport, thumbnail: Uint8Array | null): Promise<SealedUpload> {
    if (this.#received !== this.meta.size)
      throw new RangeError(`received ${this.#received} of ${this.meta.size} bytes`);
    this.#encrypt.end();
    await this.#written;
    const parts = await this.#sender.finish();
    const blobId = parts.length === 1 ? parts[0]! : partsId(parts);
    await rename(this.#temp, blobPath(this.#filesDir, blobId));
    this.#cached.push(blobId);
    let thumbnailBlobId: string | null = null;
    if (thumbnail) {
      // The same key with a fresh stream header (random nonce): secretstream allows this safely.
      const sealed = await encryptBytes(this.#key, thumbnail);
      thumbnailBlobId = (await transport.putBlob(sealed, { onHash: (hash) => this.#thumbnailBlobs.add(hash) })).hash;
      await storeBlob(this.#filesDir, thumbnailBlobId, sealed);
      this.#cached.push(thumbnailBlobId);
    }
    const hashB64 = toBase64Url(parts.length === 1 ? this.#hasher.digest() : Buffer.from(blobId, 'hex'));
    return { blobId, parts, keyB64: toBase64Url(this.#key), hashB64, thumbnailBlobId };
  }

  /** Stops sending: the next write or seal fails with TransferCancelled. */
  cancel(): void {
    this.#sender.abort(new TransferCancelled());
  }

  /** The relay blobs this upload began, its thumbnail's too: what a dropped upload leaves at the relay. */
  get relayBlobs(): string[] {
    return [...this.#sender.begun, ...this.#thumbnailBlobs];
  }

  /**
   * Drops the partial ciphertext (cancel, failure, sign-out), and what a seal that failed half way
   * (the thumbnail refused) already put into the cache.
   */
  async discard(): Promise<void> {
    this.#sender.abort(new Error('upload discarded'));
    this.#encrypt.destroy();
    await this.#written.catch(() => {});
    await rm(this.#temp, { force: true });
    for (const blobId of this.#cached) await rm(blobPath(this.#filesDir, blobId), { force: true });
  }
}
