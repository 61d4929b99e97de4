// Who acted, for the audit log: an org-signed record made by an admin device carries that device's
// stamp; the stamp verifies only with that device's certificate key and only on that record, and
// leads to the admin's name. Unknown devices, bad stamps and missing stamps name nobody.
import { beforeEach, describe, expect, it } from 'vitest';
import { actorOf, knownDevices } from '../../../apps/desktop/electron/core/account/audit-actor.ts';
import { signOrgSettings, signUser } from '../../../apps/desktop/electron/core/account/admin.ts';
import type { Identity } from '../../../apps/desktop/electron/core/account/identity.ts';
import { generateDeviceKeys } from '@klinikfunk/crypto/keys.ts';
import { parseRecord, stampActor } from '@klinikfunk/crypto/records.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { adminIdentity, World } from '../crypto/world.ts';

let world: World;
let identity: Identity;
let certificate: SignedRecord<'device'>;
let userNames: Map<string, string>;
const DEVICE_ID = 'dev-anna-0001';

beforeEach(async () => {
  world = await World.create();
  const userId = world.addUser('Anna Admin', 'admin');
  const keys = generateDeviceKeys();
  certificate = world.orgSign('device', {
    orgId: world.orgId,
    userId,
    deviceId: DEVICE_ID,
    signingPublicKey: toBase64Url(keys.signing.publicKey),
    boxPublicKey: toBase64Url(keys.box.publicKey),
    label: 'Stationsrechner 1',
    enrolmentId: null,
    issuedAt: world.now,
    expiresAt: null,
  });
  world.publish(certificate);
  identity = adminIdentity(world, userId, DEVICE_ID, keys);
  userNames = new Map([[userId, 'Anna Admin']]);
});

const newUser = () => signUser(identity, { displayName: 'Bernd Pflege', role: 'member', ward: null, now: world.now });

describe('audit actor', () => {
  it('an org-signed record by an admin device names the admin and the device', () => {
    const record = newUser();
    expect(record.actor?.deviceId).toBe(DEVICE_ID);
    // The stamp travels with the record: schema, relay and Directory keep it.
    const parsed = parseRecord(JSON.parse(JSON.stringify(record)));
    expect(parsed.ok && parsed.record.actor).toEqual(record.actor);
    world.publish(record);
    expect(actorOf(record, knownDevices(world.log), userNames)).toEqual({
      actorSource: 'device',
      actorName: 'Anna Admin',
      actorUserId: identity.userId,
      actorDeviceId: DEVICE_ID,
      actorDeviceLabel: 'Stationsrechner 1',
    });
  });

  it('a stamp that does not verify with the device key, or was moved to another record, names nobody', () => {
    const devices = knownDevices([certificate]);
    const record = newUser();
    const other = newUser();
    const forgedKey = generateDeviceKeys().signing.secretKey;
    const forged = stampActor({ ...record, actor: undefined }, DEVICE_ID, forgedKey);
    for (const bad of [forged, { ...other, actor: record.actor }]) {
      expect(actorOf(bad, devices, userNames)).toMatchObject({
        actorSource: 'unverified',
        actorName: null,
        actorDeviceId: DEVICE_ID,
      });
    }
  });

  it('a valid stamp by a device whose user is not an admin names nobody (any device can stamp a record it has seen)', () => {
    const devices = knownDevices([certificate]);
    const record = newUser();
    expect(actorOf(record, devices, userNames, () => false)).toMatchObject({
      actorSource: 'unverified',
      actorName: null,
      actorDeviceId: DEVICE_ID,
    });
    expect(actorOf(record, devices, userNames, (id) => id === identity.userId)).toMatchObject({
      actorSource: 'device',
      actorName: 'Anna Admin',
    });
  });

  it('a device the directory does not know, or a record without stamp, falls back plainly', () => {
    const record = newUser();
    expect(actorOf(record, knownDevices([]), userNames)).toMatchObject({
      actorSource: 'unknown_device',
      actorName: null,
      actorDeviceId: DEVICE_ID,
    });
    const { actor: _dropped, ...unstamped } = record;
    expect(actorOf(unstamped, knownDevices([certificate]), userNames)).toMatchObject({
      actorSource: 'not_recorded',
      actorName: null,
    });
    // Org settings name the admin in their body even without a stamp (records from before stamps).
    const { actor: _also, ...settings } = signOrgSettings(
      identity,
      { retentionDays: 0, readReceipts: true, notificationContent: 'sender', historyForNewMembers: false },
      null,
      world.now,
    );
    expect(actorOf(settings, knownDevices([certificate]), userNames)).toMatchObject({
      actorSource: 'named',
      actorName: 'Anna Admin',
      actorDeviceId: null,
    });
  });

  it('a stamp with unknown fields is refused as malformed, like every record field', () => {
    const record = newUser();
    const verdict = parseRecord({ ...record, actor: { ...record.actor, note: 'x' } });
    expect(verdict).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
