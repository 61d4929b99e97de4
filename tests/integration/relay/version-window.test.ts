// Rolling upgrades against the real relay: a device that speaks the previous protocol version
// (3: no app version in hello, devices_seen_result without versions) connects to the new relay and
// exchanges messages with a device of the current version, every frame it receives valid under the
// previous version's strict schemas; older and newer versions are refused with
// `unsupported_version` and a German sentence for staff. Each device's app and protocol version
// reach the admin through devices_seen, across a restart and across relay processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { authChallengeText, CLOSE_CODES, RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { OLDEST_RELAY_PROTOCOL_VERSION, previousServerFrame } from '@klinikfunk/protocol/relay/version-window.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';
import { eventually } from '../client/client-world.ts';
import { until } from '../transport/contract.ts';
import { RawClient, type RawAnswer } from './raw-client.ts';
import { serverFrame as releasedV3ServerFrame } from '../../fixtures/relay/frames-v3.ts';

const PREVIOUS = OLDEST_RELAY_PROTOCOL_VERSION;
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const text = (s: string) => new TextEncoder().encode(s);

/**
 * A device of the previous protocol version: hello without an app version, and every text frame
 * it gets checked with the previous version's strict schemas (what its own client would do).
 */
async function previousVersionDevice(
  url: string,
  device: TestDevice,
): Promise<{ raw: RawClient; invalid: () => string[] }> {
  const raw = await RawClient.open(url);
  const invalid: string[] = [];
  raw.ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const parsed = previousServerFrame.safeParse(JSON.parse(String(data)));
    if (!parsed.success) invalid.push(`${String(data).slice(0, 200)}: ${parsed.error.issues[0]?.message}`);
    // And as the released v3 client parses it (its frames frozen), not only as version-window.ts says.
    const released = releasedV3ServerFrame.safeParse(JSON.parse(String(data)));
    if (!released.success)
      invalid.push(`${String(data).slice(0, 200)}: released v3 refuses it: ${released.error.issues[0]?.message}`);
  });
  raw.send({ t: 'hello', v: PREVIOUS, deviceId: device.deviceId });
  const challenge = await raw.next((f) => f.t === 'challenge' || f.t === 'error');
  expect(challenge).toMatchObject({ t: 'challenge', v: PREVIOUS });
  const signature = Buffer.from(
    device.sign(text(authChallengeText(String(challenge.nonce), device.deviceId))),
  ).toString('base64url');
  expect(await raw.request({ t: 'auth', signature })).toMatchObject({ t: 'auth_ok', deviceId: device.deviceId });
  return { raw, invalid: () => invalid };
}

async function refusal(
  url: string,
  device: TestDevice,
  v: number,
): Promise<{ error: RawAnswer; closed: { code: number; reason: string } }> {
  const raw = await RawClient.open(url);
  raw.send({ t: 'hello', v, deviceId: device.deviceId });
  const error = await raw.next((f) => f.t === 'error' || f.t === 'challenge');
  return { error, closed: await raw.waitClosed() };
}

describe('protocol version window: the relay serves the current and the previous version', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let admin: TestDevice;
  let nurse: TestDevice;
  let doctor: TestDevice;
  let channelId: string;

  beforeAll(async () => {
    org = await TestOrg.create();
    const adminUser = org.addUser('Anna Admin', 'admin');
    const nurseUser = org.addUser('Bernd Pflege');
    const doctorUser = org.addUser('Cara Ärztin');
    admin = org.addDevice(adminUser);
    nurse = org.addDevice(nurseUser);
    doctor = org.addDevice(doctorUser);
    channelId = testId('chan');
    org.setRoster(channelId, [adminUser, nurseUser, doctorUser]);
    relay = await startTestRelay({ org });
  });
  afterAll(async () => {
    await relay.dispose();
  });

  it('defines the window as this version and the one before', () => {
    expect(RELAY_PROTOCOL_VERSION).toBe(4);
    expect(OLDEST_RELAY_PROTOCOL_VERSION).toBe(3);
  });

  it('a previous-version device connects and exchanges messages with a current one both ways', async () => {
    const old = await previousVersionDevice(relay.url, nurse);
    const current = deviceTransport(relay.url, doctor, { appVersion: '2.0.0' });
    const atCurrent: WireEvent[] = [];
    current.onPush((e) => atCurrent.push(e));
    await current.connect();
    try {
      // Old -> new: publish, acked with seq and incarnation as v3 knows them, pushed to the new device.
      const ack = await old.raw.request({
        t: 'publish',
        channelId,
        clientEventId: testId('evt'),
        envelope: b64('vom alten Gerät'),
      });
      expect(ack).toMatchObject({ t: 'ack', channelId, seq: 1, duplicate: false });
      await until(() => atCurrent.length === 1);
      expect(new TextDecoder().decode(atCurrent[0]!.envelope)).toBe('vom alten Gerät');

      // New -> old: a live push, then catch-up by seq (sync + fetch) as the old device does it.
      await current.publish(channelId, testId('evt'), text('vom neuen Gerät'));
      const push = await old.raw.next((f) => f.t === 'push');
      expect(push).toMatchObject({ channelId, seq: 2, envelope: b64('vom neuen Gerät') });
      const changed = await old.raw.request({ t: 'sync', cursors: {} });
      expect(changed).toMatchObject({ t: 'changed', heads: { [channelId]: 2 } });
      const page = await old.raw.request({ t: 'fetch', channelId, afterSeq: 0, limit: 10 });
      expect(
        (page.events as Array<{ envelope: string }>).map((e) => Buffer.from(e.envelope, 'base64url').toString()),
      ).toEqual(['vom alten Gerät', 'vom neuen Gerät']);
      expect(await old.raw.request({ t: 'ping' })).toMatchObject({ t: 'pong' });
      expect(old.invalid()).toEqual([]);
    } finally {
      old.raw.close();
      await current.close();
    }
  });

  it('tells the admin which app and protocol version each device connected with', async () => {
    const old = await previousVersionDevice(relay.url, nurse);
    const current = deviceTransport(relay.url, doctor, { appVersion: '2.0.0' });
    await current.connect();
    const adminTransport = deviceTransport(relay.url, admin, { appVersion: '2.0.0' });
    await adminTransport.connect();
    try {
      const seen = new Map((await adminTransport.devicesSeen()).map((d) => [d.deviceId, d]));
      expect(seen.get(nurse.deviceId)).toMatchObject({ online: true, protocol: PREVIOUS, appVersion: null });
      expect(seen.get(doctor.deviceId)).toMatchObject({
        online: true,
        protocol: RELAY_PROTOCOL_VERSION,
        appVersion: '2.0.0',
      });
      expect(seen.get(admin.deviceId)).toMatchObject({ protocol: RELAY_PROTOCOL_VERSION, appVersion: '2.0.0' });
    } finally {
      old.raw.close();
      await current.close();
      await adminTransport.close();
    }
  });

  it('answers a previous-version admin device the device list without the fields it does not know', async () => {
    const old = await previousVersionDevice(relay.url, admin);
    try {
      const result = await old.raw.request({ t: 'devices_seen' });
      expect(result.t).toBe('devices_seen_result');
      const devices = result.devices as Array<Record<string, unknown>>;
      expect(devices).toHaveLength(3);
      for (const d of devices) expect(Object.keys(d).sort()).toEqual(['deviceId', 'lastSeenAt', 'online']);
      expect(old.invalid()).toEqual([]);
    } finally {
      old.raw.close();
    }
  });

  it('refuses a version older than the window with unsupported_version and a German sentence to ask IT for the update', async () => {
    const { error, closed } = await refusal(relay.url, nurse, OLDEST_RELAY_PROTOCOL_VERSION - 1);
    expect(error).toMatchObject({ t: 'error', code: 'unsupported_version' });
    expect(error.message).toContain('Dieses Klinikfunk ist zu alt für den Server');
    expect(error.message).toContain('Bitte bitten Sie die IT, Klinikfunk auf diesem Arbeitsplatz zu aktualisieren.');
    expect(closed).toEqual({ code: CLOSE_CODES.protocolError, reason: 'unsupported version' });
  });

  it('refuses a version newer than the relay, saying the relay is updated first', async () => {
    const { error, closed } = await refusal(relay.url, nurse, RELAY_PROTOCOL_VERSION + 1);
    expect(error).toMatchObject({ t: 'error', code: 'unsupported_version' });
    expect(error.message).toContain('zuerst wird der Server aktualisiert');
    expect(closed.code).toBe(CLOSE_CODES.protocolError);
  });

  it('refuses an app version that is not a plain version string, before anything else', async () => {
    const raw = await RawClient.open(relay.url);
    raw.send({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: nurse.deviceId, app: 'Bernd <script>' });
    expect(await raw.next((f) => f.t === 'error' || f.t === 'challenge')).toMatchObject({
      t: 'error',
      code: 'bad_frame',
    });
    raw.send({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: nurse.deviceId, app: '1'.repeat(41) });
    expect(await raw.next((f) => f.t === 'error' || f.t === 'challenge')).toMatchObject({
      t: 'error',
      code: 'bad_frame',
    });
    raw.close();
  });

  it('keeps the versions across a relay restart', async () => {
    const current = deviceTransport(relay.url, doctor, { appVersion: '2.0.1' });
    await current.connect();
    await current.close();
    await relay.stop();
    await relay.restart();
    const adminTransport = deviceTransport(relay.url, admin, { appVersion: '2.0.1' });
    await adminTransport.connect();
    try {
      const seen = new Map((await adminTransport.devicesSeen()).map((d) => [d.deviceId, d]));
      expect(seen.get(doctor.deviceId)).toMatchObject({
        online: false,
        protocol: RELAY_PROTOCOL_VERSION,
        appVersion: '2.0.1',
      });
      expect(seen.get(nurse.deviceId)).toMatchObject({ online: false, protocol: PREVIOUS, appVersion: null });
    } finally {
      await adminTransport.close();
    }
  });
});

describe.skipIf(!postgresAvailable())('protocol version window on PostgreSQL, two relay processes', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('an admin asking one relay sees the versions of devices connected to the other', async () => {
    const org = await TestOrg.create();
    const admin = org.addDevice(org.addUser('Anna Admin', 'admin'));
    const nurse = org.addDevice(org.addUser('Bernd Pflege'));
    const doctor = org.addDevice(org.addUser('Cara Ärztin'));
    const databaseUrl = await cluster.createDatabase();
    const relayA = await startTestRelay({ org, databaseUrl });
    const relayB = await startTestRelay({ org, databaseUrl });
    try {
      const old = await previousVersionDevice(relayA.url, nurse);
      const current = deviceTransport(relayA.url, doctor, { appVersion: '2.0.0' });
      await current.connect();
      const adminTransport = deviceTransport(relayB.url, admin, { appVersion: '2.0.0' });
      await adminTransport.connect();
      const seen = await eventually(
        async () => {
          const list = new Map((await adminTransport.devicesSeen()).map((d) => [d.deviceId, d]));
          return list.get(nurse.deviceId)?.online && list.get(doctor.deviceId)?.online ? list : null;
        },
        5_000,
        'both devices online via the other relay',
      );
      expect(seen.get(nurse.deviceId)).toMatchObject({ protocol: PREVIOUS, appVersion: null });
      expect(seen.get(doctor.deviceId)).toMatchObject({ protocol: RELAY_PROTOCOL_VERSION, appVersion: '2.0.0' });
      old.raw.close();
      await current.close();
      await adminTransport.close();
    } finally {
      await relayA.dispose();
      await relayB.dispose();
    }
  }, 30_000);
});
