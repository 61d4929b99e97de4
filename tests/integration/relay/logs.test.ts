// The relay's logs are structured JSON lines with ids, codes, sizes and reasons, and never carry
// what devices send: no envelope, mailbox payload, blob chunk, signature or record body, not even
// when the frame carrying it is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { createRelayLog } from '../../../apps/relay/log.ts';
import { startRelay, type Relay } from '../../../apps/relay/relay.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import { deviceTransport, seedRecords, TestOrg, testId, type TestDevice } from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

const SECRET = 'GEHEIM-Zimmer12-Sepsisverdacht';
const forms = (text: string) => {
  const bytes = Buffer.from(text);
  return [text, bytes.toString('base64url'), bytes.toString('base64'), bytes.toString('hex')];
};

describe('relay logs', () => {
  const lines: string[] = [];
  let relay: Relay;
  let a: TestDevice;
  let b: TestDevice;
  let channelId: string;
  let org: TestOrg;

  beforeAll(async () => {
    await readySodium();
    org = await TestOrg.create();
    const [ua, ub] = [org.addUser(), org.addUser()];
    a = org.addDevice(ua);
    b = org.addDevice(ub);
    channelId = testId('chan');
    org.setRoster(channelId, [ua, ub]);
    const store = openSqliteStore(':memory:');
    const trust = await seedRecords(store, org);
    relay = await startRelay({
      store,
      trust,
      log: createRelayLog((line) => lines.push(line), 'debug'),
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await relay.close();
  });

  it('are one JSON object per line and never contain envelopes, payloads, chunks, signatures or records', async () => {
    const alice = deviceTransport(relay.url, a);
    const bob = deviceTransport(relay.url, b);
    await Promise.all([alice.connect(), bob.connect()]);
    const secret = new TextEncoder().encode(SECRET);
    await alice.publish(channelId, testId('evt'), secret);
    await alice.sendMail(b.deviceId, testId('msg'), secret);
    await bob.fetchMail(10);
    const { hash } = await alice.putBlob(new Uint8Array(Buffer.from(SECRET.repeat(1000))));
    await alice.publish(channelId, testId('evt'), secret, { blobs: [hash] });
    await bob.getBlob(hash);
    const record = org.setRoster(testId('chan'), [a.userId]);
    await alice.putRecord(record as unknown as Record<string, unknown>);

    // Refused frames: not a member, a malformed publish, a forged auth, an unknown type.
    const outsider = deviceTransport(relay.url, b);
    await outsider.connect();
    await expect(outsider.publish(testId('chan'), testId('evt'), secret)).rejects.toMatchObject({ code: 'not_member' });
    await outsider.close();
    const raw = await RawClient.open(relay.url);
    const signatures: string[] = [];
    await raw.authenticate(a, (m) => {
      const sig = a.sign(m);
      signatures.push(Buffer.from(sig).toString('base64url'));
      return sig;
    });
    raw.send({
      t: 'publish',
      id: 7,
      channelId,
      clientEventId: 'x',
      envelope: Buffer.from(SECRET).toString('base64url'),
    });
    await raw.next((f) => f.t === 'error');
    raw.send({ t: 'mail_put', id: 8, toDeviceId: b.deviceId, messageId: testId('msg'), payload: 42, note: SECRET });
    await raw.next((f) => f.t === 'error');
    raw.send({ t: SECRET, id: 9 });
    await raw.next((f) => f.t === 'error');
    raw.send(`{"t":"publish","envelope":"${SECRET}"`);
    await raw.next((f) => f.t === 'error');
    raw.close();
    const forged = await RawClient.open(relay.url);
    await forged.authenticate(b, (m) => {
      const sig = a.sign(m);
      signatures.push(Buffer.from(sig).toString('base64url'));
      return sig;
    });
    forged.close();
    await Promise.all([alice.close(), bob.close()]);

    expect(lines.length).toBeGreaterThan(10);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of parsed)
      expect(entry).toMatchObject({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
    expect(parsed.some((e) => e.msg === 'frame rejected' && e.code === 'not_member')).toBe(true);
    expect(parsed.some((e) => e.msg === 'auth refused')).toBe(true);
    const text = lines.join('\n');
    // Ids are what the logs are for.
    expect(text.includes(a.deviceId)).toBe(true);
    for (const form of [...forms(SECRET), ...forms(SECRET.repeat(4)).slice(1), ...signatures, record.sig])
      expect(text.includes(form), form).toBe(false);
    expect(text.includes(JSON.stringify(record.body))).toBe(false);
  });
});
