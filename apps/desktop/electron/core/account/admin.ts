// What an admin device does with the organisation key: add and change users, make and revoke
// registration keys, revoke and wipe devices, set the organisation's settings.
// Every action is a record signed by the org key, so the relay and every client check it; hiding
// the buttons in the UI is not the protection.
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, RecordType, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { deriveEnrolmentKeys, generateRegistrationCode } from '../crypto/enrolment.ts';
import { asOrgSigningKey } from '@klinikfunk/crypto/keys.ts';
import { signRecord, stampActor } from '@klinikfunk/crypto/records.ts';
import { deviceSigningKeyOf, orgSecretOf, type Identity } from './identity.ts';
import { newId } from './org-setup.ts';

/** Registration keys are valid for 14 days: long enough for a letter through the internal post. */
export const REGISTRATION_KEY_DAYS = 14;

export class NotAdminError extends Error {}

/**
 * Signs with the org key and stamps the record with this device's key, so the audit log can name
 * the admin (device → user in the signed directory): the shared org key alone cannot say who.
 */
export function signAsAdmin<T extends RecordType>(identity: Identity, type: T, body: RecordBody<T>): SignedRecord<T> {
  const secret = orgSecretOf(identity);
  if (!secret) throw new NotAdminError('this device does not hold the organisation key');
  const record = signRecord(type, body, { kind: 'org', id: identity.orgId }, asOrgSigningKey(secret));
  return stampActor(record, identity.deviceId, deviceSigningKeyOf(identity));
}

export function signUser(
  identity: Identity,
  input: {
    userId?: string;
    displayName: string;
    role: 'admin' | 'member';
    ward: string | null;
    active?: boolean;
    now: number;
  },
): SignedRecord<'user'> {
  return signAsAdmin(identity, 'user', {
    orgId: identity.orgId,
    userId: input.userId ?? newId('usr'),
    displayName: input.displayName,
    role: input.role,
    ward: input.ward,
    active: input.active ?? true,
    issuedAt: input.now,
  });
}

/** A one-time registration key for a user and the org-signed enrolment record for the relay. */
export function makeRegistration(
  identity: Identity,
  userId: string,
  now: number,
): { code: string; record: SignedRecord<'enrolment'> } {
  const code = generateRegistrationCode();
  const derived = deriveEnrolmentKeys(code);
  if (!derived.ok) throw new Error('a fresh registration key failed its own check');
  const record = signAsAdmin(identity, 'enrolment', {
    orgId: identity.orgId,
    userId,
    enrolmentId: derived.keys.enrolmentId,
    enrolmentPublicKey: toBase64Url(derived.keys.publicKey),
    expiresAt: now + REGISTRATION_KEY_DAYS * 86_400_000,
    issuedAt: now,
  });
  return { code, record };
}

/** A wipe order for a device (stored before the revocation, so the revoked device still gets it). */
export function signWipe(identity: Identity, deviceId: string, now: number): SignedRecord<'wipe'> {
  return signAsAdmin(identity, 'wipe', {
    orgId: identity.orgId,
    orderId: newId('wip'),
    targetDeviceId: deviceId,
    issuedAt: now,
  });
}

export function signDeviceRevocation(
  identity: Identity,
  deviceId: string,
  reason: string,
  now: number,
): SignedRecord<'revocation'> {
  return signAsAdmin(identity, 'revocation', {
    orgId: identity.orgId,
    target: { kind: 'device', deviceId },
    reason,
    revokedAt: now,
  });
}

/**
 * A changed user record (role, ward, name, active). Its issuedAt must be later than the record it
 * replaces, or the Directory keeps the old one: a clock behind the last admin's is moved forward.
 */
export function signUserUpdate(
  identity: Identity,
  previous: RecordBody<'user'>,
  change: { displayName?: string; role?: 'admin' | 'member'; ward?: string | null; active?: boolean },
  now: number,
): SignedRecord<'user'> {
  return signUser(identity, {
    userId: previous.userId,
    displayName: change.displayName ?? previous.displayName,
    role: change.role ?? previous.role,
    ward: change.ward === undefined ? previous.ward : change.ward,
    active: change.active ?? previous.active,
    now: Math.max(now, previous.issuedAt + 1),
  });
}

/** Revokes an open registration key: relay and clients then refuse a device signed with it. */
export function signEnrolmentRevocation(
  identity: Identity,
  enrolmentId: string,
  reason: string,
  now: number,
): SignedRecord<'revocation'> {
  return signAsAdmin(identity, 'revocation', {
    orgId: identity.orgId,
    target: { kind: 'enrolment', enrolmentId },
    reason,
    revokedAt: now,
  });
}

export type OrgSettingsValues = Omit<RecordBody<'org_settings'>, 'orgId' | 'issuedBy' | 'issuedAt'>;

/** New organisation settings, later than the current ones (see signUserUpdate). */
export function signOrgSettings(
  identity: Identity,
  values: OrgSettingsValues,
  previousIssuedAt: number | null,
  now: number,
): SignedRecord<'org_settings'> {
  const issuedAt = previousIssuedAt === null ? now : Math.max(now, previousIssuedAt + 1);
  return signAsAdmin(identity, 'org_settings', {
    orgId: identity.orgId,
    ...values,
    issuedBy: identity.userId,
    issuedAt,
  });
}
