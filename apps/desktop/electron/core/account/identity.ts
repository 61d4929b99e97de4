// Who this profile is in its organisation: the device's own keys, its certificate, the org key
// it trusts and, on admin devices, the org signing key. Kept only inside the profile's encrypted
// store (settings table of the SQLCipher database), never in profile.json.
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { SelfDevice } from '../crypto/channel-crypto.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { asDeviceBoxKey, asDeviceSigningKey } from '@klinikfunk/crypto/keys.ts';
import type { ProfileStore } from '../store/profile-store.ts';

const IDENTITY_KEY = 'identity';

const identitySchema = z.object({
  v: z.literal(1),
  orgId: z.string(),
  orgName: z.string(),
  orgPublicKey: z.string(),
  relayUrl: z.string(),
  userId: z.string(),
  deviceId: z.string(),
  signingSecret: z.string(),
  boxSecret: z.string(),
  /** Only on devices of admins who hold the organisation key. */
  orgSecret: z.string().nullable(),
  /**
   * A new organisation key this device made for a rotation, stored before the rotation leaves the
   * device: should the relay take it and only the answer be lost, the old key is retired and this
   * is the one the directory then names (ProfileRuntime adopts it when it sees that).
   */
  orgSecretNext: z.string().nullable().optional(),
  certificate: z.record(z.string(), z.unknown()),
  /** The certificate reached the relay (after the first successful sign-in of an enrolled device). */
  certificateUploaded: z.boolean(),
});

export type Identity = z.output<typeof identitySchema>;

export async function saveIdentity(store: ProfileStore, identity: Identity): Promise<void> {
  await store.setSetting(IDENTITY_KEY, identitySchema.parse(identity));
}

export async function loadIdentity(store: ProfileStore): Promise<Identity | null> {
  const raw = await store.getSetting<unknown>(IDENTITY_KEY);
  if (raw === null) return null;
  const parsed = identitySchema.safeParse(raw);
  if (!parsed.success) throw new Error('the stored identity is damaged');
  return parsed.data;
}

const bytes = (b64: string, length: number, what: string): Uint8Array => {
  const value = fromBase64Url(b64);
  if (!value || value.length !== length) throw new Error(`identity: ${what} has the wrong length`);
  return value;
};

export const orgPublicKeyOf = (identity: Identity) => bytes(identity.orgPublicKey, 32, 'org public key');
export const orgSecretOf = (identity: Identity) =>
  identity.orgSecret ? bytes(identity.orgSecret, 64, 'org key') : null;

export const deviceSigningKeyOf = (identity: Identity) =>
  asDeviceSigningKey(bytes(identity.signingSecret, 64, 'signing key'));

export function selfDeviceOf(identity: Identity): SelfDevice {
  return {
    deviceId: identity.deviceId,
    userId: identity.userId,
    signingKey: deviceSigningKeyOf(identity),
    boxKey: asDeviceBoxKey(bytes(identity.boxSecret, 32, 'box key')),
  };
}

export const deviceSigner = (identity: Identity) => {
  const key = bytes(identity.signingSecret, 64, 'signing key');
  return (message: Uint8Array) => signDetached(message, key);
};

export const certificateOf = (identity: Identity) => identity.certificate as unknown as SignedRecord<'device'>;
export const b64 = toBase64Url;
