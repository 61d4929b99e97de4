// What an admin device signs for delegated administration and org key rotation (issue 19): a
// delegation of a scope to a department admin's device or a service key, its revocation, and the
// hand-over to a new organisation key, signed with the org key and stamped by this device like
// every admin record (admin.ts); and what a department admin's device signs with its own key as
// a delegation's holder. The Directory on relay and clients decides what they allow.
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, RecordType, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { deriveEnrolmentKeys, generateRegistrationCode } from '../crypto/enrolment.ts';
import { REGISTRATION_KEY_DAYS, signAsAdmin } from './admin.ts';
import { deviceSigningKeyOf, type Identity } from './identity.ts';
import { newId } from './org-setup.ts';

export function signDelegation(
  identity: Identity,
  input: Pick<RecordBody<'delegation'>, 'holder' | 'label' | 'scope' | 'signIn'> & { validDays: number },
  now: number,
): SignedRecord<'delegation'> {
  return signAsAdmin(identity, 'delegation', {
    orgId: identity.orgId,
    delegationId: newId('dlg'),
    holder: input.holder,
    label: input.label,
    scope: input.scope,
    expiresAt: now + input.validDays * 86_400_000,
    issuedAt: now,
    // Only when on: a record without the field reads as before on every client.
    ...(input.signIn ? { signIn: true } : {}),
  });
}

export function signDelegationRevocation(
  identity: Identity,
  delegationId: string,
  reason: string,
  now: number,
): SignedRecord<'delegation_revocation'> {
  return signAsAdmin(identity, 'delegation_revocation', {
    orgId: identity.orgId,
    delegationId,
    reason,
    revokedAt: now,
  });
}

/** The current org key (this identity's) announces `next` as its successor. */
export function signOrgRotation(
  identity: Identity,
  currentPublicKey: Uint8Array,
  next: Uint8Array,
  now: number,
): SignedRecord<'org_rotation'> {
  return signAsAdmin(identity, 'org_rotation', {
    orgId: identity.orgId,
    previousOrgPublicKey: toBase64Url(currentPublicKey),
    newOrgPublicKey: toBase64Url(next),
    issuedAt: now,
  });
}

/** A record this device signs with its own key as the holder of a delegation (a department admin). */
export function signAsDelegate<T extends RecordType>(
  identity: Identity,
  delegationId: string,
  type: T,
  body: RecordBody<T>,
): SignedRecord<T> {
  return signRecord(type, body, { kind: 'delegate', id: delegationId }, deviceSigningKeyOf(identity));
}

/**
 * A registration key for a member of the delegation's scope, its enrolment record signed as the
 * delegate; it ends with the delegation if that comes first (relay and clients refuse a later end).
 */
export function makeDelegatedRegistration(
  identity: Identity,
  delegation: Pick<RecordBody<'delegation'>, 'delegationId' | 'expiresAt'>,
  userId: string,
  now: number,
): { code: string; record: SignedRecord<'enrolment'> } {
  const code = generateRegistrationCode();
  const derived = deriveEnrolmentKeys(code);
  if (!derived.ok) throw new Error('a fresh registration key failed its own check');
  const record = signAsDelegate(identity, delegation.delegationId, 'enrolment', {
    orgId: identity.orgId,
    userId,
    enrolmentId: derived.keys.enrolmentId,
    enrolmentPublicKey: toBase64Url(derived.keys.publicKey),
    expiresAt: Math.min(now + REGISTRATION_KEY_DAYS * 86_400_000, delegation.expiresAt),
    issuedAt: now,
  });
  return { code, record };
}
