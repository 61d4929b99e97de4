// Keys are types, not byte arrays: a function that wants a chain key cannot be handed a file
// key by mistake. The brand exists only for the compiler; at run time they are Uint8Arrays,
// unwrapped only at the libsodium call and wiped with memzero when no longer needed.
import { sodium } from './sodium.ts';

declare const brand: unique symbol;
type Branded<T extends string> = Uint8Array & { readonly [brand]: T };

/** Ed25519 secret key (64 bytes, libsodium layout) of the organisation: admin devices only. */
export type OrgSigningKey = Branded<'OrgSigningKey'>;
export type OrgPublicKey = Branded<'OrgPublicKey'>;
/** Ed25519 secret key of one device: signs envelopes, certificates of its own, auth challenges. */
export type DeviceSigningKey = Branded<'DeviceSigningKey'>;
export type DeviceSigningPublicKey = Branded<'DeviceSigningPublicKey'>;
/** X25519 secret key of one device: receives key shares and wipe orders (crypto_box). */
export type DeviceBoxKey = Branded<'DeviceBoxKey'>;
export type DeviceBoxPublicKey = Branded<'DeviceBoxPublicKey'>;
/** Ed25519 secret key derived from a registration code: signs exactly one device certificate. */
export type EnrolmentSigningKey = Branded<'EnrolmentSigningKey'>;
export type EnrolmentPublicKey = Branded<'EnrolmentPublicKey'>;
/** Sender-key chain key (32 bytes) for one (channel, epoch, sender device). */
export type ChainKey = Branded<'ChainKey'>;
/** One-message key derived from a chain key; used once, then wiped. */
export type MessageKey = Branded<'MessageKey'>;
/** Random per-file key for secretstream. */
export type FileKey = Branded<'FileKey'>;
/** Raw SQLCipher key of one profile store. */
export type DbKey = Branded<'DbKey'>;
/** Key-encryption key from Argon2id(passphrase). */
export type WrapKey = Branded<'WrapKey'>;

export class KeyLengthError extends Error {}

function branded<T extends Uint8Array>(bytes: Uint8Array, length: number, name: string): T {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length)
    throw new KeyLengthError(`${name} must be ${length} bytes`);
  return bytes as T;
}

export const asOrgPublicKey = (b: Uint8Array) => branded<OrgPublicKey>(b, 32, 'OrgPublicKey');
export const asOrgSigningKey = (b: Uint8Array) => branded<OrgSigningKey>(b, 64, 'OrgSigningKey');
export const asDeviceSigningKey = (b: Uint8Array) => branded<DeviceSigningKey>(b, 64, 'DeviceSigningKey');
export const asDeviceSigningPublicKey = (b: Uint8Array) =>
  branded<DeviceSigningPublicKey>(b, 32, 'DeviceSigningPublicKey');
export const asDeviceBoxKey = (b: Uint8Array) => branded<DeviceBoxKey>(b, 32, 'DeviceBoxKey');
export const asDeviceBoxPublicKey = (b: Uint8Array) => branded<DeviceBoxPublicKey>(b, 32, 'DeviceBoxPublicKey');
export const asEnrolmentPublicKey = (b: Uint8Array) => branded<EnrolmentPublicKey>(b, 32, 'EnrolmentPublicKey');
export const asChainKey = (b: Uint8Array) => branded<ChainKey>(b, 32, 'ChainKey');
export const asFileKey = (b: Uint8Array) => branded<FileKey>(b, 32, 'FileKey');
export const asDbKey = (b: Uint8Array) => branded<DbKey>(b, 32, 'DbKey');

/** Overwrites key material in place. Safe to call twice. */
export function wipe(...keys: Array<Uint8Array | null | undefined>): void {
  for (const key of keys) if (key) sodium().memzero(key);
}

export function randomBytes(length: number): Uint8Array {
  return sodium().randombytes_buf(length);
}

export interface DeviceKeyPairs {
  signing: { publicKey: DeviceSigningPublicKey; secretKey: DeviceSigningKey };
  box: { publicKey: DeviceBoxPublicKey; secretKey: DeviceBoxKey };
}

/** Fresh device keys, made on the device; the secret halves never leave its encrypted store. */
export function generateDeviceKeys(): DeviceKeyPairs {
  const s = sodium();
  const signing = s.crypto_sign_keypair();
  const box = s.crypto_box_keypair();
  return {
    signing: {
      publicKey: asDeviceSigningPublicKey(signing.publicKey),
      secretKey: asDeviceSigningKey(signing.privateKey),
    },
    box: { publicKey: asDeviceBoxPublicKey(box.publicKey), secretKey: asDeviceBoxKey(box.privateKey) },
  };
}

export function generateOrgKeys(): { publicKey: OrgPublicKey; secretKey: OrgSigningKey } {
  const pair = sodium().crypto_sign_keypair();
  return { publicKey: asOrgPublicKey(pair.publicKey), secretKey: asOrgSigningKey(pair.privateKey) };
}
