// What an admin device signs for delegated administration and org key rotation (issue 19): a
// delegation of a scope to a department admin's device or a service key, its revocation, and the
// hand-over to a new organisation key. Signed with the org key and stamped by this device, like
// every admin record (admin.ts); the Directory on relay and clients decides what they allow.
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { signAsAdmin } from './admin.ts';
import type { Identity } from './identity.ts';
import { newId } from './org-setup.ts';

export function signDelegation(
  identity: Identity,
  input: Pick<RecordBody<'delegation'>, 'holder' | 'label' | 'scope'> & { validDays: number },
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
