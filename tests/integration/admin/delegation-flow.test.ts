// Delegated administration and org key rotation through the core and IPC router, two workstations
// on a real relay: the admin delegates the department "Kardiologie" to the second user's device,
// that device adds a member there (its own key signs, the admin's workstation takes the record),
// is refused outside the scope, the audit log names both steps, the admin revokes the delegation
// and the next delegated record is refused. Then the admin rotates the org key: new records are
// signed with the new key and taken by the other workstation, the old key is refused, and the
// backup export carries the new key. Emergency shares: the admin prints 2-of-3, the department
// admin's device (a member's) restores administration from two of them, not from one or a damaged
// one. The department admin also works through the app (delegated.*): adds, renames, enrols and
// revokes members of the department, and is refused outside it. A member gets not_permitted from
// every admin method of the part.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELEGATION_METHOD_NAMES } from '@klinikfunk/protocol/api/features/delegation-names.ts';
import type { MethodInput } from '@klinikfunk/protocol/api/contract.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody } from '@klinikfunk/protocol/wire/records.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { deviceSigningKeyOf } from '../../../apps/desktop/electron/core/account/identity.ts';
import { directoryChannelId } from '../../../apps/desktop/electron/core/client/channel-directory.ts';
import { TransportError } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

const PASS = { admin: 'Sonnenblume-Station-3', dept: 'Kaffeepause-Nachtdienst' };

describe('delegated administration in the app', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let dept: CoreClient;
  let deptDeviceId: string;
  let delegationId: string;

  const memberBody = (ward: string, role: 'admin' | 'member' = 'member'): RecordBody<'user'> => ({
    orgId: dept.core.sessions.visible().identity.orgId,
    userId: `usr${Math.random().toString(36).slice(2, 12)}`,
    displayName: `Neu ${ward}`,
    role,
    ward,
    active: true,
    issuedAt: Date.now(),
  });
  /** The department admin's device signs as the delegate and uploads through its own client. */
  const asDept = (body: RecordBody<'user'>) => {
    const runtime = dept.core.sessions.visible();
    const record = signRecord(
      'user',
      body,
      { kind: 'delegate', id: delegationId },
      deviceSigningKeyOf(runtime.identity),
    );
    return runtime.client.publishRecord(record).then(
      () => null,
      (error: unknown) => error,
    );
  };

  beforeAll(async () => {
    await readySodium();
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    [admin, dept] = await Promise.all([startCoreClient(), startCoreClient()]);
    await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: PASS.admin,
    });
    await eventually(async () => (await admin.value('connection.status', {})).state === 'online', 15_000, 'admin');
    const { userId } = await admin.value('admin.addUser', {
      displayName: 'Dora Bereich',
      role: 'member',
      ward: 'Kardiologie',
    });
    const letter = await admin.value('admin.createRegistrationKey', { userId });
    await dept.value('org.join', {
      registrationKey: letter.registrationKey,
      relayUrl: relay.url,
      passphrase: PASS.dept,
    });
    await eventually(async () => (await dept.value('connection.status', {})).state === 'online', 15_000, 'dept');
    deptDeviceId = dept.core.sessions.visible().identity.deviceId;
    await eventually(
      () => admin.core.sessions.visible().client.directory.devices.has(deptDeviceId),
      15_000,
      'admin sees the department admin device',
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([admin?.close(), dept?.close()]);
    await relay?.relay.dispose();
  });

  it('a member gets not_permitted from every method of the part', async () => {
    const inputs: Record<string, unknown> = {
      'admin.createDelegation': {
        label: 'x',
        holder: { kind: 'device', deviceId: deptDeviceId },
        scope: { kind: 'all_members' },
        validDays: 1,
      },
      'admin.revokeDelegation': { delegationId: 'dlg00000000000' },
      'admin.exportOrgKeyShares': { threshold: 2, total: 3 },
    };
    const methods = [...DELEGATION_METHOD_NAMES, 'admin.rotateOrgKey', 'admin.exportOrgKeyShares'] as const;
    for (const method of methods.filter((m) => m.startsWith('admin.'))) {
      const result = await dept.call(method, (inputs[method] ?? {}) as MethodInput<typeof method>);
      expect(result, method).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    }
  });

  it('the admin delegates a department; its admin adds a member there and nothing outside', async () => {
    const created = await admin.value('admin.createDelegation', {
      label: 'Bereichsadministration Kardiologie',
      holder: { kind: 'device', deviceId: deptDeviceId },
      scope: { kind: 'departments', departments: ['Kardiologie'] },
      validDays: 30,
    });
    delegationId = created.delegationId;
    const list = await admin.value('admin.delegations', {});
    expect(list[0]).toMatchObject({
      delegationId,
      active: true,
      revoked: false,
      holder: { kind: 'device', deviceId: deptDeviceId, userName: 'Dora Bereich' },
    });
    await eventually(
      () => dept.core.sessions.visible().client.directory.delegations.has(delegationId),
      15_000,
      'delegation reaches the department admin',
    );
    const member = memberBody('Kardiologie');
    expect(await asDept(member)).toBeNull();
    await eventually(
      () => admin.core.sessions.visible().client.directory.users.has(member.userId),
      15_000,
      'admin workstation takes the delegated user',
    );
    const outside = await asDept(memberBody('Neurologie'));
    expect(outside).toBeInstanceOf(TransportError);
    expect((outside as TransportError).code).toBe('record_rejected');
    expect((outside as Error).message).toContain('outside the delegation scope');
    const anAdmin = await asDept(memberBody('Kardiologie', 'admin'));
    expect((anAdmin as Error).message).toContain('cannot make or change an admin');
    const audit = await admin.value('admin.auditLog', {});
    expect(audit.find((e) => e.action === 'delegation_granted')).toMatchObject({ actorName: 'Anna Admin' });
    expect(audit.find((e) => e.subjectId === member.userId)).toMatchObject({
      action: 'user_added',
      signerKind: 'delegate',
      actorName: 'Dora Bereich',
    });
  });

  it('the department admin works through the app: adds, changes and enrols members of the department only', async () => {
    expect(await dept.value('delegated.mine', {})).toEqual([
      expect.objectContaining({ delegationId, scope: { kind: 'departments', departments: ['Kardiologie'] } }),
    ]);
    expect(await admin.value('delegated.mine', {})).toEqual([]);
    const { userId } = await dept.value('delegated.addUser', {
      delegationId,
      displayName: 'Emil Kardio',
      ward: 'Kardiologie',
    });
    const outside = await dept.call('delegated.addUser', { delegationId, displayName: 'X', ward: 'Neurologie' });
    expect(outside).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(JSON.stringify(outside)).toContain('department is outside the delegation scope');
    const adminId = admin.core.sessions.visible().identity.userId;
    const onAdmin = await dept.call('delegated.updateUser', {
      delegationId,
      userId: adminId,
      displayName: 'Umbenannt',
    });
    expect(JSON.stringify(onAdmin)).toContain('cannot make or change an admin');
    expect(
      await admin.call('delegated.addUser', { delegationId, displayName: 'Y', ward: 'Kardiologie' }),
    ).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    const letter = await dept.value('delegated.createRegistrationKey', { delegationId, userId });
    const newcomer = await startCoreClient();
    let newcomerDevice: string;
    try {
      await newcomer.value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase: 'Leuchtturm-Hafen-Nord',
      });
      await eventually(
        async () => (await newcomer.value('connection.status', {})).state === 'online',
        15_000,
        'member enrolled by the department admin is online',
      );
      newcomerDevice = newcomer.core.sessions.visible().identity.deviceId;
    } finally {
      // Closed before its device is revoked below (a revoked session ends on its own).
      await newcomer.close();
    }
    await eventually(
      () => dept.core.sessions.visible().client.directory.devices.has(newcomerDevice),
      15_000,
      'department admin sees the new device',
    );
    await dept.value('delegated.updateUser', { delegationId, userId, displayName: 'Emil Kardiologie' });
    await dept.value('delegated.revokeDevice', { delegationId, deviceId: newcomerDevice, reason: 'Test' });
    await eventually(
      () => !admin.core.sessions.visible().client.directory.isDeviceActive(newcomerDevice),
      15_000,
      'admin workstation sees the revocation',
    );
    expect(admin.core.sessions.visible().client.directory.users.get(userId)?.body.displayName).toBe('Emil Kardiologie');
  }, 120_000);

  it('a revoked delegation is refused from then on; the member it added stays', async () => {
    await admin.value('admin.revokeDelegation', { delegationId, reason: 'Stellenwechsel' });
    expect((await admin.value('admin.delegations', {}))[0]).toMatchObject({ revoked: true, active: false });
    await eventually(
      () => dept.core.sessions.visible().client.directory.revokedDelegations.has(delegationId),
      15_000,
      'revocation reaches the department admin',
    );
    const after = await asDept(memberBody('Kardiologie'));
    expect((after as Error).message).toContain('delegation revoked');
    const audit = await admin.value('admin.auditLog', {});
    expect(audit.some((e) => e.action === 'delegation_revoked')).toBe(true);
  });

  it('rotating the org key: new records carry the new key, the old key is refused, the backup has the new key', async () => {
    const runtime = admin.core.sessions.visible();
    const oldSecret = runtime.identity.orgSecret!;
    await admin.value('admin.rotateOrgKey', {});
    const current = toBase64Url(runtime.client.directory.orgPublicKey);
    expect(current).not.toBe(runtime.identity.orgPublicKey);
    const { userId } = await admin.value('admin.addUser', { displayName: 'Nach Wechsel', role: 'member', ward: null });
    await eventually(
      () => dept.core.sessions.visible().client.directory.users.has(userId),
      15_000,
      'the other workstation follows the rotation',
    );
    expect(toBase64Url(dept.core.sessions.visible().client.directory.orgPublicKey)).toBe(current);
    // The retired key, still on a second admin device, is refused.
    const stale = signRecord(
      'user',
      { ...memberBody('Kardiologie'), displayName: 'Mit altem Schlüssel' },
      { kind: 'org', id: runtime.identity.orgId },
      Buffer.from(oldSecret, 'base64url'),
    );
    const refused = await runtime.client.publishRecord(stale).then(
      () => null,
      (error: unknown) => error,
    );
    expect((refused as Error).message).toContain('bad_signature');
    // A device enrolled after the rotation follows the chain from the first key (enrol_lookup carries it).
    const late = await startCoreClient();
    try {
      const letter = await admin.value('admin.createRegistrationKey', { userId });
      await late.value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase: 'Regenbogen-Frühdienst',
      });
      await eventually(
        async () => (await late.value('connection.status', {})).state === 'online',
        15_000,
        'late device',
      );
      expect(toBase64Url(late.core.sessions.visible().client.directory.orgPublicKey)).toBe(current);
    } finally {
      await late.close();
    }
    const backup = await admin.value('admin.exportOrgKey', { passphrase: 'Tresor-im-Keller-2026' });
    expect(JSON.parse(backup.content)).toMatchObject({ orgPublicKey: current });
    const audit = await admin.value('admin.auditLog', {});
    expect(audit.some((e) => e.action === 'org_key_rotated')).toBe(true);
  });

  it('emergency shares: one share or a damaged one restore nothing; two make this member device an admin device', async () => {
    const { shares, orgFingerprint } = await admin.value('admin.exportOrgKeyShares', { threshold: 2, total: 3 });
    expect(shares).toHaveLength(3);
    expect(orgFingerprint.length).toBeGreaterThan(10);
    const one = await dept.call('orgKey.restoreFromShares', { shares: [shares[2]!.text] });
    expect(one).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(one)).toContain('need 2 envelopes');
    const text = shares[1]!.text;
    const at = text.length - 7;
    const damaged = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const bad = await dept.call('orgKey.restoreFromShares', { shares: [shares[0]!.text, damaged] });
    expect(JSON.stringify(bad)).toContain('Share 2 is damaged');
    expect(await dept.call('admin.users', {})).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(dept.core.sessions.visible().identity.orgSecret ?? null).toBeNull();

    expect(await dept.value('orgKey.restoreFromShares', { shares: [shares[2]!.text, shares[0]!.text] })).toEqual({
      promoted: true,
    });
    const { userId } = await dept.value('admin.addUser', {
      displayName: 'Vom Notfallgerät',
      role: 'member',
      ward: null,
    });
    await eventually(
      () => admin.core.sessions.visible().client.directory.users.has(userId),
      15_000,
      'the restored admin device signs for the organisation',
    );
    const deptUserId = dept.core.sessions.visible().identity.userId;
    expect(admin.core.sessions.visible().client.directory.users.get(deptUserId)?.body.role).toBe('admin');
  });

  // The relay stores the rotation and only its answer is lost (a dropped connection, a timeout):
  // the old key is then retired everywhere, so a device that threw the new key away could never
  // sign for the organisation again, and neither could its backups or emergency shares.
  it('a rotation whose answer is lost keeps the new key on the device', async () => {
    const runtime = admin.core.sessions.visible();
    const before = toBase64Url(runtime.client.directory.orgPublicKey);
    const transport = runtime.transport;
    const putRecord = transport.putRecord.bind(transport);
    transport.putRecord = async (record) => {
      transport.putRecord = putRecord;
      await putRecord(record);
      throw new TransportError('timeout', 'the answer was lost on the way');
    };
    expect(await admin.call('admin.rotateOrgKey', {})).toMatchObject({
      ok: false,
      error: { code: 'relay_unreachable' },
    });
    await eventually(
      () => toBase64Url(runtime.client.directory.orgPublicKey) !== before,
      15_000,
      'the rotation the relay took reaches the directory',
    );
    const { userId } = await admin.value('admin.addUser', { displayName: 'Nach Funkloch', role: 'member', ward: null });
    await eventually(
      () => dept.core.sessions.visible().client.directory.users.has(userId),
      15_000,
      'a record signed with the new key reaches the other workstation',
    );
    // The organisation-wide channel, which admin devices keep with the org key, takes the new user in too.
    const orgWide = directoryChannelId(runtime.identity.orgId);
    await eventually(
      () => dept.core.sessions.visible().client.directory.isMember(orgWide, userId),
      30_000,
      'the new user in the organisation-wide channel',
    );
  });
});
