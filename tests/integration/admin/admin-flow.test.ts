// Organisation administration through the core and IPC router, three workstations on a real relay
// process: users (add, change role and ward, deactivate), registration keys (list, revoke),
// devices, channels overview, signed org settings, the audit log with CSV, a second admin with the
// org key from a passphrase-protected backup, and the negative cases: a member, a demoted admin,
// a record signed by a foreign key (refused by the relay and by clients).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_METHOD_NAMES } from '@klinikfunk/protocol/api/features/audit-names.ts';
import { CHANNELS_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/channels-admin-names.ts';
import { DEVICES_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/devices-admin-names.ts';
import { ORG_SETTINGS_METHOD_NAMES } from '@klinikfunk/protocol/api/features/org-settings-names.ts';
import { USERS_ADMIN_METHOD_NAMES } from '@klinikfunk/protocol/api/features/users-admin-names.ts';
import type { MethodInput } from '@klinikfunk/protocol/api/contract.ts';
import type { MethodName } from '@klinikfunk/protocol/api/names.ts';
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { exportOrgKeyBackup } from '../../../apps/desktop/electron/core/account/org-key-backup.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { generateOrgKeys } from '@klinikfunk/crypto/keys.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { TransportError } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

const PASS = {
  admin: 'Sonnenblume-Station-3',
  nurse: 'Kaffeepause-Nachtdienst',
  second: 'Leuchtturm-Hafen-Nord',
  spare: 'Regenbogen-Frühdienst',
};
const BACKUP_PASS = 'Tresor-im-Keller-2026';

async function join(
  client: CoreClient,
  admin: CoreClient,
  relayUrl: string,
  displayName: string,
  passphrase: string,
  role: 'admin' | 'member' = 'member',
) {
  const { userId } = await admin.value('admin.addUser', { displayName, role, ward: 'Station 3B' });
  const letter = await admin.value('admin.createRegistrationKey', { userId });
  await client.value('org.join', { registrationKey: letter.registrationKey, relayUrl, passphrase });
  await eventually(
    async () => (await client.value('connection.status', {})).state === 'online',
    15_000,
    `${displayName} online`,
  );
  return userId;
}

describe('organisation administration', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let nurse: CoreClient;
  let second: CoreClient;
  let nurseId: string;
  let secondId: string;
  let adminId: string;
  let stationChannelId: string;

  beforeAll(async () => {
    await readySodium();
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    [admin, nurse, second] = await Promise.all([startCoreClient(), startCoreClient(), startCoreClient()]);
    await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: PASS.admin,
    });
    await eventually(
      async () => (await admin.value('connection.status', {})).state === 'online',
      15_000,
      'admin online',
    );
    adminId = (await admin.value('session.me', {})).userId;
    nurseId = await join(nurse, admin, relay.url, 'Bernd Pflege', PASS.nurse);
    secondId = await join(second, admin, relay.url, 'Carla Zweitadmin', PASS.second);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([admin?.close(), nurse?.close(), second?.close()]);
    await relay?.relay.dispose();
  });

  it('a member gets not_permitted from every admin method, whatever the UI shows', async () => {
    const inputs: Partial<Record<MethodName, unknown>> = {
      'admin.createRegistrationKey': { userId: nurseId },
      'admin.updateUser': { userId: nurseId, role: 'admin' },
      'admin.revokeRegistrationKey': { enrolmentId: 'enr0000000000000000' },
      'admin.setOrgSettings': {
        retentionDays: 1,
        readReceipts: true,
        notificationContent: 'full',
        historyForNewMembers: true,
      },
      'admin.exportAuditCsv': {},
      'admin.exportOrgKey': { passphrase: BACKUP_PASS },
      'admin.importOrgKey': { content: '{}', passphrase: BACKUP_PASS },
    };
    const adminMethods = [
      ...USERS_ADMIN_METHOD_NAMES,
      ...DEVICES_ADMIN_METHOD_NAMES,
      ...CHANNELS_ADMIN_METHOD_NAMES,
      ...ORG_SETTINGS_METHOD_NAMES,
      ...AUDIT_METHOD_NAMES,
      'admin.exportOrgKey',
      'admin.importOrgKey',
    ] as const;
    expect(adminMethods.length).toBeGreaterThanOrEqual(14);
    for (const method of adminMethods.filter((m) => m.startsWith('admin.'))) {
      const input = (inputs[method] ??
        (method === 'admin.addUser'
          ? { displayName: 'Eve' }
          : method === 'admin.revokeDevice'
            ? { deviceId: 'dev0000000000000' }
            : {})) as MethodInput<typeof method>;
      const result = await nurse.call(method, input);
      expect(result, method).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    }
    // Settings and managed policies are for everyone (read-only).
    expect((await nurse.value('org.settings', {})).org.retentionDays).toBe(0);
    expect(await nurse.value('policy.managed', {})).toEqual([]);
  });

  it('a record signed by a key other than the org key is refused by the relay and by clients', async () => {
    const runtime = nurse.core.sessions.visible();
    const orgId = runtime.identity.orgId;
    const foreign = generateOrgKeys();
    const forged = signRecord(
      'user',
      {
        orgId,
        userId: nurseId,
        displayName: 'Bernd Pflege',
        role: 'admin',
        ward: null,
        active: true,
        issuedAt: Date.now() + 60_000,
      },
      { kind: 'org', id: orgId },
      foreign.secretKey,
    );
    const upload = await runtime.client.publishRecord(forged).then(
      () => null,
      (error: unknown) => error,
    );
    expect(upload).toBeInstanceOf(TransportError);
    expect((upload as TransportError).code).toBe('record_rejected');
    expect(String((upload as Error).message)).toMatch(/bad_signature/);
    // publishRecord ingests only after the relay took it; a record arriving any other way is verified too.
    await runtime.client.ingestLocal([forged]);
    expect(runtime.client.directory.users.get(nurseId)?.body.role).toBe('member');
    expect((await nurse.value('session.me', {})).role).toBe('member');
    // A device key may never sign a user record (schema of signers), whoever's device it is.
    const deviceSigned = { ...forged, signer: { kind: 'device', id: runtime.identity.deviceId } };
    const refused = await runtime.client.publishRecord(deviceSigned).then(
      () => null,
      (error: unknown) => error,
    );
    expect((refused as TransportError).code).toBe('record_rejected');
    expect(String((refused as Error).message)).toMatch(/not_permitted/);
  });

  it('changes ward and role with a newer signed user record; the member sees it', async () => {
    const changed = await admin.value('admin.updateUser', { userId: nurseId, ward: 'Notaufnahme' });
    expect(changed).toMatchObject({
      userId: nurseId,
      ward: 'Notaufnahme',
      role: 'member',
      active: true,
      deviceCount: 1,
      activeDeviceCount: 1,
      self: false,
    });
    await eventually(
      async () => (await nurse.value('session.me', {})).ward === 'Notaufnahme',
      15_000,
      'new ward at nurse',
    );
    const users = await admin.value('admin.users', {});
    expect(users.map((u) => u.displayName)).toEqual(['Anna Admin', 'Bernd Pflege', 'Carla Zweitadmin']);
    expect(users.find((u) => u.self)?.userId).toBe(adminId);
    // Own role and own deactivation need another admin.
    expect(await admin.call('admin.updateUser', { userId: adminId, role: 'member' })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    expect(await admin.call('admin.updateUser', { userId: adminId, active: false })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    expect(await admin.call('admin.updateUser', { userId: 'usr-does-not-exist', ward: null })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await admin.call('admin.updateUser', { userId: nurseId, displayName: 'X' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  }, 30_000);

  it('lists open registration keys and revokes one: the key no longer enrols', async () => {
    const { userId } = await admin.value('admin.addUser', {
      displayName: 'Dora Nachtdienst',
      role: 'member',
      ward: null,
    });
    const letter = await admin.value('admin.createRegistrationKey', { userId });
    const open = await admin.value('admin.registrationKeys', {});
    const key = open.find((k) => k.userId === userId);
    expect(key).toMatchObject({ userName: 'Dora Nachtdienst', expiresAt: letter.expiresAt });
    // Keys already used by nurse and second are not open.
    expect(open.some((k) => k.userId === nurseId || k.userId === secondId)).toBe(false);

    await admin.value('admin.revokeRegistrationKey', { enrolmentId: key!.enrolmentId, reason: 'Brief verloren' });
    expect((await admin.value('admin.registrationKeys', {})).some((k) => k.enrolmentId === key!.enrolmentId)).toBe(
      false,
    );
    expect(await admin.call('admin.revokeRegistrationKey', { enrolmentId: key!.enrolmentId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const spare = await startCoreClient();
    try {
      expect(
        await spare.call('org.join', {
          registrationKey: letter.registrationKey,
          relayUrl: relay.url,
          passphrase: PASS.spare,
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      await spare.close();
    }
  }, 40_000);

  it('sets signed org settings; members see them and notifications follow them', async () => {
    const set = await admin.value('admin.setOrgSettings', {
      retentionDays: 90,
      readReceipts: true,
      notificationContent: 'none',
      historyForNewMembers: true,
    });
    expect(set).toMatchObject({
      org: { retentionDays: 90, notificationContent: 'none' },
      effective: { retentionDays: 90, notificationContent: 'none' },
      overriddenByPolicy: [],
      issuedByName: 'Anna Admin',
    });
    const atNurse = await eventually(
      async () => {
        const s = await nurse.value('org.settings', {});
        return s.org.retentionDays === 90 ? s : null;
      },
      15_000,
      'settings at nurse',
    );
    expect(atNurse.org).toEqual({
      retentionDays: 90,
      readReceipts: true,
      notificationContent: 'none',
      historyForNewMembers: true,
      // Not set by the admin: off (docs/protocol.md, org_settings).
      roleHistoryForPreviousHolders: false,
      alertSenderRoleIds: [],
      availability: false,
    });

    const { channelId } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Station 3B',
      topic: '',
      memberUserIds: [nurseId],
    });
    stationChannelId = channelId;
    const before = nurse.platform.notifier.shown.length;
    await admin.value('messages.send', { channelId, body: 'Zimmer 4 bitte' });
    await eventually(() => nurse.platform.notifier.shown.length > before, 15_000, 'notification');
    expect(JSON.stringify(nurse.platform.notifier.shown.at(-1))).not.toContain('Anna Admin');

    // Channels overview: counts, no content; names only where this device is a member.
    await eventually(
      async () =>
        (await admin.value('admin.channels', {})).find((c) => c.channelId === channelId && c.messageCount === 1),
      15_000,
      'channel counts',
    );
    const overview = (await admin.value('admin.channels', {})).find((c) => c.channelId === channelId)!;
    expect(overview).toMatchObject({
      name: 'Station 3B',
      kind: 'channel',
      memberCount: 2,
      adminCount: 1,
      messageCount: 1,
      epoch: 1,
    });
  }, 40_000);

  it('makes a second admin who imports the org key from a passphrase-protected backup', async () => {
    // Not yet an admin: the import is refused even with the right file.
    const backup = await admin.value('admin.exportOrgKey', { passphrase: BACKUP_PASS });
    expect(backup.fileName).toMatch(/^klinikfunk-organisationsschluessel-Klinikum-Nord-\d{4}-\d{2}-\d{2}\.json$/);
    expect(backup.content).not.toContain(admin.core.sessions.visible().identity.orgSecret!);
    expect(await second.call('admin.importOrgKey', { content: backup.content, passphrase: BACKUP_PASS })).toMatchObject(
      { ok: false, error: { code: 'not_permitted' } },
    );
    expect(await admin.call('admin.exportOrgKey', { passphrase: 'kurz' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });

    await admin.value('admin.updateUser', { userId: secondId, role: 'admin' });
    await eventually(async () => (await second.value('session.me', {})).role === 'admin', 15_000, 'role at second');
    // Admin role alone gives no powers: the device needs the org key.
    expect(await second.call('admin.users', {})).toMatchObject({ ok: false, error: { code: 'not_permitted' } });

    expect(
      await second.call('admin.importOrgKey', { content: backup.content, passphrase: 'Falsche-Passphrase-123' }),
    ).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    expect(
      await second.call('admin.importOrgKey', {
        content: backup.content.replace('"v": 1', '"v": 2'),
        passphrase: BACKUP_PASS,
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    // A backup of another organisation's key, even dressed up with this org's id, is refused.
    const runtime = second.core.sessions.visible();
    const foreign = generateOrgKeys();
    const alien = exportOrgKeyBackup({
      orgId: runtime.identity.orgId,
      orgName: 'Fremd',
      orgPublicKey: foreign.publicKey,
      orgSecret: foreign.secretKey,
      passphrase: BACKUP_PASS,
      now: Date.now(),
    });
    expect(
      await second.call('admin.importOrgKey', { content: JSON.stringify(alien), passphrase: BACKUP_PASS }),
    ).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect((await second.value('session.me', {})).holdsOrgKey).toBe(false);

    await second.value('admin.importOrgKey', { content: backup.content, passphrase: BACKUP_PASS });
    expect((await second.value('session.me', {})).holdsOrgKey).toBe(true);
    const { userId } = await second.value('admin.addUser', {
      displayName: 'Emil vom Zweitadmin',
      role: 'member',
      ward: null,
    });
    await eventually(
      async () => (await admin.value('admin.users', {})).some((u) => u.userId === userId),
      15_000,
      'user by second admin at first admin',
    );

    // The key survives sign-out and sign-in (kept in the encrypted store).
    const profileId = (await second.value('session.me', {})).profileId;
    await second.value('session.signOut', {});
    await second.value('session.signIn', { profileId, passphrase: PASS.second });
    expect((await second.value('session.me', {})).holdsOrgKey).toBe(true);
  }, 90_000);

  it('a demoted admin cannot sign any more, although the device still holds the key', async () => {
    await admin.value('admin.updateUser', { userId: secondId, role: 'member' });
    await eventually(
      async () => (await second.value('session.me', {})).role === 'member',
      15_000,
      'demotion at second',
    );
    expect(await second.call('admin.users', {})).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(await second.call('admin.addUser', { displayName: 'Fritz', role: 'admin', ward: null })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
  }, 30_000);

  it('deactivating a user ends the sessions of their devices at once', async () => {
    await admin.value('admin.updateUser', { userId: secondId, active: false });
    await eventually(
      async () => (await second.value('session.status', {})).state === 'signed_out',
      20_000,
      'second signed out',
    );
    expect((await second.value('session.status', {})).lastSignOutReason).toBe('revoked');
    const user = (await admin.value('admin.users', {})).find((u) => u.userId === secondId);
    expect(user).toMatchObject({ active: false, role: 'member' });
  }, 30_000);

  it('lists devices with certificate date, revocation and wipe order', async () => {
    const devices = await admin.value('admin.deviceList', {});
    const own = devices.find((d) => d.own)!;
    expect(own).toMatchObject({
      userName: 'Anna Admin',
      enrolled: false,
      revoked: false,
      label: 'Stationsrechner Test',
    });
    const nurseDevice = devices.find((d) => d.userId === nurseId)!;
    expect(nurseDevice).toMatchObject({ enrolled: true, revoked: false, revokedAt: null, wipeOrderedAt: null });
    expect(nurseDevice.certifiedAt).toBeGreaterThan(Date.now() - 10 * 60_000);
    // Last online, as the relay reports it: the admin's and the nurse's workstations are connected
    // now; the deactivated second admin's device was cut off and shows when it was last seen.
    expect(own).toMatchObject({ online: true, lastSeenKnown: true });
    expect(nurseDevice).toMatchObject({ online: true, lastSeenKnown: true });
    // Each workstation told the relay its build's version when it connected (rolling upgrades).
    expect(own).toMatchObject({ appVersion: '0.0.0-test', protocol: RELAY_PROTOCOL_VERSION });
    expect(nurseDevice).toMatchObject({ appVersion: '0.0.0-test', protocol: RELAY_PROTOCOL_VERSION });
    const secondDevice = devices.find((d) => d.userId === secondId)!;
    expect(secondDevice).toMatchObject({ online: false, lastSeenKnown: true });
    expect(secondDevice.lastSeenAt).toBeGreaterThan(nurseDevice.certifiedAt);
    expect(secondDevice.lastSeenAt).toBeLessThanOrEqual(Date.now());

    await admin.value('admin.revokeDevice', { deviceId: nurseDevice.deviceId, wipe: true, reason: 'Gerät verloren' });
    await eventually(async () => (await nurse.value('session.status', {})).profileCount === 0, 20_000, 'nurse wiped');
    const after = (await admin.value('admin.deviceList', {})).find((d) => d.deviceId === nurseDevice.deviceId)!;
    expect(after.revoked).toBe(true);
    expect(after.revokedAt).not.toBeNull();
    expect(after.wipeOrderedAt).not.toBeNull();
    expect(after).toMatchObject({ online: false, lastSeenKnown: true });
    expect(after.lastSeenAt).toBeGreaterThanOrEqual(after.revokedAt!);

    // Without the relay the list still comes, with "last online" unknown.
    const transport = admin.core.sessions.visible().transport;
    await transport.close();
    const offline = await admin.value('admin.deviceList', {});
    expect(offline.length).toBe(devices.length);
    expect(offline.every((d) => !d.lastSeenKnown && d.lastSeenAt === null && !d.online && d.appVersion === null)).toBe(
      true,
    );
    await transport.connect();
    expect(await admin.call('admin.revokeDevice', { deviceId: own.deviceId })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
  }, 40_000);

  it('the audit log lists every admin action from the signed records, and exports as CSV', async () => {
    const log = await admin.value('admin.auditLog', {});
    const actions = new Set(log.map((e) => e.action));
    for (const a of [
      'org_created',
      'user_added',
      'user_changed',
      'registration_key_created',
      'registration_key_revoked',
      'device_certified',
      'device_revoked',
      'wipe_ordered',
      'settings_changed',
    ] as const) {
      expect(actions.has(a), a).toBe(true);
    }
    // Newest first, every entry once, only org-signed records plus device certificates and the
    // wiped device's own confirmation (signed with its key).
    expect(log.map((e) => e.time)).toEqual([...log.map((e) => e.time)].sort((a, b) => b - a));
    expect(new Set(log.map((e) => e.pos)).size).toBe(log.length);
    expect(log.every((e) => e.signerKind === 'org' || e.type === 'device' || e.type === 'wipe_done')).toBe(true);
    expect(log.find((e) => e.action === 'wipe_executed')).toMatchObject({ signerKind: 'device', type: 'wipe_done' });
    expect(log.find((e) => e.action === 'user_changed' && e.subjectId === nurseId)?.detail).toContain(
      'ward=Notaufnahme',
    );
    expect(log.find((e) => e.action === 'registration_key_revoked')?.detail).toBe('reason=Brief verloren');
    // A channel roster signed by a member's device is not an admin action; org-signed ones (the org-wide channel) are.
    expect(log.some((e) => e.subjectId === stationChannelId)).toBe(false);
    expect(log.every((e) => e.type !== 'roster' || e.signerKind === 'org')).toBe(true);

    // Every entry names the person who acted and their device (stamp checked with the device key),
    // also the second admin, who shares the org key, and the nurse who registered her own device.
    expect(log.filter((e) => e.actorSource !== 'device' && e.actorSource !== 'enrolment')).toEqual([]);
    const byAnna = { actorName: 'Anna Admin', actorUserId: adminId, actorDeviceLabel: 'Stationsrechner Test' };
    expect(log.find((e) => e.action === 'org_created')).toMatchObject(byAnna);
    expect(log.find((e) => e.action === 'wipe_ordered')).toMatchObject(byAnna);
    expect(log.find((e) => e.action === 'settings_changed')).toMatchObject(byAnna);
    const emil = log.find((e) => e.action === 'user_added' && e.subjectName === 'Emil vom Zweitadmin');
    expect(emil).toMatchObject({ actorSource: 'device', actorName: 'Carla Zweitadmin', actorUserId: secondId });
    const carlaDevice = (await admin.value('admin.deviceList', {})).find((d) => d.userId === secondId)?.deviceId;
    expect(emil?.actorDeviceId).toBe(carlaDevice);
    expect(log.find((e) => e.action === 'device_certified' && e.subjectId === emil?.actorDeviceId)).toMatchObject({
      actorSource: 'enrolment',
      actorName: 'Carla Zweitadmin',
    });

    const { fileName, csv } = await admin.value('admin.exportAuditCsv', { language: 'de' });
    expect(fileName).toMatch(/^klinikfunk-protokoll-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Zeitpunkt (UTC);Ausgeführt von;Gerät;Aktion;Ziel;Details;Datensatz;Ziel-ID;Signiert von;Geräte-ID',
    );
    expect(lines).toHaveLength(log.length + 1);
    expect(lines.find((l) => l.includes(';Fernlöschung angeordnet;'))).toMatch(
      /^[^;]+;Anna Admin;Stationsrechner Test;Fernlöschung angeordnet;/,
    );
    expect(lines.find((l) => l.includes(';Emil vom Zweitadmin;'))).toMatch(
      /^[^;]+;Carla Zweitadmin;[^;]+;Benutzer hinzugefügt;/,
    );
    expect(csv).not.toMatch(/Zimmer 4/);
  });
});
