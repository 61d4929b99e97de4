// Device "last seen" over a real WebSocket (devices_seen): the relay records when each device
// connects and disconnects, an admin device asks for it, a member's device and a device of
// another organisation are refused, and the record survives a restart. On PostgreSQL a device
// connected to one relay process shows as online to an admin asking another one.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import { eventually } from '../client/client-world.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { deviceTransport, startTestRelay, TestOrg, type TestDevice, type TestRelay } from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

describe('devices_seen: when devices were last online', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let adminDevice: TestDevice;
  let nurseDevice: TestDevice;
  let spareDevice: TestDevice;

  beforeAll(async () => {
    org = await TestOrg.create();
    const adminUser = org.addUser('Anna Admin', 'admin');
    const nurseUser = org.addUser('Bernd Pflege');
    adminDevice = org.addDevice(adminUser);
    nurseDevice = org.addDevice(nurseUser);
    spareDevice = org.addDevice(nurseUser);
    relay = await startTestRelay({ org, presenceRefreshMs: 200 });
  });
  afterAll(async () => {
    await relay.dispose();
  });

  it('refuses the question before authentication', async () => {
    const raw = await RawClient.open(relay.url);
    expect(await raw.request({ t: 'devices_seen' })).toMatchObject({ t: 'error', code: 'not_authenticated' });
    raw.close();
  });

  it("shows the admin the nurse's device online while connected, then when it was last seen", async () => {
    const admin = deviceTransport(relay.url, adminDevice);
    const nurse = deviceTransport(relay.url, nurseDevice);
    await admin.connect();
    const beforeNurse = Date.now();
    await nurse.connect();
    const seen = async () => new Map((await admin.devicesSeen()).map((d) => [d.deviceId, d]));
    let devices = await seen();
    expect(devices.size).toBe(3);
    expect(devices.get(nurseDevice.deviceId)).toMatchObject({ online: true });
    expect(devices.get(nurseDevice.deviceId)!.lastSeenAt).toBeGreaterThanOrEqual(beforeNurse);
    expect(devices.get(adminDevice.deviceId)).toMatchObject({ online: true });
    // Never connected since the relay records presence.
    expect(devices.get(spareDevice.deviceId)).toEqual({
      deviceId: spareDevice.deviceId,
      lastSeenAt: null,
      online: false,
      appVersion: null,
      protocol: null,
    });

    // While connected the row is refreshed now and then (here every 200 ms), not per frame.
    const store = relay.store!;
    const rowOf = async () => (await store.seenDevices()).find((r) => r.deviceId === nurseDevice.deviceId)!;
    const firstWrite = (await rowOf()).lastSeenAt;
    await eventually(async () => (await rowOf()).lastSeenAt > firstWrite, 15_000, 'presence refreshed');

    const beforeLeave = Date.now();
    await nurse.close();
    devices = await eventually(
      async () => {
        const now = await seen();
        return now.get(nurseDevice.deviceId)!.online ? null : now;
      },
      5_000,
      'nurse offline',
    );
    const nurseSeen = devices.get(nurseDevice.deviceId)!;
    expect(nurseSeen.lastSeenAt).toBeGreaterThanOrEqual(beforeLeave);
    expect(nurseSeen.lastSeenAt).toBeLessThanOrEqual(Date.now());
    await admin.close();
  });

  it("refuses a member's device with not_permitted", async () => {
    const nurse = deviceTransport(relay.url, nurseDevice);
    await nurse.connect();
    await expect(nurse.devicesSeen()).rejects.toMatchObject({ code: 'not_permitted' });
    // The connection stays usable: a refusal is an answer, not a protocol error.
    expect(await nurse.changedChannels({})).toEqual({});
    await nurse.close();
  });

  it('refuses an admin device of another organisation at authentication, so it never gets to ask', async () => {
    const other = await TestOrg.create();
    const otherAdmin = other.addDevice(other.addUser('Fremde Admin', 'admin'));
    const raw = await RawClient.open(relay.url);
    expect(await raw.authenticate(otherAdmin, otherAdmin.sign, otherAdmin.certificate)).toMatchObject({
      code: 'auth_failed',
    });
    expect(raw.frames.some((f) => f.t === 'devices_seen_result')).toBe(false);
  });

  it('keeps the record across a restart; devices connected at shutdown are recorded as gone then', async () => {
    const nurse = deviceTransport(relay.url, nurseDevice);
    await nurse.connect();
    const beforeStop = Date.now();
    await relay.stop();
    await nurse.close();
    const store = openSqliteStore(join(relay.dataDir, 'relay.db'));
    const row = (await store.seenDevices()).find((r) => r.deviceId === nurseDevice.deviceId)!;
    expect(row.online).toBe(false);
    expect(row.lastSeenAt).toBeGreaterThanOrEqual(beforeStop);
    await store.close();
    await relay.restart();
    const admin = deviceTransport(relay.url, adminDevice);
    await admin.connect();
    const nurseSeen = (await admin.devicesSeen()).find((d) => d.deviceId === nurseDevice.deviceId);
    expect(nurseSeen).toEqual({
      deviceId: nurseDevice.deviceId,
      lastSeenAt: row.lastSeenAt,
      online: false,
      appVersion: null,
      protocol: RELAY_PROTOCOL_VERSION,
    });
    await admin.close();
  });
});

describe.skipIf(!postgresAvailable())('devices_seen across relay processes on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('an admin asking one relay sees a device connected to the other as online', async () => {
    const org = await TestOrg.create();
    const adminDevice = org.addDevice(org.addUser('Anna Admin', 'admin'));
    const nurseDevice = org.addDevice(org.addUser('Bernd Pflege'));
    const databaseUrl = await cluster.createDatabase();
    const relayA = await startTestRelay({ org, databaseUrl });
    const relayB = await startTestRelay({ org, databaseUrl });
    try {
      const nurse = deviceTransport(relayA.url, nurseDevice);
      await nurse.connect();
      const admin = deviceTransport(relayB.url, adminDevice);
      await admin.connect();
      const seen = await eventually(
        async () => (await admin.devicesSeen()).find((d) => d.deviceId === nurseDevice.deviceId && d.online),
        15_000,
        'nurse online via the other relay',
      );
      expect(seen.lastSeenAt).toBeGreaterThan(Date.now() - 60_000);
      await nurse.close();
      await eventually(
        async () => (await admin.devicesSeen()).find((d) => d.deviceId === nurseDevice.deviceId && !d.online),
        15_000,
        'nurse offline via the other relay',
      );
      await admin.close();
    } finally {
      await relayA.dispose();
      await relayB.dispose();
    }
  }, 30_000);
});
