// A malicious member device against the relay's blobs and publish dedup (issue 14, item 10), on
// SQLite and PostgreSQL: blobs are read only by their uploader and by members of a channel whose
// retained event references them; an upload takes chunks from its owner only; a publish cannot
// reference (and so pin or unlock) another device's blob; a discard removes only the sender's own
// blobs no event names; a client event id is deduplicated per sending device.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { startTestRelay, TestOrg, testId, type TestDevice, type TestRelay } from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const b64 = (s: string) => Buffer.from(s).toString('base64url');

interface World {
  org: TestOrg;
  relay: TestRelay;
  a: TestDevice;
  b: TestDevice;
  m: TestDevice;
  /** a and b (m was never a member). */
  ab: string;
  /** a and m. */
  am: string;
  ua: string;
}

async function world(databaseUrl?: string): Promise<World> {
  const org = await TestOrg.create();
  const [ua, ub, um] = [org.addUser('Anna'), org.addUser('Ben'), org.addUser('Mallory')];
  const a = org.addDevice(ua);
  const b = org.addDevice(ub);
  const m = org.addDevice(um);
  const ab = testId('chan');
  const am = testId('chan');
  org.setRoster(ab, [ua, ub]);
  org.setRoster(am, [ua, um]);
  const relay = await startTestRelay({ org, ...(databaseUrl ? { databaseUrl } : {}) });
  return { org, relay, a, b, m, ab, am, ua };
}

async function connect(relay: TestRelay, device: TestDevice): Promise<RawClient> {
  const raw = await RawClient.open(relay.url);
  expect(await raw.authenticate(device)).toMatchObject({ t: 'auth_ok' });
  return raw;
}

async function upload(raw: RawClient, data: Uint8Array): Promise<string> {
  const hash = sha(data);
  expect(await raw.request({ t: 'blob_begin', hash, size: data.length })).toMatchObject({ t: 'blob_status' });
  expect(await raw.requestBinary({ t: 'blob_chunk', hash, offset: 0 }, data)).toMatchObject({ complete: true });
  return hash;
}

function blobAccessSuite(name: string, databaseUrl: () => Promise<string | undefined>) {
  describe(`blob access and publish dedup against a hostile member (${name})`, () => {
    it('reads a blob only as its owner or as a member of a channel whose event references it', async () => {
      const w = await world(await databaseUrl());
      const [a, b, m] = await Promise.all([connect(w.relay, w.a), connect(w.relay, w.b), connect(w.relay, w.m)]);
      try {
        const data = randomBytes(5000);
        const hash = await upload(a, data);
        const get = (raw: RawClient) => raw.request({ t: 'blob_get', hash, offset: 0, length: 5000 });
        // Uploaded, not yet published: the owner only.
        expect(await get(a)).toMatchObject({ t: 'blob_data', size: 5000 });
        expect(await get(b)).toMatchObject({ t: 'error', code: 'not_found' });
        expect(
          await a.request({
            t: 'publish',
            channelId: w.ab,
            clientEventId: 'evtfile1',
            envelope: b64('file'),
            blobs: [hash],
          }),
        ).toMatchObject({ t: 'ack' });
        const atB = await get(b);
        expect(atB).toMatchObject({ t: 'blob_data', size: 5000 });
        expect(Buffer.compare(atB.data as Buffer, data)).toBe(0);
        // Mallory knows the hash but belongs to no channel that references it: the relay answers
        // as for a blob that does not exist, and blob_begin tells nothing about its size.
        expect(await get(m)).toMatchObject({ t: 'error', code: 'not_found' });
        const begin = await m.request({ t: 'blob_begin', hash, size: 4999 });
        expect(begin).toMatchObject({ t: 'error', code: 'not_permitted' });
        expect(JSON.stringify(begin)).not.toContain('5000');

        // Ben removed from the channel: no more reads.
        const roster = w.org.setRoster(w.ab, [w.ua]);
        expect(await a.request({ t: 'dir_put', record: roster })).toMatchObject({ t: 'ok' });
        expect(await get(b)).toMatchObject({ t: 'error', code: 'not_found' });
        expect(await get(a)).toMatchObject({ t: 'blob_data' });
      } finally {
        [a, b, m].forEach((c) => c.close());
        await w.relay.dispose();
      }
    });

    it('a publish may not reference a blob its sender cannot read: no access, no pin against the GC', async () => {
      const w = await world(await databaseUrl());
      const [a, m] = await Promise.all([connect(w.relay, w.a), connect(w.relay, w.m)]);
      try {
        const hash = await upload(a, randomBytes(3000));
        await a.request({
          t: 'publish',
          channelId: w.ab,
          clientEventId: 'evtfile2',
          envelope: b64('f'),
          blobs: [hash],
        });
        expect((await w.relay.store!.blobState(hash))?.refs).toBe(1);
        // Mallory lists Anna's blob in a channel Anna shares with her, to read it there.
        const pub = await m.request({
          t: 'publish',
          channelId: w.am,
          clientEventId: 'evtsteal',
          envelope: b64('x'),
          blobs: [hash],
        });
        expect(pub).toMatchObject({ t: 'error', code: 'not_permitted' });
        expect((await w.relay.store!.blobState(hash))?.refs).toBe(1);
        expect(await m.request({ t: 'blob_get', hash, offset: 0, length: 10 })).toMatchObject({ code: 'not_found' });
        // A member of the referencing channel may forward it (she can read it anyway).
        expect(
          await a.request({
            t: 'publish',
            channelId: w.am,
            clientEventId: 'evtfwd01',
            envelope: b64('f'),
            blobs: [hash],
          }),
        ).toMatchObject({ t: 'ack' });
        expect(await m.request({ t: 'blob_get', hash, offset: 0, length: 10 })).toMatchObject({ t: 'blob_data' });
      } finally {
        [a, m].forEach((c) => c.close());
        await w.relay.dispose();
      }
    });

    it("another device cannot append to (and so get deleted) someone's unfinished upload", async () => {
      const w = await world(await databaseUrl());
      const [a, m] = await Promise.all([connect(w.relay, w.a), connect(w.relay, w.m)]);
      try {
        const data = randomBytes(8);
        const hash = sha(data);
        await a.request({ t: 'blob_begin', hash, size: 8 });
        await a.requestBinary({ t: 'blob_chunk', hash, offset: 0 }, data.subarray(0, 4));
        expect(await m.requestBinary({ t: 'blob_chunk', hash, offset: 4 }, Buffer.from('XXXX'))).toMatchObject({
          t: 'error',
          code: 'not_found',
        });
        expect(await w.relay.store!.blobState(hash)).toMatchObject({ received: 4 });
        expect(await a.requestBinary({ t: 'blob_chunk', hash, offset: 4 }, data.subarray(4))).toMatchObject({
          complete: true,
        });
      } finally {
        [a, m].forEach((c) => c.close());
        await w.relay.dispose();
      }
    });

    it("blob_discard drops only the sender's own blobs no event names: another device's, or a published one, stay", async () => {
      const w = await world(await databaseUrl());
      const [a, m] = await Promise.all([connect(w.relay, w.a), connect(w.relay, w.m)]);
      try {
        const dropped = await upload(a, randomBytes(3000));
        const published = await upload(a, randomBytes(3000));
        expect(
          await a.request({
            t: 'publish',
            channelId: w.am,
            clientEventId: 'evtfile9',
            envelope: b64('file'),
            blobs: [published],
          }),
        ).toMatchObject({ t: 'ack' });
        // Mallory knows both hashes (the published one is in a channel of hers): she removes nothing.
        expect(await m.request({ t: 'blob_discard', hashes: [dropped, published] })).toMatchObject({ t: 'ok' });
        expect(await w.relay.store!.blobState(dropped)).toMatchObject({ complete: true });
        // The owner drops the one no event names; the published one stays for its readers.
        expect(await a.request({ t: 'blob_discard', hashes: [dropped, published] })).toMatchObject({ t: 'ok' });
        expect(await w.relay.store!.blobState(dropped)).toBeNull();
        expect(await m.request({ t: 'blob_get', hash: published, offset: 0, length: 3000 })).toMatchObject({
          t: 'blob_data',
          size: 3000,
        });
      } finally {
        [a, m].forEach((c) => c.close());
        await w.relay.dispose();
      }
    });

    it("deduplicates publishes per sending device: a copied client event id is not answered as the other's event", async () => {
      const w = await world(await databaseUrl());
      const [a, m] = await Promise.all([connect(w.relay, w.a), connect(w.relay, w.m)]);
      try {
        const first = await a.request({ t: 'publish', channelId: w.am, clientEventId: 'evtsame1', envelope: b64('a') });
        expect(first).toMatchObject({ t: 'ack', seq: 1, duplicate: false });
        expect(
          await a.request({ t: 'publish', channelId: w.am, clientEventId: 'evtsame1', envelope: b64('a') }),
        ).toMatchObject({ t: 'ack', seq: 1, duplicate: true });
        expect(
          await m.request({ t: 'publish', channelId: w.am, clientEventId: 'evtsame1', envelope: b64('m') }),
        ).toMatchObject({ t: 'error', code: 'conflict' });
        // In one batch (group commit) as well.
        m.send({ t: 'publish', id: 1, channelId: w.am, clientEventId: 'evtmall1', envelope: b64('m1') });
        m.send({ t: 'publish', id: 2, channelId: w.am, clientEventId: 'evtsame1', envelope: b64('m2') });
        expect(await m.next((f) => f.id === 1)).toMatchObject({ t: 'ack', seq: 2 });
        expect(await m.next((f) => f.id === 2)).toMatchObject({ t: 'error', code: 'conflict' });
        expect((await w.relay.store!.page(w.am, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
      } finally {
        [a, m].forEach((c) => c.close());
        await w.relay.dispose();
      }
    });
  });
}

blobAccessSuite('SQLite', async () => undefined);

describe.skipIf(!postgresAvailable())('on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  blobAccessSuite('PostgreSQL', () => cluster.createDatabase());
});
