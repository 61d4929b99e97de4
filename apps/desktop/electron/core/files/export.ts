// Decrypting readers over cached ciphertext: "save as" hands the plaintext out in pieces to the
// renderer, which offers it as a download; the only moment plaintext touches the disk is where
// the user saves it.
import { createReadStream } from 'node:fs';
import { createDecryptStream } from '../crypto/file-crypto.ts';
import type { FileKey } from '@klinikfunk/crypto/keys.ts';

export class ExportReader {
  readonly profileId: string;
  readonly #chunks: AsyncIterator<Buffer>;
  readonly #stop: () => void;

  constructor(profileId: string, key: FileKey, cachedPath: string) {
    this.profileId = profileId;
    const source = createReadStream(cachedPath, { highWaterMark: 256 * 1024 });
    const decrypt = createDecryptStream(key);
    source.on('error', (error) => decrypt.destroy(error));
    source.pipe(decrypt);
    this.#chunks = decrypt[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.#stop = () => {
      source.destroy();
      decrypt.destroy();
    };
  }

  /** What a decrypted chunk held beyond the last piece's `max`: the start of the next piece. */
  #rest: Buffer | null = null;

  /** Up to `max` bytes of plaintext (the contract bounds a piece); `done` once the authenticated end of the file was read. */
  async next(max: number): Promise<{ data: Buffer; done: boolean }> {
    const parts: Buffer[] = this.#rest ? [this.#rest] : [];
    let size = this.#rest?.length ?? 0;
    this.#rest = null;
    while (size < max) {
      const step = await this.#chunks.next();
      if (step.done) return { data: Buffer.concat(parts, size), done: true };
      parts.push(step.value);
      size += step.value.length;
    }
    const all = Buffer.concat(parts, size);
    if (size > max) this.#rest = all.subarray(max);
    return { data: all.subarray(0, max), done: false };
  }

  close(): void {
    this.#stop();
  }
}
