// One contract for both relay stores: embedded SQLite and a real PostgreSQL 15 cluster.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migratePostgres, openPostgresStore, POSTGRES_SCHEMA_VERSION } from '../../../apps/relay/store/postgres.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import type { RelayStore } from '../../../apps/relay/store/store.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function storeContract(name: string, open: () => Promise<RelayStore>, reopen?: () => Promise<RelayStore>) {
  describe(`relay store contract: ${name}`, () => {
    let store: RelayStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('assigns gapless per-channel seqs and returns the first seq on a retry', async () => {
      expect(await store.append('chan0001', 'evt00001', 'dev00001', bytes('a'))).toMatchObject({
        seq: 1,
        duplicate: false,
      });
      expect(await store.append('chan0001', 'evt00002', 'dev00001', bytes('b'))).toMatchObject({
        seq: 2,
        duplicate: false,
      });
      expect(await store.append('chan0002', 'evt00001', 'dev00001', bytes('c'))).toMatchObject({
        seq: 1,
        duplicate: false,
      });
      expect(await store.append('chan0001', 'evt00001', 'dev00001', bytes('a'))).toMatchObject({
        seq: 1,
        duplicate: true,
      });
      expect(await store.append('chan0001', 'evt00003', 'dev00001', bytes('d'))).toMatchObject({
        seq: 3,
        duplicate: false,
      });
      const heads = await store.heads(['chan0001', 'chan0002', 'chan0003']);
      expect(Object.fromEntries(heads)).toEqual({ chan0001: 3, chan0002: 1 });
      const page = await store.page('chan0001', 1, 10);
      expect(page.map((e) => [e.seq, new TextDecoder().decode(e.envelope)])).toEqual([
        [2, 'b'],
        [3, 'd'],
      ]);
      expect((await store.event('chan0001', 2))?.envelope).toEqual(bytes('b'));
      expect(await store.event('chan0001', 9)).toBeNull();
    });

    it('stamps each event with its relay time: in the append result, page and event alike, never decreasing, the original for a retry', async () => {
      const before = Date.now();
      const first = await store.append('chantime', 'evt00001', 'dev00001', bytes('a'));
      const second = await store.append('chantime', 'evt00002', 'dev00001', bytes('b'));
      const after = Date.now();
      // SQLite stamps with the relay's clock, PostgreSQL with the database server's (here: the same machine).
      expect(first.at).toBeGreaterThanOrEqual(before - 1000);
      expect(second.at).toBeLessThanOrEqual(after + 1000);
      expect(second.at).toBeGreaterThanOrEqual(first.at);
      const page = await store.page('chantime', 0, 10);
      expect(page.map((e) => e.at)).toEqual([first.at, second.at]);
      expect((await store.event('chantime', 2))?.at).toBe(second.at);
      await new Promise((r) => setTimeout(r, 5));
      expect(await store.append('chantime', 'evt00001', 'dev00001', bytes('a'))).toEqual({
        seq: 1,
        duplicate: true,
        at: first.at,
      });
      const batch = await store.appendBatch([
        { channelId: 'chantime', clientEventId: 'evt00002', senderDeviceId: 'dev00001', envelope: bytes('b') },
        { channelId: 'chantime', clientEventId: 'evt00003', senderDeviceId: 'dev00001', envelope: bytes('c') },
      ]);
      expect(batch[0]).toEqual({ seq: 2, duplicate: true, at: second.at });
      expect(batch[1]!.at).toBeGreaterThanOrEqual(second.at);
    });

    it('records presence: newest row per device wins, whatever order relay processes write in', async () => {
      expect(await store.seenDevices()).toEqual([]);
      await store.markSeen([
        { deviceId: 'devseen1', lastSeenAt: 1_000, online: true },
        { deviceId: 'devseen2', lastSeenAt: 2_000, online: false },
      ]);
      await store.markSeen([{ deviceId: 'devseen1', lastSeenAt: 3_000, online: false }]);
      // A late write of an older state (another relay process) changes nothing.
      await store.markSeen([{ deviceId: 'devseen1', lastSeenAt: 2_500, online: true }]);
      // The same device twice in one batch: the newer row counts.
      await store.markSeen([
        { deviceId: 'devseen2', lastSeenAt: 4_000, online: true },
        { deviceId: 'devseen2', lastSeenAt: 3_500, online: false },
      ]);
      await store.markSeen([]);
      const rows = (await store.seenDevices()).sort((a, b) => a.deviceId.localeCompare(b.deviceId));
      expect(rows).toEqual([
        { deviceId: 'devseen1', lastSeenAt: 3_000, online: false },
        { deviceId: 'devseen2', lastSeenAt: 4_000, online: true },
      ]);
    });

    it("keeps the versions of a device's last connection; a disconnect row keeps them, a newer connection replaces them", async () => {
      await store.markSeen([{ deviceId: 'devvers1', lastSeenAt: 1_000, online: true, protocol: 3, appVersion: null }]);
      expect((await store.seenDevices()).find((r) => r.deviceId === 'devvers1')).toEqual({
        deviceId: 'devvers1',
        lastSeenAt: 1_000,
        online: true,
        protocol: 3,
        appVersion: null,
      });
      await store.markSeen([{ deviceId: 'devvers1', lastSeenAt: 2_000, online: false }]);
      expect((await store.seenDevices()).find((r) => r.deviceId === 'devvers1')).toMatchObject({
        online: false,
        protocol: 3,
        appVersion: null,
      });
      await store.markSeen([
        { deviceId: 'devvers1', lastSeenAt: 3_000, online: true, protocol: 4, appVersion: '2.0.0-rc.1' },
      ]);
      await store.markSeen([{ deviceId: 'devvers1', lastSeenAt: 4_000, online: false }]);
      // An older connection row (another relay process, late) changes nothing.
      await store.markSeen([{ deviceId: 'devvers1', lastSeenAt: 3_500, online: true, protocol: 3, appVersion: null }]);
      expect((await store.seenDevices()).find((r) => r.deviceId === 'devvers1')).toEqual({
        deviceId: 'devvers1',
        lastSeenAt: 4_000,
        online: false,
        protocol: 4,
        appVersion: '2.0.0-rc.1',
      });
    });

    it('keeps seqs gapless and unique under concurrent publishes, including racing retries', async () => {
      const tasks: Array<Promise<{ seq: number; duplicate: boolean }>> = [];
      for (let i = 0; i < 60; i++)
        tasks.push(store.append('chanrace', `evt${String(i % 40).padStart(5, '0')}`, 'dev00001', bytes(`m${i}`)));
      const results = await Promise.all(tasks);
      const fresh = results
        .filter((r) => !r.duplicate)
        .map((r) => r.seq)
        .sort((a, b) => a - b);
      expect(fresh).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      for (let i = 40; i < 60; i++) expect(results[i]!.seq).toBe(results[i - 40]!.seq);
      expect((await store.heads(['chanrace'])).get('chanrace')).toBe(40);
    });

    it('stores a batch in one go: per-channel order kept, retries and in-batch repeats answered with the first seq', async () => {
      await store.append('chanbat1', 'evt00000', 'dev00001', bytes('before'));
      const item = (channelId: string, id: string) => ({
        channelId,
        clientEventId: id,
        senderDeviceId: 'dev00001',
        envelope: bytes(id),
      });
      const results = await store.appendBatch([
        item('chanbat2', 'evt00001'),
        item('chanbat1', 'evt00002'),
        item('chanbat1', 'evt00000'),
        item('chanbat2', 'evt00003'),
        item('chanbat1', 'evt00002'),
      ]);
      // An in-batch repeat carries the relay time of its first occurrence.
      expect(results[4]!.at).toBe(results[1]!.at);
      expect(results.map(({ seq, duplicate }) => ({ seq, duplicate }))).toEqual([
        { seq: 1, duplicate: false },
        { seq: 2, duplicate: false },
        { seq: 1, duplicate: true },
        { seq: 2, duplicate: false },
        { seq: 2, duplicate: true },
      ]);
      expect((await store.page('chanbat2', 0, 10)).map((e) => new TextDecoder().decode(e.envelope))).toEqual([
        'evt00001',
        'evt00003',
      ]);
    });

    it('pages in order with limits', async () => {
      for (let i = 0; i < 25; i++)
        await store.append('chanpage', `evt${String(i).padStart(5, '0')}`, 'dev00001', bytes(String(i)));
      const first = await store.page('chanpage', 0, 10);
      const second = await store.page('chanpage', 10, 10);
      const last = await store.page('chanpage', 20, 10);
      expect([...first, ...second, ...last].map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    it('trims for retention without reusing seqs and releases blob references', async () => {
      const blob = bytes('blob-content');
      const hash = sha(blob);
      await store.blobBegin(hash, blob.length, 'dev00001', 0);
      await store.blobAppend(hash, 0, blob);
      await store.blobMarkComplete(hash);
      await store.append('chantrim', 'evt00001', 'dev00001', bytes('x'), [hash]);
      await store.append('chantrim', 'evt00002', 'dev00001', bytes('y'));
      expect((await store.blobState(hash))?.refs).toBe(1);
      expect(await store.blobGc(Date.now() + 1000, 0)).toEqual([]);
      expect(await store.trim('chantrim', 1)).toBe(1);
      expect((await store.blobState(hash))?.refs).toBe(0);
      expect(await store.blobGc(Date.now() + 1000, 0)).toEqual([hash]);
      expect(await store.blobState(hash)).toBeNull();
      expect(await store.append('chantrim', 'evt00003', 'dev00001', bytes('z'))).toMatchObject({
        seq: 3,
        duplicate: false,
      });
    });

    it("discards an owner's blobs no event references, complete or not; another device's or a referenced one stays", async () => {
      const blob = async (text: string, owner: string, complete = true) => {
        const data = bytes(text);
        const hash = sha(data);
        await store.blobBegin(hash, data.length, owner, 0);
        await store.blobAppend(hash, 0, complete ? data : data.subarray(0, 2));
        if (complete) await store.blobMarkComplete(hash);
        return hash;
      };
      const dropped = await blob('dropped-upload', 'dev00001');
      const partial = await blob('partial-upload', 'dev00001', false);
      const shared = await blob('shared-upload', 'dev00001');
      const others = await blob('other-device', 'dev00002');
      await store.append('chandisc', 'evt00001', 'dev00001', bytes('x'), [shared]);
      const absent = sha(bytes('never-uploaded'));
      expect(await store.blobDiscard('dev00001', [dropped, partial, shared, others, absent])).toBe(2);
      expect(await store.blobState(dropped)).toBeNull();
      expect(await store.blobState(partial)).toBeNull();
      expect(await store.blobRead(shared, 0, 5)).toEqual(bytes('share'));
      expect((await store.blobState(others))?.complete).toBe(true);
      expect(await store.blobUsage('dev00001')).toBe(bytes('shared-upload').length);
    });

    it('expires events and mailbox items by age (retention), releasing blob references; seqs continue', async () => {
      const blob = bytes('retained-blob');
      const hash = sha(blob);
      await store.blobBegin(hash, blob.length, 'dev00001', 0);
      await store.blobAppend(hash, 0, blob);
      await store.blobMarkComplete(hash);
      await store.append('chanexp1', 'evt00001', 'dev00001', bytes('old'), [hash]);
      await store.append('chanexp2', 'evt00001', 'dev00001', bytes('old too'));
      await store.mailPut('devbbbbb', 'msgold01', 'devaaaaa', bytes('x'), 1);
      await store.mailPut('devbbbbb', 'msgnew01', 'devaaaaa', bytes('y'), Date.now() + 3_600_000);
      expect(await store.expire(Date.now() + 1000)).toEqual({ events: 2, mail: 1 });
      expect(await store.page('chanexp1', 0, 10)).toEqual([]);
      expect((await store.mailFetch('devbbbbb', 10)).map((m) => m.messageId)).toEqual(['msgnew01']);
      expect((await store.blobState(hash))?.refs).toBe(0);
      expect(await store.blobGc(Date.now() + 1000, 0)).toEqual([hash]);
      expect(await store.append('chanexp1', 'evt00002', 'dev00001', bytes('new'))).toMatchObject({
        seq: 2,
        duplicate: false,
      });
    });

    it('stores mailbox items once per message id and deletes on ack', async () => {
      expect(await store.mailPut('devbbbbb', 'msg00001', 'devaaaaa', bytes('share1'), 1)).toBe(true);
      expect(await store.mailPut('devbbbbb', 'msg00001', 'devaaaaa', bytes('share1'), 2)).toBe(false);
      expect(await store.mailPut('devbbbbb', 'msg00002', 'devaaaaa', bytes('share2'), 3)).toBe(true);
      const items = await store.mailFetch('devbbbbb', 10);
      expect(items.map((i) => [i.messageId, i.fromDeviceId, new TextDecoder().decode(i.payload)])).toEqual([
        ['msg00001', 'devaaaaa', 'share1'],
        ['msg00002', 'devaaaaa', 'share2'],
      ]);
      expect(await store.mailFetch('devccccc', 10)).toEqual([]);
      expect(await store.mailCount('devbbbbb')).toBe(2);
      await store.ping();
      expect(await store.mailAck('devbbbbb', ['msg00001'])).toBe(1);
      expect((await store.mailFetch('devbbbbb', 10)).map((i) => i.messageId)).toEqual(['msg00002']);
    });

    it('uploads blobs in order from the held offset and reads any range', async () => {
      const data = new Uint8Array(1000).map((_, i) => i % 251);
      const hash = sha(data);
      const begun = await store.blobBegin(hash, data.length, 'dev00001', 5);
      expect(begun).toMatchObject({ size: 1000, received: 0, complete: false });
      expect(await store.blobBegin(hash, 999, 'dev00001', 5)).toBe('conflict');
      expect(await store.blobAppend(hash, 0, data.subarray(0, 300))).toMatchObject({ received: 300 });
      expect(await store.blobAppend(hash, 0, data.subarray(0, 300))).toBe('conflict');
      expect(await store.blobAppend(hash, 500, data.subarray(500, 600))).toBe('conflict');
      // resume: begin again tells where to continue
      expect(await store.blobBegin(hash, data.length, 'dev00001', 6)).toMatchObject({ received: 300 });
      expect(await store.blobAppend(hash, 300, data.subarray(300))).toMatchObject({ received: 1000 });
      await store.blobMarkComplete(hash);
      expect((await store.blobState(hash))?.complete).toBe(true);
      expect(await store.blobRead(hash, 250, 100)).toEqual(data.subarray(250, 350));
      expect(await store.blobRead(hash, 0, 1000)).toEqual(data);
      expect(await store.blobUsage('dev00001')).toBe(1000);
      // incomplete uploads are collected after their max age
      const stale = sha(bytes('stale'));
      await store.blobBegin(stale, 5, 'dev00001', 1);
      expect(await store.blobGc(0, 2)).toEqual([stale]);
    });

    it('keeps a directory log with idempotent puts and burns an enrolment once', async () => {
      expect(await store.dirPut('user', 'usr00001', 'sig1', '{"a":1}')).toEqual({ pos: 1, duplicate: false });
      expect(await store.dirPut('user', 'usr00001', 'sig1', '{"a":1}')).toEqual({ pos: 1, duplicate: true });
      const second = await store.dirPut('device', 'dev00001', 'sig2', '{"b":2}');
      expect(second.duplicate).toBe(false);
      expect((await store.dirList(0, 10)).map((e) => e.type)).toEqual(['user', 'device']);
      expect((await store.dirList(1, 10)).map((e) => e.json)).toEqual(['{"b":2}']);
      expect(await store.metaGet('org_public_key')).toBeNull();
      expect(await store.metaSetOnce('org_public_key', 'first')).toBe('first');
      expect(await store.metaSetOnce('org_public_key', 'second')).toBe('first');
      expect(await store.metaGet('org_public_key')).toBe('first');
      expect(await store.burnEnrolment('enr00001', 'dev00001')).toBe(true);
      expect(await store.burnEnrolment('enr00001', 'dev00002')).toBe(false);
    });

    if (reopen) {
      it('keeps everything across a reopen', async () => {
        await store.append('chankeep', 'evt00001', 'dev00001', bytes('kept'));
        await store.close();
        store = await reopen();
        expect((await store.page('chankeep', 0, 10)).map((e) => e.seq)).toEqual([1]);
        expect(await store.append('chankeep', 'evt00001', 'dev00001', bytes('kept'))).toMatchObject({
          seq: 1,
          duplicate: true,
        });
      });
    }
  });
}

let sqliteDir = '';
storeContract(
  'sqlite',
  async () => {
    sqliteDir = await mkdtemp(join(tmpdir(), 'kf-store-'));
    return openSqliteStore(join(sqliteDir, 'relay.db'));
  },
  async () => openSqliteStore(join(sqliteDir, 'relay.db')),
);

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PgCluster;
  let url = '';
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  storeContract(
    'postgres',
    async () => {
      url = await cluster.createDatabase();
      return openPostgresStore(url, { poolSize: 8 });
    },
    async () => openPostgresStore(url, { poolSize: 8 }),
  );

  it('migrates a schema-30 database forward: relay times of the heads from the stored events, presence table added', async () => {
    const url30 = await cluster.createDatabase();
    const client = new pg.Client({ connectionString: url30 });
    await client.connect();
    await migratePostgres(client, 30);
    await client.query("INSERT INTO channel_heads VALUES ('chanold1', 2)");
    await client.query(
      "INSERT INTO events VALUES ('chanold1', 1, 'evt00001', 'dev00001', '\\x01', 5000), ('chanold1', 2, 'evt00002', 'dev00001', '\\x02', 9000)",
    );
    await client.end();
    // A relay time far in the future on the old head: the next event must not be stamped before it.
    const store = await openPostgresStore(url30);
    expect((await store.page('chanold1', 0, 10)).map((e) => [e.seq, e.at])).toEqual([
      [1, 5000],
      [2, 9000],
    ]);
    const next = await store.append('chanold1', 'evt00003', 'dev00001', bytes('c'));
    expect(next.seq).toBe(3);
    expect(next.at).toBeGreaterThan(9000);
    await store.markSeen([{ deviceId: 'devold01', lastSeenAt: 1, online: false }]);
    expect(await store.seenDevices()).toHaveLength(1);
    await store.close();
    const check = new pg.Client({ connectionString: url30 });
    await check.connect();
    const version = await check.query<{ v: number }>('SELECT max(version) AS v FROM relay_schema');
    expect(version.rows[0]!.v).toBe(POSTGRES_SCHEMA_VERSION);
    const head = await check.query<{ head_at: string }>("SELECT head_at FROM channel_heads WHERE channel = 'chanold1'");
    expect(Number(head.rows[0]!.head_at)).toBe(next.at);
    await check.end();
  });

  it('tells other processes of commits by a NOTIFY per channel and batch naming its seq range only, never itself', async () => {
    const shared = await cluster.createDatabase();
    const a = await openPostgresStore(shared);
    const b = await openPostgresStore(shared);
    const seen: string[] = [];
    const echoed: string[] = [];
    b.onRemoteCommit((channel, from, to) => seen.push(`${channel}:${from}-${to}`));
    a.onRemoteCommit((channel, from, to) => echoed.push(`${channel}:${from}-${to}`));
    await a.append('channote', 'evt00001', 'dev00001', bytes('x'));
    await a.appendBatch([
      { channelId: 'channote', clientEventId: 'evt00002', senderDeviceId: 'dev00001', envelope: bytes('y') },
      { channelId: 'chanoth1', clientEventId: 'evt00003', senderDeviceId: 'dev00001', envelope: bytes('z') },
      { channelId: 'channote', clientEventId: 'evt00004', senderDeviceId: 'dev00001', envelope: bytes('w') },
      // A retry stores nothing and wakes nobody.
      { channelId: 'channote', clientEventId: 'evt00001', senderDeviceId: 'dev00001', envelope: bytes('x') },
    ]);
    const deadline = Date.now() + 5000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen.sort()).toEqual(['channote:1-1', 'channote:2-3', 'chanoth1:1-1']);
    // b's own commit reaches a, and neither hears its own.
    await b.append('chanoth1', 'evt00005', 'dev00002', bytes('v'));
    while (echoed.length < 1 && Date.now() < deadline + 5000) await new Promise((r) => setTimeout(r, 20));
    expect(echoed).toEqual(['chanoth1:2-2']);
    expect(seen).toHaveLength(3);
    await a.close();
    await b.close();
  });
});

afterAll(async () => {
  if (sqliteDir) await rm(sqliteDir, { recursive: true, force: true });
});
