// A remote wipe order is acted on only when the organisation key signed it for this very device.
// Anything else (unsigned, another org's key, another device) is ignored and logged.
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { parseRecord, signRecord, verifyRecordSignature } from '@klinikfunk/crypto/records.ts';
import { deviceSigningKeyOf, orgPublicKeyOf, type Identity } from '../account/identity.ts';

export function verifyWipeOrders(
  identity: Identity,
  records: Array<Record<string, unknown>>,
  _now: number,
  /** The org key that signs now (the directory's, after rotations); the identity's first key by default. */
  orgPublicKey: Uint8Array = orgPublicKeyOf(identity),
): { ok: true; orderId: string } | { ok: false; reason: string } {
  for (const input of records) {
    const parsed = parseRecord(input);
    if (!parsed.ok || parsed.record.type !== 'wipe') continue;
    const record = parsed.record as SignedRecord<'wipe'>;
    if (record.signer.kind !== 'org' || record.signer.id !== identity.orgId || record.body.orgId !== identity.orgId)
      continue;
    if (record.body.targetDeviceId !== identity.deviceId) continue;
    if (!verifyRecordSignature(record, orgPublicKey)) continue;
    return { ok: true, orderId: record.body.orderId };
  }
  return { ok: false, reason: 'no wipe order signed by the organisation for this device' };
}

/** This device's confirmation that it executes the order, signed with its own key before the key is deleted. */
export function signWipeDone(identity: Identity, orderId: string, now: number): SignedRecord<'wipe_done'> {
  return signRecord(
    'wipe_done',
    { orgId: identity.orgId, orderId, deviceId: identity.deviceId, executedAt: now },
    { kind: 'device', id: identity.deviceId },
    deviceSigningKeyOf(identity),
  );
}
