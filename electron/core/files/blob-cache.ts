// The profile's encrypted file cache (`files/` in the profile folder): ciphertext exactly as the
// relay stores it, named by its content address. Plaintext is never written here. Blob ids come
// from other people's events, so only the relay's hex SHA-256 form is accepted as a file name
// (no path can be smuggled in).
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fromBase64Url } from '../../../shared/protocol/bytes.ts';
import { AppError } from '../../../shared/api/result.ts';
import { sodium } from '../crypto/sodium.ts';
import type { BlobProgress, Transport } from '../transport/transport.ts';

const BLOB_ID = /^[0-9a-f]{64}$/;

export function blobPath(filesDir: string, blobId: string): string {
  if (!BLOB_ID.test(blobId)) throw new AppError('not_found', 'Not a blob id this client stores.');
  return join(filesDir, blobId);
}

export const isCached = (filesDir: string, blobId: string): boolean => BLOB_ID.test(blobId) && existsSync(join(filesDir, blobId));

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
    for (let at = 0; at < bytes.length; at += SLICE) sodium().crypto_generichash_update(this.#state, bytes.subarray(at, at + SLICE));
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
 * The cached ciphertext's path, downloading it first when missing. `hashB64` (from the event) is
 * checked on top of the relay's SHA-256: the relay chose neither, so a relay swapping blobs is caught.
 */
export async function ensureCached(
  transport: Transport,
  filesDir: string,
  blobId: string,
  hashB64: string | null,
  onProgress?: (progress: BlobProgress) => void,
): Promise<string> {
  const path = blobPath(filesDir, blobId);
  if (existsSync(path)) return path;
  const bytes = await transport.getBlob(blobId, { ...(onProgress ? { onProgress } : {}), timeoutMs: 120_000 });
  if (hashB64 !== null) {
    const expected = fromBase64Url(hashB64);
    const actual = ciphertextHash(bytes);
    if (!expected || expected.length !== actual.length || !sodium().memcmp(expected, actual)) throw new AppError('internal', 'The downloaded file does not match its hash.');
  }
  return storeBlob(filesDir, blobId, bytes);
}
