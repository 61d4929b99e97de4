// Backup of the organisation key for a second admin device or for recovery: a small JSON file,
// the 64-byte Ed25519 org secret sealed with a key derived from a passphrase.
//
//   file       = { format: "klinikfunk-org-key-backup", v: 1, orgId, orgName, orgPublicKey, createdAt,
//                  kdf: { alg: "argon2id13", opsLimit, memLimitBytes, saltB64 }, nonceB64, ciphertextB64 }
//   kek        = Argon2id(passphrase NFC, salt(16), ops, mem)                      (32 bytes)
//   ciphertext = XChaCha20-Poly1305(kek, nonce(24), orgSecret(64),
//                  ad = canonical({ ctx: "klinikfunk/v1/org-key-backup", orgId, orgPublicKey, kdf }))
//
// The organisation, its public key and the KDF parameters are associated data: a file edited to
// another organisation or to weaker parameters does not open. On import the secret's public half
// must equal the organisation key this device already trusts, so a backup can never swap in a
// foreign organisation.
import { z } from 'zod';
import { bytesEqual, fromBase64Url, toBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import { canonicalBytes } from '@klinikfunk/protocol/wire/canonical.ts';
import { KDF_FLOOR, testing, type KdfCost, type KdfParams } from '../crypto/kdf.ts';
import { wipe } from '@klinikfunk/crypto/keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

export const ORG_KEY_BACKUP_FORMAT = 'klinikfunk-org-key-backup';
const CONTEXT = 'klinikfunk/v1/org-key-backup';

/** Stronger than the profile floor: the file may sit on a USB stick in a safe for years. */
export const ORG_KEY_BACKUP_KDF: KdfCost = { alg: 'argon2id13', opsLimit: 4, memLimitBytes: 128 * 1024 * 1024 };
export const BACKUP_PASSPHRASE_MIN = 12;

const b64 = z.string().regex(/^[A-Za-z0-9_-]+$/);
export const orgKeyBackupSchema = z.strictObject({
  format: z.literal(ORG_KEY_BACKUP_FORMAT),
  v: z.literal(1),
  orgId: z.string().min(8).max(64),
  orgName: z.string().max(200),
  orgPublicKey: b64,
  createdAt: z.number().int().nonnegative(),
  kdf: z.strictObject({
    alg: z.literal('argon2id13'),
    opsLimit: z.number().int().positive(),
    memLimitBytes: z.number().int().positive(),
    saltB64: b64,
  }),
  nonceB64: b64,
  ciphertextB64: b64,
});
export type OrgKeyBackup = z.output<typeof orgKeyBackupSchema>;

export type BackupOpenResult =
  | { ok: true; orgSecret: Uint8Array }
  | { ok: false; reason: 'malformed' | 'wrong_org' | 'wrong_passphrase' | 'weak_parameters' };

const associatedData = (orgId: string, orgPublicKey: string, kdf: KdfParams) =>
  canonicalBytes({ ctx: CONTEXT, orgId, orgPublicKey, kdf: { ...kdf } });

function deriveKek(passphrase: string, salt: Uint8Array, kdf: KdfCost): Uint8Array {
  const s = sodium();
  return s.crypto_pwhash(
    32,
    utf8.encode(passphrase.normalize('NFC')),
    salt,
    kdf.opsLimit,
    kdf.memLimitBytes,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
}

function belowFloor(kdf: KdfCost): boolean {
  return !testing.allowWeakKdf && (kdf.opsLimit < KDF_FLOOR.opsLimit || kdf.memLimitBytes < KDF_FLOOR.memLimitBytes);
}

export function exportOrgKeyBackup(input: {
  orgId: string;
  orgName: string;
  orgPublicKey: Uint8Array;
  orgSecret: Uint8Array;
  passphrase: string;
  now: number;
  cost?: KdfCost;
}): OrgKeyBackup {
  const cost = input.cost ?? ORG_KEY_BACKUP_KDF;
  if (belowFloor(cost)) throw new Error('KDF parameters below the floor (64 MiB, 3 passes)');
  if (input.passphrase.length < BACKUP_PASSPHRASE_MIN)
    throw new Error(`backup passphrase shorter than ${BACKUP_PASSPHRASE_MIN} characters`);
  if (input.orgSecret.length !== 64 || !bytesEqual(input.orgSecret.subarray(32), input.orgPublicKey))
    throw new Error('org secret does not belong to the org key');
  const s = sodium();
  const salt = s.randombytes_buf(s.crypto_pwhash_SALTBYTES);
  const kdf: KdfParams = {
    alg: 'argon2id13',
    opsLimit: cost.opsLimit,
    memLimitBytes: cost.memLimitBytes,
    saltB64: toBase64Url(salt),
  };
  const orgPublicKey = toBase64Url(input.orgPublicKey);
  const kek = deriveKek(input.passphrase, salt, cost);
  try {
    const nonce = s.randombytes_buf(s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(
      input.orgSecret,
      associatedData(input.orgId, orgPublicKey, kdf),
      null,
      nonce,
      kek,
    );
    return {
      format: ORG_KEY_BACKUP_FORMAT,
      v: 1,
      orgId: input.orgId,
      orgName: input.orgName,
      orgPublicKey,
      createdAt: input.now,
      kdf,
      nonceB64: toBase64Url(nonce),
      ciphertextB64: toBase64Url(ciphertext),
    };
  } finally {
    wipe(kek);
  }
}

/** Opens a backup file's text for the organisation this device trusts. */
export function openOrgKeyBackup(
  text: string,
  passphrase: string,
  expected: { orgId: string; orgPublicKey: Uint8Array },
): BackupOpenResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = orgKeyBackupSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const file = parsed.data;
  const publicKey = fromBase64Url(file.orgPublicKey);
  if (file.orgId !== expected.orgId || !publicKey || !bytesEqual(publicKey, expected.orgPublicKey))
    return { ok: false, reason: 'wrong_org' };
  if (belowFloor(file.kdf)) return { ok: false, reason: 'weak_parameters' };
  const s = sodium();
  const salt = fromBase64Url(file.kdf.saltB64);
  const nonce = fromBase64Url(file.nonceB64);
  const ciphertext = fromBase64Url(file.ciphertextB64);
  if (
    !salt ||
    salt.length !== s.crypto_pwhash_SALTBYTES ||
    !nonce ||
    nonce.length !== 24 ||
    !ciphertext ||
    ciphertext.length !== 64 + 16
  )
    return { ok: false, reason: 'malformed' };
  // Memory is bounded before Argon2id runs: a crafted file must not make the app allocate gigabytes.
  if (file.kdf.memLimitBytes > 1024 * 1024 * 1024 || file.kdf.opsLimit > 20) return { ok: false, reason: 'malformed' };
  const kek = deriveKek(passphrase, salt, file.kdf);
  let secret: Uint8Array;
  try {
    secret = s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      ciphertext,
      associatedData(file.orgId, file.orgPublicKey, file.kdf),
      nonce,
      kek,
    );
  } catch {
    return { ok: false, reason: 'wrong_passphrase' };
  } finally {
    wipe(kek);
  }
  // The secret must be the org key's: its seed must give the trusted public key.
  const derived = s.crypto_sign_seed_keypair(secret.subarray(0, 32));
  if (
    !bytesEqual(derived.publicKey, expected.orgPublicKey) ||
    !bytesEqual(secret.subarray(32), expected.orgPublicKey)
  ) {
    wipe(secret);
    return { ok: false, reason: 'wrong_org' };
  }
  return { ok: true, orgSecret: secret };
}

export const backupFileName = (orgName: string, now: number) =>
  `klinikfunk-organisationsschluessel-${
    orgName
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'organisation'
  }-${new Date(now).toISOString().slice(0, 10)}.json`;
