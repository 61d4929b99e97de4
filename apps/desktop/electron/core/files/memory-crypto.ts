// Small payloads (thumbnails, previews) encrypted or decrypted in memory with the same
// secretstream format as files on disk (protocol.md, "Files"), so one reader serves both.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptStream, createEncryptStream } from '../crypto/file-crypto.ts';
import type { FileKey } from '@klinikfunk/crypto/keys.ts';

async function collect(source: Readable, transform: NodeJS.ReadWriteStream, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  await pipeline(source, transform, async (chunks: AsyncIterable<string | Buffer>) => {
    for await (const chunk of chunks) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += bytes.length;
      if (size > limit) throw new Error('larger than the limit');
      parts.push(bytes);
    }
  });
  return Buffer.concat(parts, size);
}

export function encryptBytes(key: FileKey, plain: Uint8Array): Promise<Buffer> {
  return collect(
    Readable.from([Buffer.from(plain)]),
    createEncryptStream(key),
    plain.length + 1024 + plain.length / 1000,
  );
}

export function decryptBytes(key: FileKey, sealed: Uint8Array): Promise<Buffer> {
  return collect(Readable.from([Buffer.from(sealed)]), createDecryptStream(key), sealed.length);
}

/** Decrypts a cached ciphertext file into memory only (previews): plaintext never touches the disk. */
export function decryptFileToMemory(key: FileKey, path: string, limit: number): Promise<Buffer> {
  return collect(createReadStream(path, { highWaterMark: 1024 * 1024 }), createDecryptStream(key), limit);
}
