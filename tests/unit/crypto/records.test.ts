import { beforeEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { canonicalJson } from '@klinikfunk/protocol/wire/canonical.ts';
import {
  checkRegistrationCode,
  deriveEnrolmentKeys,
  generateRegistrationCode,
  normaliseCode,
} from '../../../apps/desktop/electron/core/crypto/enrolment.ts';
import { generateDeviceKeys, generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { newId, World } from './world.ts';

let world: World;
beforeEach(async () => {
  world = await World.create();
});

describe('signed records', () => {
  it('round trip for every record type through a fresh directory', () => {
    const admin = world.addUser('Admin', 'admin');
    const device = world.addDevice(admin);
    const nurse = world.addUser('Pflege');
    world.setRoster(
      newId('chn'),
      [
        { userId: admin, role: 'admin' },
        { userId: nurse, role: 'member' },
      ],
      device,
    );
    world.publish(
      world.orgSign('wipe', {
        orgId: world.orgId,
        orderId: newId('wip'),
        targetDeviceId: device.self.deviceId,
        issuedAt: world.now,
      }),
    );
    world.publish(
      world.orgSign('revocation', {
        orgId: world.orgId,
        target: { kind: 'user', userId: nurse },
        reason: 'left',
        revokedAt: world.now,
      }),
    );
    const fresh = world.newDirectory();
    // Every record of the log verified in order, and serialising them again is stable.
    for (const record of world.log) expect(JSON.parse(canonicalJson(record))).toEqual(record);
    expect(fresh.users.size).toBe(2);
    expect(fresh.devices.size).toBe(1);
    expect(fresh.revokedUsers.has(nurse)).toBe(true);
  });

  it('a device certificate not chained to the org is refused', () => {
    const user = world.addUser('Ben');
    const rogue = generateOrgKeys();
    const keys = generateDeviceKeys();
    const record = signRecord(
      'device',
      {
        orgId: world.orgId,
        userId: user,
        deviceId: newId('dev'),
        signingPublicKey: toBase64Url(keys.signing.publicKey),
        boxPublicKey: toBase64Url(keys.box.publicKey),
        label: 'x',
        enrolmentId: null,
        issuedAt: world.now,
        expiresAt: null,
      },
      { kind: 'org', id: world.orgId },
      rogue.secretKey,
    );
    const directory = world.newDirectory();
    expect(directory.ingest(record)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(directory.devices.size).toBe(0);
  });

  it('an expired device certificate is refused, and a device whose certificate expired stops counting', () => {
    const user = world.addUser('Ben');
    const keys = generateDeviceKeys();
    const body = {
      orgId: world.orgId,
      userId: user,
      deviceId: newId('dev'),
      signingPublicKey: toBase64Url(keys.signing.publicKey),
      boxPublicKey: toBase64Url(keys.box.publicKey),
      label: 'x',
      enrolmentId: null,
      issuedAt: world.now,
      expiresAt: world.now - 1,
    };
    const directory = world.newDirectory();
    expect(directory.ingest(world.orgSign('device', body))).toMatchObject({ ok: false, reason: 'expired' });
    const later = world.orgSign('device', { ...body, deviceId: newId('dev'), expiresAt: world.now + 1000 });
    expect(directory.ingest(later).ok).toBe(true);
    world.now += 2000;
    expect(directory.isDeviceActive(later.body.deviceId)).toBe(false);
  });

  it('a record of another organisation is refused (cross-org)', async () => {
    const other = await World.create();
    const record = other.orgSign('user', {
      orgId: other.orgId,
      userId: newId('usr'),
      displayName: 'Eve',
      role: 'admin',
      ward: null,
      active: true,
      issuedAt: 0,
    });
    expect(world.newDirectory().ingest(record)).toMatchObject({ ok: false, reason: 'wrong_org' });
  });

  it('a record signed for one type cannot be replayed as another', () => {
    const user = world.addUser('Ben');
    const record = world.log.at(-1)!;
    const relabelled = { ...record, type: 'enrolment' };
    expect(world.newDirectory().ingest(relabelled)).toMatchObject({ ok: false, reason: 'malformed' });
    const asRoster = {
      ...record,
      type: 'wipe',
      body: { orgId: world.orgId, orderId: newId('wip'), targetDeviceId: user, issuedAt: 0 },
    };
    expect(world.newDirectory().ingest(asRoster)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('unknown or future record versions are refused', () => {
    world.addUser('Ben');
    const record = { ...world.log.at(-1)!, v: 2 };
    expect(world.newDirectory().ingest(record)).toMatchObject({ ok: false, reason: 'unsupported_version' });
  });

  it('a roster change by a member who is not a channel admin is refused; the chain must be unbroken', () => {
    const admin = world.addUser('Admin', 'admin');
    const nurse = world.addUser('Pflege');
    const adminDevice = world.addDevice(admin);
    const nurseDevice = world.addDevice(nurse);
    const channel = newId('chn');
    world.setRoster(
      channel,
      [
        { userId: admin, role: 'admin' },
        { userId: nurse, role: 'member' },
      ],
      adminDevice,
    );
    expect(() => world.setRoster(channel, [{ userId: nurse, role: 'admin' }], nurseDevice)).toThrow(/not_permitted/);
    // Skipping an epoch breaks the chain.
    const broken = signRecord(
      'roster',
      {
        orgId: world.orgId,
        channelId: channel,
        epoch: 3,
        prevHash: null,
        kind: 'conversation',
        members: [{ userId: admin, role: 'admin' }],
        historyForNewMembers: false,
        issuedAt: 0,
      },
      { kind: 'device', id: adminDevice.self.deviceId },
      adminDevice.self.signingKey,
    );
    expect(world.newDirectory().ingest(broken)).toMatchObject({ ok: false, reason: 'chain_broken' });
  });
});

describe('enrolment with registration codes', () => {
  it('codes have at least 128 bits of entropy, are grouped for typing and carry a checksum', () => {
    const code = generateRegistrationCode();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(checkRegistrationCode(code).ok).toBe(true);
    // Typed sloppily: lower case, spaces, O for 0 still work
    expect(checkRegistrationCode(code.toLowerCase().replace(/-/g, ' ')).ok).toBe(true);
    expect(normaliseCode('o0-il')).toBe('0011');
  });

  it('a typing error is caught by the checksum before anything is sent', () => {
    const code = generateRegistrationCode();
    const position = 5;
    const wrongChar = code[position] === 'A' ? 'B' : 'A';
    const typo = code.slice(0, position) + wrongChar + code.slice(position + 1);
    expect(checkRegistrationCode(typo)).toEqual({ ok: false, problem: 'checksum' });
    expect(checkRegistrationCode(code.slice(0, -2))).toEqual({ ok: false, problem: 'wrong_length' });
    expect(checkRegistrationCode(code.replace(/.$/, 'U'))).toEqual({ ok: false, problem: 'invalid_character' });
  });

  it('admin and device derive the same enrolment key from the code', () => {
    const code = generateRegistrationCode();
    const a = deriveEnrolmentKeys(code);
    const b = deriveEnrolmentKeys(code.toLowerCase());
    expect(a.ok && b.ok && toBase64Url(a.keys.publicKey) === toBase64Url(b.keys.publicKey)).toBe(true);
  });

  it('a device enrols with the right code', () => {
    const user = world.addUser('Ben');
    const { code } = world.createEnrolment(user);
    const { record } = world.deviceCertificate(user, code);
    expect(world.newDirectory().ingest(record).ok).toBe(true);
  });

  it('a wrong (but well-formed) registration code does not enrol', () => {
    const user = world.addUser('Ben');
    world.createEnrolment(user);
    const { record } = world.deviceCertificate(user, generateRegistrationCode());
    expect(world.newDirectory().ingest(record)).toMatchObject({ ok: false, reason: 'unknown_signer' });
  });

  it('a used enrolment cannot enrol a second device', () => {
    const user = world.addUser('Ben');
    const { code } = world.createEnrolment(user);
    world.publish(world.deviceCertificate(user, code).record);
    const second = world.deviceCertificate(user, code).record;
    expect(world.newDirectory().ingest(second)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('an expired enrolment cannot enrol', () => {
    const user = world.addUser('Ben');
    const { code } = world.createEnrolment(user, 60_000);
    world.now += 120_000;
    expect(world.newDirectory().ingest(world.deviceCertificate(user, code).record)).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });

  it('a device enrolled in time still counts when the directory is read after the registration key expired', () => {
    // A workstation that restarts (replaying its stored records) or reads the directory anew two
    // weeks later must keep its colleagues' devices: the relay checked the key's validity when it
    // took the certificate; readers check the certificate's own signed time.
    const user = world.addUser('Ben');
    const device = world.addDevice(user);
    world.now += 30 * 86_400_000;
    const later = world.newDirectory();
    expect(later.devices.has(device.self.deviceId)).toBe(true);
    expect(later.isDeviceActive(device.self.deviceId)).toBe(true);
    // Backdating a certificate after the key expired is refused by the relay's clock.
    const { code } = world.createEnrolment(user, 60_000);
    const backdated = world.deviceCertificate(user, code).record;
    world.now += 120_000;
    expect(world.newDirectory().verifyAdmission(backdated)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('an enrolment for one user cannot certify a device of another', () => {
    const ben = world.addUser('Ben');
    const eve = world.addUser('Eve');
    const { code } = world.createEnrolment(ben);
    expect(world.newDirectory().ingest(world.deviceCertificate(eve, code).record)).toMatchObject({
      ok: false,
      reason: 'not_permitted',
    });
  });
});
