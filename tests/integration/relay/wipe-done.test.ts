// A wiped device's confirmation over the real relay: a revoked device may store exactly one thing,
// its own signed `wipe_done` record for an order for it (hello -> challenge -> wipe_done, no
// auth). Refused: a confirmation signed by another device, for an order that does not exist, for
// another device's order, twice, or sent as anything but the hello device; and a confirmation the
// relay made up (stored past its checks) is refused by every client's directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { generateDeviceKeys } from '@klinikfunk/crypto/keys.ts';
import { signRecord } from '@klinikfunk/crypto/records.ts';
import { sendWipeDone } from '../../../apps/desktop/electron/core/transport/wipe-done.ts';
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
import { RawClient } from './raw-client.ts';

function wipeDone(
  device: TestDevice,
  org: TestOrg,
  orderId: string,
  signAs: { id: string; key: Uint8Array } = { id: device.deviceId, key: device.keys.signing.secretKey },
  executedAt = Date.now(),
): SignedRecord<'wipe_done'> {
  return signRecord(
    'wipe_done',
    { orgId: org.orgId, orderId, deviceId: device.deviceId, executedAt },
    { kind: 'device', id: signAs.id },
    signAs.key,
  );
}

/** hello as `deviceId`, then the record in a wipe_done frame; the relay's answer. */
async function sendRaw(url: string, deviceId: string, record: unknown) {
  const raw = await RawClient.open(url);
  try {
    raw.send({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId });
    await raw.next((f) => f.t === 'challenge');
    return await raw.request({ t: 'wipe_done', record });
  } finally {
    raw.close();
  }
}

describe('wipe confirmation at the relay', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let admin: TestDevice;
  let lost: TestDevice;
  let other: TestDevice;
  let order: SignedRecord<'wipe'>;
  let otherOrder: SignedRecord<'wipe'>;

  beforeAll(async () => {
    org = await TestOrg.create();
    const [u1, u2] = [org.addUser('Admin', 'admin'), org.addUser()];
    admin = org.addDevice(u1);
    lost = org.addDevice(u2);
    other = org.addDevice(u2);
    order = org.wipeOrder(lost.deviceId);
    org.revokeDevice(lost.deviceId);
    otherOrder = org.wipeOrder(other.deviceId);
    relay = await startTestRelay({ org });
  });
  afterAll(async () => {
    await relay.dispose();
  });

  it('refuses a confirmation signed by another device, also when that device sends it', async () => {
    const forged = wipeDone(lost, org, order.body.orderId, { id: other.deviceId, key: other.keys.signing.secretKey });
    expect(await sendRaw(relay.url, lost.deviceId, forged)).toMatchObject({ t: 'error', code: 'record_rejected' });
    const result = await sendRaw(relay.url, other.deviceId, forged);
    expect(result).toMatchObject({ t: 'error', code: 'record_rejected' });
    expect(String(result.message)).toContain('only the wiped device');
    // A record naming the lost device as signer but signed with another key.
    const stranger = generateDeviceKeys();
    const badKey = wipeDone(lost, org, order.body.orderId, { id: lost.deviceId, key: stranger.signing.secretKey });
    expect(await sendRaw(relay.url, lost.deviceId, badKey)).toMatchObject({
      t: 'error',
      code: 'record_rejected',
      message: 'bad_signature',
    });
  });

  it('refuses a confirmation for an order that does not exist or is for another device', async () => {
    const none = await sendRaw(relay.url, lost.deviceId, wipeDone(lost, org, testId('wip')));
    expect(none).toMatchObject({ t: 'error', code: 'record_rejected' });
    expect(String(none.message)).toContain('no such wipe order');
    const foreign = await sendRaw(relay.url, lost.deviceId, wipeDone(lost, org, otherOrder.body.orderId));
    expect(String(foreign.message)).toContain('for another device');
  });

  it('takes nothing else from an unauthenticated socket: not another record type, not a schema-less body', async () => {
    const user = org.sign('user', {
      orgId: org.orgId,
      userId: lost.userId,
      displayName: 'X',
      role: 'admin',
      ward: null,
      active: true,
      issuedAt: Date.now(),
    });
    expect(await sendRaw(relay.url, lost.deviceId, user)).toMatchObject({ t: 'error', code: 'record_rejected' });
    const bad = { ...wipeDone(lost, org, order.body.orderId), body: { orgId: org.orgId, orderId: order.body.orderId } };
    expect(await sendRaw(relay.url, lost.deviceId, bad)).toMatchObject({ t: 'error', code: 'record_rejected' });
    expect(await sendRaw(relay.url, lost.deviceId, 'not a record')).toMatchObject({ t: 'error', code: 'bad_frame' });
  });

  it('stores the revoked device own confirmation once, and clients see it in the directory', async () => {
    const record = wipeDone(lost, org, order.body.orderId);
    await sendWipeDone(relay.url, record);
    // A second confirmation of the same order is refused; the same record again is a duplicate.
    await expect(
      sendWipeDone(relay.url, wipeDone(lost, org, order.body.orderId, undefined, Date.now() + 1)),
    ).rejects.toMatchObject({ code: 'record_rejected' });
    await sendWipeDone(relay.url, record);
    // The device is still refused for everything else.
    const t = deviceTransport(relay.url, lost);
    await expect(t.connect()).rejects.toMatchObject({ code: 'revoked' });

    const a = deviceTransport(relay.url, admin);
    await a.connect();
    const page = await a.getRecords(0, 500);
    await a.close();
    const confirmations = page.records.filter((r) => r.record.type === 'wipe_done');
    expect(confirmations).toHaveLength(1);
    const dir = new Directory({ orgPublicKey: org.org.publicKey });
    for (const { record } of page.records) dir.ingest(record);
    expect(dir.wipesDone.get(order.body.orderId)?.body).toMatchObject({
      deviceId: lost.deviceId,
      executedAt: record.body.executedAt,
    });
  });

  it('a confirmation the relay made up is refused by the directory every client runs', async () => {
    // Stored straight into the relay's database, past every check (a compromised relay).
    const forged = signRecord(
      'wipe_done',
      { orgId: org.orgId, orderId: otherOrder.body.orderId, deviceId: other.deviceId, executedAt: Date.now() },
      { kind: 'device', id: other.deviceId },
      generateDeviceKeys().signing.secretKey,
    );
    await relay.store!.dirPut('wipe_done', other.deviceId, forged.sig, JSON.stringify(forged));
    const a = deviceTransport(relay.url, admin);
    await a.connect();
    const page = await a.getRecords(0, 500);
    await a.close();
    expect(page.records.some((r) => r.record.sig === forged.sig)).toBe(true);
    const dir = new Directory({ orgPublicKey: org.org.publicKey });
    const verdicts = page.records.map(({ record }) => ({ sig: record.sig, verdict: dir.ingest(record) }));
    expect(verdicts.find((v) => v.sig === forged.sig)?.verdict).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(dir.wipesDone.has(otherOrder.body.orderId)).toBe(false);
  });
});

describe.skipIf(!postgresAvailable())('wipe confirmation across relay processes on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('confirmed at one relay, seen by an admin connected to the other; a second confirmation is refused there', async () => {
    const org = await TestOrg.create();
    const admin = org.addDevice(org.addUser('Anna Admin', 'admin'));
    const lost = org.addDevice(org.addUser());
    const order = org.wipeOrder(lost.deviceId);
    org.revokeDevice(lost.deviceId);
    const databaseUrl = await cluster.createDatabase();
    const relayA = await startTestRelay({ org, databaseUrl });
    const relayB = await startTestRelay({ org, databaseUrl });
    try {
      await sendWipeDone(relayA.url, wipeDone(lost, org, order.body.orderId));
      const a = deviceTransport(relayB.url, admin);
      await a.connect();
      const found = await eventually(
        async () => (await a.getRecords(0, 500)).records.find((r) => r.record.type === 'wipe_done'),
        15_000,
        'confirmation via the other relay',
      );
      expect(found.record.body).toMatchObject({ orderId: order.body.orderId, deviceId: lost.deviceId });
      await a.close();
      await expect(
        sendWipeDone(relayB.url, wipeDone(lost, org, order.body.orderId, undefined, Date.now() + 5)),
      ).rejects.toMatchObject({ code: 'record_rejected' });
    } finally {
      await relayA.dispose();
      await relayB.dispose();
    }
  }, 30_000);
});
