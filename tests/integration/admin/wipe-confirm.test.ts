// The admin learns that a remote wipe ran: the wiped workstation signs a confirmation with its own
// device key before it deletes its profile, sends it to the real relay although it is revoked, and
// the admin's device list and audit log show when it ran. A workstation that is off shows "ordered,
// not executed", and a confirmation the relay makes up for it (written straight into the relay's
// database) is refused by the admin's directory: the list still says "not executed".
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeviceKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

async function join_(client: CoreClient, admin: CoreClient, relayUrl: string, displayName: string, passphrase: string) {
  const { userId } = await admin.value('admin.addUser', { displayName, role: 'member', ward: 'Station 3B' });
  const letter = await admin.value('admin.createRegistrationKey', { userId });
  await client.value('org.join', { registrationKey: letter.registrationKey, relayUrl, passphrase });
  await eventually(
    async () => (await client.value('connection.status', {})).state === 'online',
    15_000,
    `${displayName} online`,
  );
  return userId;
}

describe('remote wipe confirmation', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let nurse: CoreClient;
  let away: CoreClient;
  let nurseId: string;
  let awayId: string;
  let awayDeviceId: string;
  let forgedSig: string;

  beforeAll(async () => {
    await readySodium();
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    [admin, nurse, away] = await Promise.all([startCoreClient(), startCoreClient(), startCoreClient()]);
    await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    await eventually(
      async () => (await admin.value('connection.status', {})).state === 'online',
      15_000,
      'admin online',
    );
    nurseId = await join_(nurse, admin, relay.url, 'Bernd Pflege', 'Kaffeepause-Nachtdienst');
    awayId = await join_(away, admin, relay.url, 'Dora Urlaub', 'Leuchtturm-Hafen-Nord');
  }, 90_000);

  afterAll(async () => {
    await Promise.all([admin?.close(), nurse?.close(), away?.close()]);
    await relay?.relay.dispose();
  });

  it('a workstation that is off: ordered, not executed; a confirmation made up by the relay does not count', async () => {
    await away.close();
    const device = (await admin.value('admin.deviceList', {})).find((d) => d.userId === awayId)!;
    await admin.value('admin.revokeDevice', { deviceId: device.deviceId, wipe: true, reason: 'Gerät verloren' });
    const listed = (await admin.value('admin.deviceList', {})).find((d) => d.deviceId === device.deviceId)!;
    expect(listed.wipeOrderedAt).not.toBeNull();
    expect(listed.wipeExecutedAt).toBeNull();

    // The relay's own database gets a confirmation the device never signed (no relay holds a device key).
    const order = [...admin.core.sessions.visible().client.directory.wipeOrders.values()].find(
      (o) => o.body.targetDeviceId === device.deviceId,
    )!;
    const forged = signRecord(
      'wipe_done',
      { orgId: order.body.orgId, orderId: order.body.orderId, deviceId: device.deviceId, executedAt: Date.now() },
      { kind: 'device', id: device.deviceId },
      generateDeviceKeys().signing.secretKey,
    );
    const store = openSqliteStore(join(relay.relay.dataDir, 'relay.db'));
    try {
      await store.dirPut('wipe_done', device.deviceId, forged.sig, JSON.stringify(forged));
    } finally {
      await store.close();
    }
    awayDeviceId = device.deviceId;
    forgedSig = forged.sig;
  }, 40_000);

  it('the wiped workstation confirms with its own key: the list and the audit log show when it ran', async () => {
    const device = (await admin.value('admin.deviceList', {})).find((d) => d.userId === nurseId)!;
    expect(device).toMatchObject({ wipeOrderedAt: null, wipeExecutedAt: null });
    const orderedFrom = Date.now();
    await admin.value('admin.revokeDevice', { deviceId: device.deviceId, wipe: true, reason: 'Gerät verloren' });
    await eventually(async () => (await nurse.value('session.status', {})).profileCount === 0, 20_000, 'nurse wiped');
    const wipedBy = Date.now();
    await eventually(
      async () =>
        (await admin.value('admin.deviceList', {})).find((d) => d.deviceId === device.deviceId)!.wipeExecutedAt !==
        null,
      15_000,
      'confirmation at the admin',
    );
    const listed = (await admin.value('admin.deviceList', {})).find((d) => d.deviceId === device.deviceId)!;
    expect(listed.revoked).toBe(true);
    expect(listed.wipeExecutedAt).toBeGreaterThanOrEqual(orderedFrom);
    expect(listed.wipeExecutedAt).toBeLessThanOrEqual(wipedBy);
    const entry = (await admin.value('admin.auditLog', {})).find((e) => e.action === 'wipe_executed')!;
    expect(entry).toMatchObject({
      subjectId: device.deviceId,
      signerKind: 'device',
      signerId: device.deviceId,
      time: listed.wipeExecutedAt,
    });
    expect(entry.subjectName).toBe(device.label);

    // The admin fetched the relay's made-up confirmation with the real one (it sits before it in
    // the directory) and refused it: the workstation that is off still shows "not executed".
    const page = await admin.core.sessions.visible().transport.getRecords(0, 500);
    expect(page.records.some((r) => r.record.sig === forgedSig)).toBe(true);
    expect((await admin.value('admin.deviceList', {})).find((d) => d.deviceId === awayDeviceId)).toMatchObject({
      wipeExecutedAt: null,
    });
    expect((await admin.value('admin.auditLog', {})).filter((e) => e.action === 'wipe_executed')).toHaveLength(1);
  }, 40_000);
});
