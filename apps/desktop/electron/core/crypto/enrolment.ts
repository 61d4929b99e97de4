// Registration keys: one-time codes an admin prints on a letter for one new user.
//
//   code (160 bits) = secret (136 bits, random) || checksum (24 bits = BLAKE2b(secret)[0..3])
//   shown as 32 Crockford base32 characters in 8 groups of 4:  K7Q2-9XMD-...-4HPN
//   enrolment key pair = Ed25519 seed BLAKE2b-256(key = "klinikfunk/v1/enrol", secret)
//
// The admin signs { org, user, enrolment public key, expiry } with the org key. The new device
// derives the same pair from the typed code and signs its own device certificate with it; the
// relay then burns the enrolment. The checksum catches typing errors before anything is sent
// (a wrong character passes with probability 2^-24). Crockford's alphabet has no I, L, O, U and
// reads I/L as 1 and O as 0, so the letter survives a bad printer and a tired night shift.
import { utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import { CROCKFORD_ALPHABET, fromCrockford32, toCrockford32 } from '@klinikfunk/protocol/wire/base32.ts';
import { asEnrolmentPublicKey, type EnrolmentPublicKey, type EnrolmentSigningKey } from '@klinikfunk/crypto/keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

const ALPHABET = CROCKFORD_ALPHABET;
const SECRET_BYTES = 17;
const CHECK_BYTES = 3;
const CODE_CHARS = 32;
const DERIVE_KEY = utf8.encode('klinikfunk/v1/enrol');

export type CodeProblem = 'wrong_length' | 'invalid_character' | 'checksum';

function checksum(secret: Uint8Array): Uint8Array {
  return sodium().crypto_generichash(32, secret, null).subarray(0, CHECK_BYTES);
}

/** A fresh registration code, grouped for printing. */
export function generateRegistrationCode(): string {
  const secret = sodium().randombytes_buf(SECRET_BYTES);
  const code = toCrockford32(new Uint8Array([...secret, ...checksum(secret)]));
  return code.match(/.{4}/g)!.join('-');
}

/** Uppercases, drops separators and spaces, maps look-alikes (O→0, I/L→1). */
export function normaliseCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** Checks a typed code locally; only a code that passes is used for anything. */
export function checkRegistrationCode(
  typed: string,
): { ok: true; secret: Uint8Array } | { ok: false; problem: CodeProblem } {
  const code = normaliseCode(typed);
  if (code.length !== CODE_CHARS) return { ok: false, problem: 'wrong_length' };
  const bytes = fromCrockford32(code);
  if (!bytes) return { ok: false, problem: 'invalid_character' };
  const secret = bytes.subarray(0, SECRET_BYTES);
  const check = bytes.subarray(SECRET_BYTES, SECRET_BYTES + CHECK_BYTES);
  return sodium().memcmp(check, checksum(secret))
    ? { ok: true, secret: secret.slice() }
    : { ok: false, problem: 'checksum' };
}

export interface EnrolmentKeys {
  publicKey: EnrolmentPublicKey;
  secretKey: EnrolmentSigningKey;
  /** Stable id of this enrolment (base64url of BLAKE2b-128 of the public key). */
  enrolmentId: string;
}

/** The key pair both the admin and the new device derive from the same code. */
export function deriveEnrolmentKeys(
  typed: string,
): { ok: true; keys: EnrolmentKeys } | { ok: false; problem: CodeProblem } {
  const checked = checkRegistrationCode(typed);
  if (!checked.ok) return checked;
  const s = sodium();
  const seed = s.crypto_generichash(32, checked.secret, DERIVE_KEY);
  const pair = s.crypto_sign_seed_keypair(seed);
  s.memzero(seed);
  s.memzero(checked.secret);
  const publicKey = asEnrolmentPublicKey(pair.publicKey);
  const id = s.crypto_generichash(16, publicKey, null);
  let enrolmentId = '';
  for (const b of id) enrolmentId += ALPHABET[b & 31];
  return {
    ok: true,
    keys: { publicKey, secretKey: pair.privateKey as EnrolmentSigningKey, enrolmentId: `enr${enrolmentId}` },
  };
}
