// Passphrase → key-encryption key (Argon2id), and wrapping of the random profile DB key with it.
//
//   WrappedKey = { v: 1, kdf: { alg, opsLimit, memLimitBytes, saltB64 }, nonceB64, ciphertextB64 }
//   kek        = Argon2id(passphrase, salt, ops, mem) (32 bytes)
//   ciphertext = XChaCha20-Poly1305(kek, nonce, key, ad = "klinikfunk/v1/dbkey-wrap" || kdf params)
//
// The KDF parameters are bound as associated data, so an attacker who edits profile.json to
// weaker parameters makes unwrapping fail instead of speeding up a guess. Changing the
// passphrase re-wraps the same DB key; the database is not re-encrypted.
import { fromBase64Url, toBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import { canonicalBytes } from '@klinikfunk/protocol/wire/canonical.ts';
import { asDbKey, wipe, type DbKey, type WrapKey } from '@klinikfunk/crypto/keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

export interface KdfParams {
  alg: 'argon2id13';
  opsLimit: number;
  memLimitBytes: number;
  saltB64: string;
}

export type KdfCost = Omit<KdfParams, 'saltB64'>;

export interface WrappedKey {
  v: 1;
  kdf: KdfParams;
  nonceB64: string;
  ciphertextB64: string;
}

export type UnwrapResult =
  { ok: true; key: DbKey } | { ok: false; reason: 'wrong_passphrase' | 'malformed' | 'unsupported_version' };

/** The floor from the security design: never weaker than 64 MiB and 3 passes. */
export const KDF_FLOOR: KdfCost = { alg: 'argon2id13', opsLimit: 3, memLimitBytes: 64 * 1024 * 1024 };
const WRAP_CONTEXT = 'klinikfunk/v1/dbkey-wrap';

/**
 * Test-only escape hatch: unit tests may use cheap parameters through this flag; production code
 * never sets it, and `assertCost` refuses weak parameters unless it is set.
 */
export const testing = { allowWeakKdf: false };

function assertCost(cost: KdfCost): void {
  if (cost.alg !== 'argon2id13') throw new Error('unsupported KDF');
  if (testing.allowWeakKdf) return;
  if (cost.opsLimit < KDF_FLOOR.opsLimit || cost.memLimitBytes < KDF_FLOOR.memLimitBytes) {
    throw new Error('KDF parameters below the floor (64 MiB, 3 passes)');
  }
}

function deriveKek(passphrase: string, salt: Uint8Array, cost: KdfCost): WrapKey {
  const s = sodium();
  return s.crypto_pwhash(
    32,
    utf8.encode(passphrase.normalize('NFC')),
    salt,
    cost.opsLimit,
    cost.memLimitBytes,
    s.crypto_pwhash_ALG_ARGON2ID13,
  ) as WrapKey;
}

/**
 * Chooses Argon2id parameters for this machine: starts at the floor and raises memory (then
 * passes) while one derivation stays under `targetMs`. Never returns less than the floor.
 */
export async function calibrateKdf(options: { targetMs?: number; maxMemBytes?: number } = {}): Promise<KdfCost> {
  const target = options.targetMs ?? 500;
  const maxMem = options.maxMemBytes ?? 256 * 1024 * 1024;
  let cost: KdfCost = { ...KDF_FLOOR };
  const salt = sodium().randombytes_buf(sodium().crypto_pwhash_SALTBYTES);
  const time = (c: KdfCost) => {
    const start = performance.now();
    wipe(deriveKek('calibration', salt, c));
    return performance.now() - start;
  };
  let elapsed = time(cost);
  while (elapsed * 2 <= target && cost.memLimitBytes * 2 <= maxMem) {
    cost = { ...cost, memLimitBytes: cost.memLimitBytes * 2 };
    elapsed *= 2;
  }
  while (elapsed * ((cost.opsLimit + 1) / cost.opsLimit) <= target && cost.opsLimit < 10) {
    elapsed *= (cost.opsLimit + 1) / cost.opsLimit;
    cost = { ...cost, opsLimit: cost.opsLimit + 1 };
  }
  return cost;
}

export function generateDbKey(): DbKey {
  return asDbKey(sodium().randombytes_buf(32));
}

const associatedData = (kdf: KdfParams) => canonicalBytes({ ctx: WRAP_CONTEXT, kdf: { ...kdf } });

export async function wrapKeyWithPassphrase(key: DbKey, passphrase: string, cost: KdfCost): Promise<WrappedKey> {
  assertCost(cost);
  const s = sodium();
  const salt = s.randombytes_buf(s.crypto_pwhash_SALTBYTES);
  const kdf: KdfParams = { ...cost, saltB64: toBase64Url(salt) };
  const kek = deriveKek(passphrase, salt, cost);
  try {
    const nonce = s.randombytes_buf(s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(key, associatedData(kdf), null, nonce, kek);
    return { v: 1, kdf, nonceB64: toBase64Url(nonce), ciphertextB64: toBase64Url(ciphertext) };
  } finally {
    wipe(kek);
  }
}

export async function unwrapKeyWithPassphrase(wrapped: WrappedKey, passphrase: string): Promise<UnwrapResult> {
  if (wrapped?.v !== 1) return { ok: false, reason: 'unsupported_version' };
  const kdf = wrapped.kdf;
  const salt = fromBase64Url(kdf?.saltB64 ?? '');
  const nonce = fromBase64Url(wrapped.nonceB64 ?? '');
  const ciphertext = fromBase64Url(wrapped.ciphertextB64 ?? '');
  const s = sodium();
  if (
    !salt ||
    salt.length !== s.crypto_pwhash_SALTBYTES ||
    !nonce ||
    nonce.length !== 24 ||
    !ciphertext ||
    ciphertext.length !== 48
  ) {
    return { ok: false, reason: 'malformed' };
  }
  try {
    assertCost(kdf);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const kek = deriveKek(passphrase, salt, kdf);
  try {
    const key = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, associatedData(kdf), nonce, kek);
    return { ok: true, key: asDbKey(key) };
  } catch {
    // Wrong passphrase and a tampered wrap look the same by design (AEAD failure).
    return { ok: false, reason: 'wrong_passphrase' };
  } finally {
    wipe(kek);
  }
}

/** Argon2id hash of a short secret (the PIN) for later verification. */
export async function hashSecret(secret: string, cost: KdfCost): Promise<{ kdf: KdfParams; hashB64: string }> {
  assertCost(cost);
  const salt = sodium().randombytes_buf(sodium().crypto_pwhash_SALTBYTES);
  const hash = deriveKek(secret, salt, cost);
  try {
    return { kdf: { ...cost, saltB64: toBase64Url(salt) }, hashB64: toBase64Url(hash) };
  } finally {
    wipe(hash);
  }
}

export async function verifySecret(secret: string, stored: { kdf: KdfParams; hashB64: string }): Promise<boolean> {
  const salt = fromBase64Url(stored.kdf.saltB64);
  const expected = fromBase64Url(stored.hashB64);
  if (!salt || !expected || expected.length !== 32) return false;
  try {
    assertCost(stored.kdf);
  } catch {
    return false;
  }
  const actual = deriveKek(secret, salt, stored.kdf);
  try {
    return sodium().memcmp(actual, expected);
  } finally {
    wipe(actual);
  }
}
