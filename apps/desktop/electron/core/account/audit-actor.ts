// Who made an audit entry's record. Admin devices share the org key, so an org signature says only
// that *an* admin device acted; the device's own stamp on the record (crypto/records.ts
// `stampActor`) says which one. The stamp is checked here with the signing key from that device's
// certificate in the signed directory, and the device leads to its user: the log names a person,
// never a bare key. A record without a valid stamp says so instead of guessing.
import type { AUDIT_ACTOR_SOURCES } from '@klinikfunk/protocol/api/features/audit.ts';
import { fromBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { verifyRecordActor } from '@klinikfunk/crypto/records.ts';

/**
 * How the actor is known:
 * - device: the record carries a valid stamp of a certified device (or a device key signed it);
 * - enrolment: a person registered this device with their registration key (it signed itself);
 * - named: only the person is named in the org-signed body (org_settings `issuedBy`, older records);
 * - unknown_device: stamped by a device the directory has no certificate for;
 * - unverified: the stamp does not verify with that device's key (altered or foreign);
 * - not_recorded: no stamp (a record from before stamps, or one a relay stripped).
 */
export type ActorSource = (typeof AUDIT_ACTOR_SOURCES)[number];

export interface AuditActor {
  actorSource: ActorSource;
  /** Display name of the acting person, from the signed directory (device → user). */
  actorName: string | null;
  actorUserId: string | null;
  actorDeviceId: string | null;
  /** The device's label from its certificate, shown as secondary detail. */
  actorDeviceLabel: string | null;
}

export interface KnownDevice {
  userId: string;
  label: string;
  signingPublicKey: Uint8Array | null;
}

/** Device certificates by device id, from the verified records (first certificate wins, as in the Directory). */
export function knownDevices(records: Iterable<SignedRecord>): Map<string, KnownDevice> {
  const devices = new Map<string, KnownDevice>();
  for (const record of records) {
    if (record.type !== 'device') continue;
    const body = (record as SignedRecord<'device'>).body;
    if (devices.has(body.deviceId)) continue;
    devices.set(body.deviceId, {
      userId: body.userId,
      label: body.label,
      signingPublicKey: fromBase64Url(body.signingPublicKey),
    });
  }
  return devices;
}

/** Who holds a delegation: a department admin's device, or a service key known by its label. */
export interface DelegateHolder {
  deviceId: string | null;
  label: string;
}

const nobody = (actorSource: ActorSource): AuditActor => ({
  actorSource,
  actorName: null,
  actorUserId: null,
  actorDeviceId: null,
  actorDeviceLabel: null,
});

function byDevice(
  source: ActorSource,
  deviceId: string,
  devices: ReadonlyMap<string, KnownDevice>,
  userNames: ReadonlyMap<string, string>,
): AuditActor {
  const device = devices.get(deviceId);
  if (!device) return { ...nobody('unknown_device'), actorDeviceId: deviceId };
  return {
    actorSource: source,
    actorName: userNames.get(device.userId) ?? null,
    actorUserId: device.userId,
    actorDeviceId: deviceId,
    actorDeviceLabel: device.label,
  };
}

export function actorOf(
  record: SignedRecord,
  devices: ReadonlyMap<string, KnownDevice>,
  userNames: ReadonlyMap<string, string>,
  isAdmin: (userId: string) => boolean = () => true,
  delegations: ReadonlyMap<string, DelegateHolder> = new Map(),
): AuditActor {
  // A delegated record was verified with its holder's key: a device leads to a person, a service
  // key (the directory agent) only to the delegation's label.
  if (record.signer.kind === 'delegate') {
    const holder = delegations.get(record.signer.id);
    if (holder?.deviceId) return byDevice('device', holder.deviceId, devices, userNames);
    return { ...nobody('named'), actorName: holder?.label ?? null };
  }
  // Device- and enrolment-signed records were verified with that key when they entered the directory.
  if (record.signer.kind === 'device') return byDevice('device', record.signer.id, devices, userNames);
  if (record.signer.kind === 'enrolment' && record.type === 'device') {
    return byDevice('enrolment', (record as SignedRecord<'device'>).body.deviceId, devices, userNames);
  }
  if (record.actor) {
    const { deviceId } = record.actor;
    const key = devices.get(deviceId)?.signingPublicKey;
    // A stamp that does not verify names nobody: showing the claimed person would misattribute.
    if (key === null || (key && !verifyRecordActor(record, key)))
      return { ...nobody('unverified'), actorDeviceId: deviceId };
    // Only an admin's device holds the org key; any device can stamp a record it has seen, so a
    // stamp by someone who was not an admin then names nobody.
    const userId = devices.get(deviceId)?.userId;
    if (userId !== undefined && !isAdmin(userId)) return { ...nobody('unverified'), actorDeviceId: deviceId };
    return byDevice('device', deviceId, devices, userNames);
  }
  const issuedBy = (record.body as { issuedBy?: unknown }).issuedBy;
  if (typeof issuedBy === 'string') {
    return { ...nobody('named'), actorName: userNames.get(issuedBy) ?? null, actorUserId: issuedBy };
  }
  return nobody('not_recorded');
}
