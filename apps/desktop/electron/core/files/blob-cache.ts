// The profile's encrypted file cache (`files/` in the profile folder): ciphertext exactly as the
// relay stores it, named by its content address. Plaintext is never written here. Blob ids come
// from other people's events, so only the relay's hex SHA-256 form is accepted as a file name
// (no path can be smuggled in).
import { existsSync } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fromBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { FILE_CHUNK_BYTES, FILE_CHUNK_OVERHEAD } from '../crypto/file-crypto.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';
import type { BlobProgress, Transport } from '../transport/transport.ts';

const BLOB_ID = /^[0-9a-f]{64}$/;

export function blobPath(filesDir: string, blobId: string): string {
  if (!BLOB_ID.test(blobId)) throw new AppError('not_found', 'Not a blob id this client stores.');
  return join(filesDir, blobId);
}

export const isCached = (filesDir: string, blobId: string): boolean =>
  BLOB_ID.test(blobId) && existsSync(join(filesDir, blobId));

/** BLAKE2b-256 of the ciphertext, as file.share carries it (hashB64). */
export function ciphertextHash(bytes: Uint8Array): Uint8Array {
  const hasher = new CiphertextHasher();
  hasher.update(bytes);
  return hasher.digest();
}

/** Incremental BLAKE2b-256, fed in slices so a large file never needs one wasm allocation its size. */
export class CiphertextHasher {
  readonly #state = sodium().crypto_generichash_init(null, 32);
  update(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += SLICE)
      sodium().crypto_generichash_update(this.#state, bytes.subarray(at, at + SLICE));
  }
  digest(): Uint8Array {
    return sodium().crypto_generichash_final(this.#state, 32);
  }
}
const SLICE = 1024 * 1024;

/** Writes through a temporary name, so a crash never leaves a half file under the blob's name. */
export async function storeBlob(filesDir: string, blobId: string, bytes: Uint8Array): Promise<string> {
  const target = blobPath(filesDir, blobId);
  const temp = join(filesDir, `.in-${randomUUID()}`);
  try {
    await writeFile(temp, bytes, { mode: 0o600 });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return target;
}

/**
 * The cache name of a file in several parts: BLAKE2b-256 over its part list under a context string.
 * Each part is checked against its own hash on download, so hashing the whole ciphertext again
 * (on both ends) would add nothing; this only makes the name unique and bound to the list. Not
 * SHA-256: single blobs are cached under their SHA-256, and anyone could upload the bytes of a part
 * list as a blob (a thumbnail) whose SHA-256 would then be this name and fill the cache entry first.
 */
export function partsId(parts: readonly string[]): string {
  const text = utf8.encode(`klinikfunk/v1/file-parts\n${parts.join('\n')}`);
  return Buffer.from(sodium().crypto_generichash(32, text, null)).toString('hex');
}

/**
 * The cached ciphertext's path, downloading it first when missing. For a file of one blob,
 * `hashB64` (from the event) is checked on top of the relay's SHA-256: the relay chose neither, so
 * a relay swapping blobs is caught. A file in several parts is fetched part by part into a
 * temporary file (the next part already on its way while one is written); there the sender-chosen
 * part hashes in the event play that role, and `blobId` must be their partsId.
 */
export async function ensureCached(
  transport: Transport,
  filesDir: string,
  blobId: string,
  hashB64: string | null,
  onProgress?: (progress: BlobProgress) => void,
  parts: readonly string[] = [blobId],
  plainSize?: number,
): Promise<string> {
  const path = blobPath(filesDir, blobId);
  if (existsSync(path)) return path;
  if (parts.length > 1) {
    if (partsId(parts) !== blobId) throw mismatch();
    if (hashB64 !== null && !sameHash(hashB64, Buffer.from(blobId, 'hex'))) throw mismatch();
    return fetchParts(transport, filesDir, blobId, parts, onProgress, plainSize);
  }
  if (parts[0] !== blobId) throw mismatch();
  const bytes = await transport.getBlob(blobId, { ...(onProgress ? { onProgress } : {}), timeoutMs: 120_000 });
  if (hashB64 !== null && !sameHash(hashB64, ciphertextHash(bytes))) throw mismatch();
  return storeBlob(filesDir, blobId, bytes);
}

const mismatch = () => new AppError('internal', 'The downloaded file does not match its hash.');

/** secretstream: a 24-byte header and 17 bytes per 64 KiB chunk (the last one may be empty). */
function ciphertextSizeLimit(plainSize: number): number {
  return plainSize + 24 + FILE_CHUNK_OVERHEAD * (Math.floor(plainSize / FILE_CHUNK_BYTES) + 1);
}

function sameHash(expectedB64: string, actual: Uint8Array): boolean {
  const expected = fromBase64Url(expectedB64);
  return !!expected && expected.length === actual.length && sodium().memcmp(expected, actual);
}

async function fetchParts(
  transport: Transport,
  filesDir: string,
  blobId: string,
  parts: readonly string[],
  onProgress?: (progress: BlobProgress) => void,
  plainSize?: number,
): Promise<string> {
  const temp = join(filesDir, `.in-${randomUUID()}`);
  // The ciphertext of `plainSize` bytes is at most this long: parts that add up to more are not
  // this file, and are not written to disk past it.
  const limit = plainSize === undefined ? Infinity : ciphertextSizeLimit(plainSize);
  let done = 0;
  const report = (at: number, partTotal: number) =>
    onProgress?.(
      plainSize === undefined
        ? { done: at, total: Math.max(at, done + partTotal) }
        : { done: Math.min(plainSize, at), total: plainSize },
    );
  const fetchPart = (i: number) =>
    transport.getBlob(parts[i]!, {
      timeoutMs: 120_000,
      onProgress: (p: BlobProgress) => report(done + p.done, p.total),
    });
  const file = await open(temp, 'wx', 0o600);
  try {
    let next: Promise<Uint8Array> | null = fetchPart(0);
    for (let i = 0; next; i++) {
      const bytes: Uint8Array = await next;
      done += bytes.length;
      if (done > limit) throw mismatch();
      next = i + 1 < parts.length ? fetchPart(i + 1) : null;
      // A failed prefetch is awaited (and thrown) in the next round, never left unhandled.
      next?.catch(() => {});
      await file.write(bytes);
    }
    await file.close();
    const target = blobPath(filesDir, blobId);
    await rename(temp, target);
    return target;
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}
