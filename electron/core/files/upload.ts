// One upload: plaintext chunks from the renderer go straight into a secretstream encryptor whose
// output (ciphertext only) is hashed and written to a temporary file in the encrypted cache; on
// finish the ciphertext goes to the relay's blob store and the file.share event carries its key
// and hash inside the channel's encryption. The plaintext is never written anywhere.
//
//   renderer ─chunk─► encrypt (64 KiB secretstream) ─► BLAKE2b + files/.up-<id> ─► relay putBlob ─► files/<sha256>
//
// The transport's putBlob takes the ciphertext as one buffer (it hashes it for the content address
// first), so the ciphertext, never the plaintext, is held in memory during the transfer.
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toBase64Url } from '../../../shared/protocol/bytes.ts';
import { createEncryptStream, generateFileKey } from '../crypto/file-crypto.ts';
import type { FileKey } from '../crypto/keys.ts';
import type { BlobProgress, Transport } from '../transport/transport.ts';
import { blobPath, CiphertextHasher, storeBlob } from './blob-cache.ts';
import { encryptBytes } from './memory-crypto.ts';

export interface UploadMeta {
  uploadId: string;
  profileId: string;
  channelId: string;
  name: string;
  mimeType: string;
  size: number;
}

export interface SealedUpload {
  blobId: string;
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
  readonly #written: Promise<void>;
  #received = 0;

  constructor(meta: UploadMeta, filesDir: string) {
    this.meta = meta;
    this.#filesDir = filesDir;
    this.#temp = join(filesDir, `.up-${meta.uploadId}`);
    const hash = new PassThrough({
      transform: (chunk: Buffer, _encoding, done) => {
        this.#hasher.update(chunk);
        done(null, chunk);
      },
    });
    this.#written = pipeline(this.#encrypt, hash, createWriteStream(this.#temp, { mode: 0o600 }));
    // Errors surface at the next write or at finish; never as an unhandled rejection.
    this.#written.catch(() => {});
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

  /** Ends encryption, uploads ciphertext (and an encrypted thumbnail) to the relay. */
  async seal(transport: Transport, thumbnail: Uint8Array | null, onProgress: (p: BlobProgress) => void): Promise<SealedUpload> {
    if (this.#received !== this.meta.size) throw new RangeError(`received ${this.#received} of ${this.meta.size} bytes`);
    this.#encrypt.end();
    await this.#written;
    const ciphertext = await readFile(this.#temp);
    const { hash: blobId } = await transport.putBlob(ciphertext, { onProgress, timeoutMs: 120_000 });
    await rename(this.#temp, blobPath(this.#filesDir, blobId));
    let thumbnailBlobId: string | null = null;
    if (thumbnail) {
      // The same key with a fresh stream header (random nonce): secretstream allows this safely.
      const sealed = await encryptBytes(this.#key, thumbnail);
      thumbnailBlobId = (await transport.putBlob(sealed)).hash;
      await storeBlob(this.#filesDir, thumbnailBlobId, sealed);
    }
    return { blobId, keyB64: toBase64Url(this.#key), hashB64: toBase64Url(this.#hasher.digest()), thumbnailBlobId };
  }

  /** Drops the partial ciphertext (cancel, failure, sign-out). */
  async discard(): Promise<void> {
    this.#encrypt.destroy();
    await this.#written.catch(() => {});
    await rm(this.#temp, { force: true });
  }
}
