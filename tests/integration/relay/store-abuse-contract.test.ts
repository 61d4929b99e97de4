// The store rules against a hostile member (issue 14, items 7, 9, 10), one contract for both
// relay stores: mailbox quotas checked inside the insert, mail expiry, blob access by referencing
// channels and owner-bound uploads, publish dedup per sender, channels created per device.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../apps/relay/store/postgres.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import type { MailQuota, RelayStore } from '../../../apps/relay/store/store.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const QUOTA: MailQuota = { perRecipient: 5, perSenderRecipient: 2, perSender: 3 };

function abuseContract(name: string, open: () => Promise<RelayStore>) {
  describe(`relay store rules against a hostile member: ${name}`, () => {
    let store: RelayStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('mailPut names the cap it would pass, stores nothing then, and answers a retry as a duplicate first', async () => {
      const put = (to: string, id: string, from: string) => store.mailPut(to, id, from, bytes(id), Date.now(), QUOTA);
      expect(await put('devbbbbb', 'msgm0001', 'devmmmmm')).toBe(true);
      expect(await put('devbbbbb', 'msgm0002', 'devmmmmm')).toBe(true);
      expect(await put('devbbbbb', 'msgm0003', 'devmmmmm')).toBe('sender_recipient_full');
      expect(await put('devbbbbb', 'msgm0001', 'devmmmmm')).toBe(false);
      expect(await put('devccccc', 'msgm0004', 'devmmmmm')).toBe(true);
      expect(await put('devddddd', 'msgm0005', 'devmmmmm')).toBe('sender_full');
      for (const from of ['deva0001', 'deva0002', 'deva0003'])
        expect(await put('devbbbbb', `msg${from}`, from)).toBe(true);
      expect(await put('devbbbbb', 'msgdeva4', 'deva0004')).toBe('recipient_full');
      expect(await store.mailCount('devbbbbb')).toBe(5);
      // Without a quota (tests, tools) nothing is capped.
      expect(await store.mailPut('devbbbbb', 'msgnocap', 'devmmmmm', bytes('x'), Date.now())).toBe(true);
    });

    it("a sender's cap frees as its items go, by ack, mail expiry or retention, and counts only its own", async () => {
      const cap: MailQuota = { perRecipient: 100, perSenderRecipient: 100, perSender: 3 };
      const put = (to: string, id: string, at = Date.now()) => store.mailPut(to, id, 'devsendr', bytes(id), at, cap);
      expect(await put('devbbbbb', 'msgs0001', 1000)).toBe(true);
      expect(await put('devccccc', 'msgs0002')).toBe(true);
      expect(await put('devddddd', 'msgs0003')).toBe(true);
      expect(await store.mailPut('devccccc', 'msgother', 'devother', bytes('o'), Date.now(), cap)).toBe(true);
      expect(await put('deveeeee', 'msgs0004')).toBe('sender_full');
      // An ack of several senders' items at once frees each sender's share.
      expect(await store.mailAck('devccccc', ['msgs0002', 'msgother'])).toBe(2);
      expect(await put('deveeeee', 'msgs0004')).toBe(true);
      expect(await put('devfffff', 'msgs0005')).toBe('sender_full');
      expect(await store.mailExpire(2000)).toBe(1);
      expect(await put('devfffff', 'msgs0005')).toBe(true);
      expect(await put('devggggg', 'msgs0006')).toBe('sender_full');
      await store.expire(Date.now() + 1000);
      for (let i = 7; i <= 9; i++) expect(await put('devggggg', `msgs000${i}`)).toBe(true);
      expect(await put('devggggg', 'msgs0010')).toBe('sender_full');
    });

    it('mailExpire deletes items stored before the cutoff only', async () => {
      await store.mailPut('devbbbbb', 'msgold01', 'devaaaaa', bytes('x'), 1000);
      await store.mailPut('devbbbbb', 'msgnew01', 'devaaaaa', bytes('y'), 5000);
      expect(await store.mailExpire(2000)).toBe(1);
      expect((await store.mailFetch('devbbbbb', 10)).map((i) => i.messageId)).toEqual(['msgnew01']);
    });

    it('blobAccess names the owner and the channels whose retained events reference the blob; trim takes a channel away', async () => {
      const data = bytes('blob bytes');
      const hash = sha(data);
      expect((await store.blobAccess([hash])).size).toBe(0);
      await store.blobBegin(hash, data.length, 'devowner', Date.now());
      expect(await store.blobAppend(hash, 0, data, 'devother')).toBe('not_owner');
      expect(await store.blobAppend(hash, 0, data, 'devowner')).toMatchObject({ received: data.length });
      await store.blobMarkComplete(hash);
      await store.append('chanaaaa', 'evt00001', 'devowner', bytes('e'), [hash]);
      await store.append('chanbbbb', 'evt00001', 'devowner', bytes('e'), [hash]);
      const access = (await store.blobAccess([hash, 'f'.repeat(64)])).get(hash)!;
      expect(access.ownerDeviceId).toBe('devowner');
      expect(access.complete).toBe(true);
      expect([...access.channels].sort()).toEqual(['chanaaaa', 'chanbbbb']);
      await store.trim('chanaaaa', 1);
      expect((await store.blobAccess([hash])).get(hash)!.channels).toEqual(['chanbbbb']);
    });

    it('a client event id is deduplicated per sender: another sender gets taken, nothing stored', async () => {
      const first = await store.append('chandedu', 'evtsame1', 'deva0001', bytes('a'));
      expect(await store.append('chandedu', 'evtsame1', 'deva0001', bytes('a'))).toEqual({ ...first, duplicate: true });
      expect(await store.append('chandedu', 'evtsame1', 'devm0001', bytes('m'))).toMatchObject({ taken: true, seq: 0 });
      const batch = await store.appendBatch([
        { channelId: 'chandedu', clientEventId: 'evtmall1', senderDeviceId: 'devm0001', envelope: bytes('m1') },
        { channelId: 'chandedu', clientEventId: 'evtmall1', senderDeviceId: 'deva0001', envelope: bytes('a2') },
        { channelId: 'chandedu', clientEventId: 'evtsame1', senderDeviceId: 'devm0001', envelope: bytes('m2') },
      ]);
      expect(batch.map((r) => (r.taken ? 'taken' : r.seq))).toEqual([2, 'taken', 'taken']);
      expect((await store.page('chandedu', 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it('counts the channels a device created since a time', async () => {
      await store.noteChannelCreated('devmmmmm', 'chan0001', 1000);
      await store.noteChannelCreated('devmmmmm', 'chan0002', 5000);
      await store.noteChannelCreated('devmmmmm', 'chan0002', 6000);
      await store.noteChannelCreated('devaaaaa', 'chan0003', 5000);
      expect(await store.channelsCreatedSince('devmmmmm', 0)).toBe(2);
      expect(await store.channelsCreatedSince('devmmmmm', 2000)).toBe(1);
      expect(await store.channelsCreatedSince('devnobody', 0)).toBe(0);
    });
  });
}

let sqliteDir = '';
abuseContract('sqlite', async () => {
  if (sqliteDir) await rm(sqliteDir, { recursive: true, force: true });
  sqliteDir = await mkdtemp(join(tmpdir(), 'kf-store-abuse-'));
  return openSqliteStore(join(sqliteDir, 'relay.db'));
});
afterAll(async () => {
  if (sqliteDir) await rm(sqliteDir, { recursive: true, force: true });
});

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  abuseContract('postgres', async () => openPostgresStore(await cluster.createDatabase(), { poolSize: 4 }));
});
