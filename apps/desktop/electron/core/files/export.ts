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

  /** Up to about `max` bytes of plaintext; `done` once the authenticated end of the file was read. */
  async next(max: number): Promise<{ data: Buffer; done: boolean }> {
    const parts: Buffer[] = [];
    let size = 0;
    while (size < max) {
      const step = await this.#chunks.next();
      if (step.done) return { data: Buffer.concat(parts, size), done: true };
      parts.push(step.value);
      size += step.value.length;
    }
    return { data: Buffer.concat(parts, size), done: false };
  }

  close(): void {
    this.#stop();
  }
}
