// Delegated administration in the crypto Directory (the code every client and the relay run): a
// delegation signed by the org key lets a department admin's device key, or the directory agent's
// key, administer members of its scope until its end or its revocation, and nothing else.
import { beforeEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, RecordType, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { generateDeviceKeys, generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { deriveEnrolmentKeys, generateRegistrationCode } from '../../../apps/desktop/electron/core/crypto/enrolment.ts';
import { newId, World, type TestDevice } from './world.ts';

const HOUR = 3_600_000;
let world: World;

function userBody(userId: string, ward: string | null, role: 'admin' | 'member' = 'member'): RecordBody<'user'> {
  return { orgId: world.orgId, userId, displayName: `Person ${userId}`, role, ward, active: true, issuedAt: world.now };
}

function addUserIn(ward: string | null, role: 'admin' | 'member' = 'member'): string {
  const userId = newId('usr');
  world.publish(world.orgSign('user', userBody(userId, ward, role)));
  return userId;
}

function delegation(
  holder: RecordBody<'delegation'>['holder'],
  scope: RecordBody<'delegation'>['scope'],
  expiresAt = world.now + 24 * HOUR,
): SignedRecord<'delegation'> {
  return world.orgSign('delegation', {
    orgId: world.orgId,
    delegationId: newId('dlg'),
    holder,
    label: 'Bereichsadministration Kardiologie',
    scope,
    expiresAt,
    issuedAt: world.now,
  });
}

function asDelegate<T extends RecordType>(
  type: T,
  body: RecordBody<T>,
  d: SignedRecord<'delegation'>,
  key: Uint8Array,
): SignedRecord<T> {
  return signRecord(type, body, { kind: 'delegate', id: d.body.delegationId }, key);
}

describe('delegated administration', () => {
  let adminId: string;
  let deptAdmin: TestDevice;
  let deptGrant: SignedRecord<'delegation'>;
  let cardioNurse: string;
  let neuroNurse: string;

  beforeEach(async () => {
    world = await World.create();
    adminId = addUserIn(null, 'admin');
    const deptAdminId = addUserIn('Kardiologie');
    deptAdmin = world.addDevice(deptAdminId);
    cardioNurse = addUserIn('Kardiologie');
    neuroNurse = addUserIn('Neurologie');
    deptGrant = delegation(
      { kind: 'device', deviceId: deptAdmin.self.deviceId },
      { kind: 'departments', departments: ['Kardiologie'] },
    );
    world.publish(deptGrant);
  });

  const byDept = <T extends RecordType>(type: T, body: RecordBody<T>) =>
    asDelegate(type, body, deptGrant, deptAdmin.self.signingKey);

  it('a department admin creates and deactivates a member of their department', () => {
    const fresh = newId('usr');
    expect(world.newDirectory().ingest(byDept('user', userBody(fresh, 'Kardiologie')))).toMatchObject({ ok: true });
    const off = byDept('user', { ...userBody(cardioNurse, 'Kardiologie'), active: false, issuedAt: world.now + 1 });
    const dir = world.newDirectory();
    expect(dir.ingest(off)).toMatchObject({ ok: true });
    expect(dir.users.get(cardioNurse)?.body.active).toBe(false);
  });

  it('a department admin cannot create an admin, nor change one', () => {
    const dir = world.newDirectory();
    expect(dir.ingest(byDept('user', userBody(newId('usr'), 'Kardiologie', 'admin')))).toMatchObject({
      ok: false,
      reason: 'not_permitted',
      detail: 'a delegated key cannot make or change an admin',
    });
    expect(dir.ingest(byDept('user', userBody(adminId, 'Kardiologie')))).toMatchObject({
      ok: false,
      reason: 'not_permitted',
      detail: 'a delegated key cannot act on an admin',
    });
    expect(dir.users.get(adminId)?.body.role).toBe('admin');
  });

  it('a department admin cannot touch a user of another department, nor move one into theirs', () => {
    const dir = world.newDirectory();
    const rename = { ...userBody(neuroNurse, 'Neurologie'), displayName: 'Umbenannt', issuedAt: world.now + 1 };
    expect(dir.ingest(byDept('user', rename))).toMatchObject({ ok: false, reason: 'not_permitted' });
    const move = { ...userBody(neuroNurse, 'Kardiologie'), issuedAt: world.now + 1 };
    expect(dir.ingest(byDept('user', move))).toMatchObject({
      ok: false,
      detail: 'user is outside the delegation scope',
    });
    expect(dir.ingest(byDept('user', userBody(newId('usr'), 'Neurologie')))).toMatchObject({
      ok: false,
      detail: 'department is outside the delegation scope',
    });
    const revoke = byDept('revocation', {
      orgId: world.orgId,
      target: { kind: 'user', userId: neuroNurse },
      reason: 'x',
      revokedAt: world.now,
    });
    expect(dir.ingest(revoke)).toMatchObject({ ok: false, reason: 'not_permitted' });
    expect(dir.revokedUsers.has(neuroNurse)).toBe(false);
    expect(dir.users.get(neuroNurse)?.body.displayName).not.toBe('Umbenannt');
  });

  it('a delegated key enrols and revokes devices inside its scope only', () => {
    const dir = world.newDirectory();
    const keys = generateDeviceKeys();
    const device = (userId: string) =>
      byDept('device', {
        orgId: world.orgId,
        userId,
        deviceId: newId('dev'),
        signingPublicKey: toBase64Url(keys.signing.publicKey),
        boxPublicKey: toBase64Url(keys.box.publicKey),
        label: 'Stationsrechner',
        enrolmentId: null,
        issuedAt: world.now,
        expiresAt: null,
      });
    const inScope = device(cardioNurse);
    expect(dir.ingest(inScope)).toMatchObject({ ok: true });
    expect(dir.ingest(device(neuroNurse))).toMatchObject({ ok: false, reason: 'not_permitted' });
    expect(dir.ingest(device(adminId))).toMatchObject({ ok: false, reason: 'not_permitted' });
    const adminDevice = world.addDevice(adminId);
    const revokeAdminDevice = byDept('revocation', {
      orgId: world.orgId,
      target: { kind: 'device', deviceId: adminDevice.self.deviceId },
      reason: 'x',
      revokedAt: world.now,
    });
    const fresh = world.newDirectory();
    expect(fresh.ingest(revokeAdminDevice)).toMatchObject({ ok: false, reason: 'not_permitted' });
    const revokeOwn = byDept('revocation', {
      orgId: world.orgId,
      target: { kind: 'device', deviceId: inScope.body.deviceId },
      reason: 'verloren',
      revokedAt: world.now,
    });
    expect(dir.ingest(revokeOwn)).toMatchObject({ ok: true });
  });

  it('a delegated key signs nothing but users, enrolments, devices and revocations', () => {
    const agent = generateOrgKeys();
    const grant = delegation({ kind: 'key', publicKey: toBase64Url(agent.publicKey) }, { kind: 'all_members' });
    world.publish(grant);
    const dir = world.newDirectory();
    // Re-delegation: a delegation signed by a delegated key is refused before its signature.
    const nested = signRecord(
      'delegation',
      { ...grant.body, delegationId: newId('dlg') },
      { kind: 'delegate', id: grant.body.delegationId },
      agent.secretKey,
    );
    expect(dir.ingest(nested)).toMatchObject({
      ok: false,
      reason: 'not_permitted',
      detail: 'delegate may not sign delegation',
    });
    const settings = signRecord(
      'wipe',
      { orgId: world.orgId, orderId: newId('wip'), targetDeviceId: deptAdmin.self.deviceId, issuedAt: world.now },
      { kind: 'delegate', id: grant.body.delegationId },
      agent.secretKey,
    );
    expect(dir.ingest(settings)).toMatchObject({ ok: false, reason: 'not_permitted' });
    // In scope "all members" it may create a member of any department, still never an admin.
    expect(dir.ingest(asDelegate('user', userBody(newId('usr'), 'Neurologie'), grant, agent.secretKey))).toMatchObject({
      ok: true,
    });
    expect(dir.ingest(asDelegate('user', userBody(newId('usr'), null, 'admin'), grant, agent.secretKey))).toMatchObject(
      {
        ok: false,
        reason: 'not_permitted',
      },
    );
  });

  it('a forged delegation is refused: not signed by the org key, or signed by a device', () => {
    const rogue = generateOrgKeys();
    const agent = generateOrgKeys();
    const body: RecordBody<'delegation'> = {
      orgId: world.orgId,
      delegationId: newId('dlg'),
      holder: { kind: 'key', publicKey: toBase64Url(agent.publicKey) },
      label: 'Fälschung',
      scope: { kind: 'all_members' },
      expiresAt: world.now + HOUR,
      issuedAt: world.now,
    };
    const dir = world.newDirectory();
    expect(dir.ingest(signRecord('delegation', body, { kind: 'org', id: world.orgId }, rogue.secretKey))).toMatchObject(
      {
        ok: false,
        reason: 'bad_signature',
      },
    );
    const byDevice = signRecord(
      'delegation',
      body,
      { kind: 'device', id: deptAdmin.self.deviceId },
      deptAdmin.self.signingKey,
    );
    expect(dir.ingest(byDevice)).toMatchObject({ ok: false, reason: 'not_permitted' });
    // And what the forged delegation's key signs names an unknown delegation.
    expect(
      dir.ingest(asDelegate('user', userBody(newId('usr'), 'X'), { body } as never, agent.secretKey)),
    ).toMatchObject({ ok: false, reason: 'unknown_signer' });
    expect(dir.delegations.has(body.delegationId)).toBe(false);
  });

  it('an expired delegation is refused: signed after its end everywhere, and by the relay clock at admission', () => {
    const end = world.now + HOUR;
    const agent = generateOrgKeys();
    const grant = delegation({ kind: 'key', publicKey: toBase64Url(agent.publicKey) }, { kind: 'all_members' }, end);
    world.publish(grant);
    const late = asDelegate('user', { ...userBody(newId('usr'), 'A'), issuedAt: end + 1 }, grant, agent.secretKey);
    expect(world.newDirectory().ingest(late)).toMatchObject({ ok: false, reason: 'expired' });
    // Backdated after the end: the record's own time is inside, but the relay's clock is not.
    const backdated = asDelegate('user', { ...userBody(newId('usr'), 'A'), issuedAt: end - 1 }, grant, agent.secretKey);
    const relayLater = new Directory({ orgPublicKey: world.org.publicKey, now: () => end + 1 });
    for (const r of world.log) relayLater.ingest(r);
    expect(relayLater.verifyAdmission(backdated)).toMatchObject({ ok: false, reason: 'expired' });
    const relayInTime = new Directory({ orgPublicKey: world.org.publicKey, now: () => end - 10 });
    for (const r of world.log) relayInTime.ingest(r);
    expect(relayInTime.verifyAdmission(backdated)).toMatchObject({ ok: true });
    // A record the relay took in time stays valid for a client reading it after the end.
    const clientLater = new Directory({ orgPublicKey: world.org.publicKey, now: () => end + 10 * HOUR });
    for (const r of world.log) clientLater.ingest(r);
    expect(clientLater.ingest(backdated)).toMatchObject({ ok: true });
  });

  it('a revoked delegation: what came before the revocation stays, what comes after is refused', () => {
    const before = byDept('user', userBody(newId('usr'), 'Kardiologie'));
    world.publish(before);
    world.publish(
      world.orgSign('delegation_revocation', {
        orgId: world.orgId,
        delegationId: deptGrant.body.delegationId,
        reason: 'Stellenwechsel',
        revokedAt: world.now,
      }),
    );
    const after = byDept('user', userBody(newId('usr'), 'Kardiologie'));
    const dir = world.newDirectory();
    expect(dir.users.has(before.body.userId)).toBe(true);
    expect(dir.ingest(after)).toMatchObject({ ok: false, reason: 'revoked', detail: 'delegation revoked' });
  });

  // A registration key is authority to add a device later: if it outlived its delegation, a stolen
  // delegated key could mint year-long letters and keep enrolling devices after its revocation.
  it('a registration key a delegated key issued ends no later than the delegation, and with its revocation', () => {
    const letter = (expiresAt: number) => {
      const code = generateRegistrationCode();
      const derived = deriveEnrolmentKeys(code);
      if (!derived.ok) throw new Error('fresh code did not check');
      const record = byDept('enrolment', {
        orgId: world.orgId,
        userId: cardioNurse,
        enrolmentId: derived.keys.enrolmentId,
        enrolmentPublicKey: toBase64Url(derived.keys.publicKey),
        expiresAt,
        issuedAt: world.now,
      });
      return { code, record };
    };
    const beyond = letter(deptGrant.body.expiresAt + 365 * 24 * HOUR);
    expect(world.newDirectory().ingest(beyond.record)).toMatchObject({
      ok: false,
      reason: 'not_permitted',
      detail: 'a registration key cannot outlast its delegation',
    });
    const inTime = letter(deptGrant.body.expiresAt);
    world.publish(inTime.record);
    world.publish(
      world.orgSign('delegation_revocation', {
        orgId: world.orgId,
        delegationId: deptGrant.body.delegationId,
        reason: 'Schlüssel verloren',
        revokedAt: world.now,
      }),
    );
    const { record: certificate } = world.deviceCertificate(cardioNurse, inTime.code);
    expect(world.newDirectory().ingest(certificate)).toMatchObject({
      ok: false,
      reason: 'revoked',
      detail: 'the registration key came from a revoked delegation',
    });
  });

  it('a department admin delegation ends with their device', () => {
    world.publish(
      world.orgSign('revocation', {
        orgId: world.orgId,
        target: { kind: 'device', deviceId: deptAdmin.self.deviceId },
        reason: 'verloren',
        revokedAt: world.now,
      }),
    );
    expect(world.newDirectory().ingest(byDept('user', userBody(newId('usr'), 'Kardiologie')))).toMatchObject({
      ok: false,
      reason: 'revoked',
    });
  });
});
