// Who gets in: only a device whose certificate chains to the org root, that is not revoked,
// and that signs the relay's fresh challenge with its own key. Revocation cuts it off at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@klinikfunk/protocol/relay/frames.ts';
import { generateDeviceKeys } from '@klinikfunk/crypto/keys.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { TransportError } from '../../../apps/desktop/electron/core/transport/transport.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

describe('relay auth and membership', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let member: TestDevice;
  let outsider: TestDevice;
  let revokedEarlier: TestDevice;
  let channelId: string;

  beforeAll(async () => {
    org = await TestOrg.create();
    const [u1, u2, u3] = [org.addUser(), org.addUser(), org.addUser()];
    member = org.addDevice(u1);
    org.addDevice(u2);
    outsider = org.addDevice(u3);
    revokedEarlier = org.addDevice(u1);
    org.revokeDevice(revokedEarlier.deviceId);
    channelId = testId('chan');
    org.setRoster(channelId, [u1, u2]);
    relay = await startTestRelay({ org });
  });
  afterAll(async () => {
    await relay.dispose();
  });

  it('refuses every request of an unauthenticated socket', async () => {
    const raw = await RawClient.open(relay.url);
    const answer = await raw.request({ t: 'publish', channelId, clientEventId: 'evt00000001', envelope: 'AAAA' });
    expect(answer).toMatchObject({ t: 'error', code: 'not_authenticated' });
    expect(await raw.request({ t: 'sync', cursors: {} })).toMatchObject({ code: 'not_authenticated' });
    expect(await raw.request({ t: 'dir_get', after: 0, limit: 10 })).toMatchObject({ code: 'not_authenticated' });
    raw.close();
  });

  it('refuses a forged device (right id, wrong key) and closes with 4001', async () => {
    const raw = await RawClient.open(relay.url);
    const stranger = generateDeviceKeys();
    const answer = await raw.authenticate(member, (m) => signDetached(m, stranger.signing.secretKey));
    expect(answer).toMatchObject({ t: 'error', code: 'auth_failed' });
    expect((await raw.waitClosed()).code).toBe(CLOSE_CODES.authFailed);
  });

  it('refuses a device the directory does not know, and a self-made certificate', async () => {
    const unknown = { ...member, deviceId: testId('dev') };
    const raw = await RawClient.open(relay.url);
    expect(await raw.authenticate(unknown)).toMatchObject({ code: 'auth_failed' });
    // A certificate signed by a key that is not the org's: refused before anything is stored.
    const rogueOrg = await TestOrg.create();
    const rogueUser = rogueOrg.addUser();
    const rogue = rogueOrg.addDevice(rogueUser);
    const raw2 = await RawClient.open(relay.url);
    expect(await raw2.authenticate(rogue, rogue.sign, rogue.certificate)).toMatchObject({ code: 'auth_failed' });
    expect((await raw2.waitClosed()).code).toBe(CLOSE_CODES.authFailed);
  });

  it('refuses a revoked device with 4003 and the transport stops reconnecting', async () => {
    const t = deviceTransport(relay.url, revokedEarlier);
    const fatal: TransportError[] = [];
    t.onFatal((e) => fatal.push(e));
    await expect(t.connect()).rejects.toMatchObject({ code: 'revoked' });
    expect(fatal[0]?.code).toBe('revoked');
    expect(t.state()).toBe('offline');
  });

  it('disconnects a device the moment its revocation is stored', async () => {
    const org2 = org;
    const victimUser = org2.addUser();
    const victim = org2.addDevice(victimUser, { upload: false });
    const admin = deviceTransport(relay.url, member);
    await admin.connect();
    await admin.putRecord(org2.records.at(-1)! as unknown as Record<string, unknown>); // the user record
    const t = deviceTransport(relay.url, victim, {
      certificate: () => victim.certificate as unknown as Record<string, unknown>,
    });
    await t.connect();
    const fatal: TransportError[] = [];
    t.onFatal((e) => fatal.push(e));
    await admin.putRecord(org2.revokeDevice(victim.deviceId) as unknown as Record<string, unknown>);
    await expect.poll(() => fatal[0]?.code, { timeout: 5000 }).toBe('revoked');
    await expect(t.connect()).rejects.toMatchObject({ code: 'revoked' });
    await admin.close();
  });

  it('delivers wipe orders to a revoked device that proves its key, and to nobody else', async () => {
    const user = org.addUser();
    const userRecord = org.records.at(-1)!;
    const lost = org.addDevice(user, { upload: false });
    const admin = deviceTransport(relay.url, member);
    await admin.connect();
    await admin.putRecord(userRecord as unknown as Record<string, unknown>);
    await admin.putRecord(lost.certificate as unknown as Record<string, unknown>);
    const order = org.wipeOrder(lost.deviceId);
    await admin.putRecord(order as unknown as Record<string, unknown>);
    await admin.putRecord(org.revokeDevice(lost.deviceId) as unknown as Record<string, unknown>);
    await admin.close();
    // Someone without the device key gets nothing.
    const raw = await RawClient.open(relay.url);
    const stranger = generateDeviceKeys();
    expect(await raw.authenticate(lost, (m) => signDetached(m, stranger.signing.secretKey))).toMatchObject({
      code: 'revoked',
    });
    expect(raw.frames.some((f) => f.t === 'wipe')).toBe(false);
    // The lost device itself learns of the order, then is refused.
    const t = deviceTransport(relay.url, lost);
    const wipes: Array<Array<Record<string, unknown>>> = [];
    t.onWipe((records) => wipes.push(records));
    await expect(t.connect()).rejects.toMatchObject({ code: 'revoked' });
    expect(wipes).toHaveLength(1);
    expect(wipes[0]![0]!.sig).toBe(order.sig);
  });

  it('enrols a device with a registration key once: the key is burnt after the first use', async () => {
    const user = org.addUser();
    const upload = org.records.at(-1)!;
    const first = org.addDevice(user, { viaEnrolment: true, upload: false });
    const enrolmentRecord = org.records.at(-1)!;
    const admin = deviceTransport(relay.url, member);
    await admin.connect();
    await admin.putRecord(upload as unknown as Record<string, unknown>);
    await admin.putRecord(enrolmentRecord as unknown as Record<string, unknown>);
    const t = deviceTransport(relay.url, first, {
      certificate: () => first.certificate as unknown as Record<string, unknown>,
    });
    await t.connect();
    expect(t.state()).toBe('online');
    await t.close();
    // The same enrolment key signing a second device certificate is refused.
    const second = { ...first, deviceId: testId('dev') };
    const forgedCert = { ...first.certificate, body: { ...first.certificate.body, deviceId: second.deviceId } };
    const raw = await RawClient.open(relay.url);
    expect(await raw.authenticate(second, first.sign, forgedCert)).toMatchObject({
      code: expect.stringMatching(/auth_failed|revoked/),
    });
    await admin.close();
  });

  it('refuses a publish by a device whose user is not in the channel roster', async () => {
    const t = deviceTransport(relay.url, outsider);
    await t.connect();
    await expect(t.publish(channelId, 'evt00000002', new Uint8Array([1]))).rejects.toMatchObject({
      code: 'not_member',
    });
    await expect(t.fetchPage(channelId, 0, 10)).rejects.toMatchObject({ code: 'not_member' });
    await t.close();
  });

  it('follows roster changes: a removed member can no longer publish', async () => {
    const u = org.addUser();
    const d = org.addDevice(u);
    const admin = deviceTransport(relay.url, member);
    await admin.connect();
    await admin.putRecord(org.records.at(-2)! as unknown as Record<string, unknown>); // user
    await admin.putRecord(org.records.at(-1)! as unknown as Record<string, unknown>); // device
    const chan = testId('chan');
    await admin.putRecord(org.setRoster(chan, [member.userId, u]) as unknown as Record<string, unknown>);
    const t = deviceTransport(relay.url, d);
    await t.connect();
    expect((await t.publish(chan, 'evt00000003', new Uint8Array([1]))).seq).toBe(1);
    await admin.putRecord(org.setRoster(chan, [member.userId]) as unknown as Record<string, unknown>);
    await expect(t.publish(chan, 'evt00000004', new Uint8Array([2]))).rejects.toMatchObject({ code: 'not_member' });
    // A forged roster (not signed by the org or a channel admin) is refused.
    const forged = { ...org.setRoster(chan, [member.userId, u]), sig: Buffer.alloc(64).toString('base64url') };
    await expect(admin.putRecord(forged as unknown as Record<string, unknown>)).rejects.toMatchObject({
      code: 'record_rejected',
    });
    await t.close();
    await admin.close();
  });

  it('answers /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
  });

  it('never lets the transport treat a refusal as retryable', () => {
    expect(new TransportError('revoked', 'x').retryable).toBe(false);
    expect(new TransportError('disconnected', 'x').retryable).toBe(true);
  });
});
