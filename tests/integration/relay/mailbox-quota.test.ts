// A member device flooding another device's mailbox (issue 14, item 7), on SQLite and
// PostgreSQL: the relay caps items per (sender, recipient) and per sender, so a flooder fills
// only its own share and genuine key shares still get through; mail items expire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { startTestRelay, TestOrg, type TestDevice } from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

async function devices(): Promise<{ org: TestOrg; a: TestDevice; b: TestDevice; c: TestDevice; m: TestDevice }> {
  const org = await TestOrg.create();
  const [a, b, c, m] = ['Anna', 'Ben', 'Cem', 'Mallory'].map((name) => org.addDevice(org.addUser(name))) as [
    TestDevice,
    TestDevice,
    TestDevice,
    TestDevice,
  ];
  return { org, a, b, c, m };
}

async function connect(url: string, device: TestDevice): Promise<RawClient> {
  const raw = await RawClient.open(url);
  expect(await raw.authenticate(device)).toMatchObject({ t: 'auth_ok' });
  return raw;
}

const put = (raw: RawClient, to: TestDevice, messageId: string) =>
  raw.request({
    t: 'mail_put',
    toDeviceId: to.deviceId,
    messageId: `msg${messageId}`.padEnd(8, '_'),
    payload: b64(messageId),
  });

function mailboxSuite(name: string, databaseUrl: () => Promise<string | undefined>) {
  describe(`mailbox against a flooding member (${name})`, () => {
    it("caps one sender's items per recipient and in all, so key shares from others still arrive", async () => {
      const { org, a, b, c, m } = await devices();
      const url = await databaseUrl();
      const relay = await startTestRelay({
        org,
        ...(url ? { databaseUrl: url } : {}),
        limits: { maxMailboxItems: 50, maxMailboxItemsPerPair: 10, maxMailboxItemsPerSender: 15 },
      });
      const [anna, ben, mallory] = await Promise.all([
        connect(relay.url, a),
        connect(relay.url, b),
        connect(relay.url, m),
      ]);
      try {
        for (let i = 0; i < 10; i++) expect(await put(mallory, b, `junk${i}`)).toMatchObject({ t: 'ok' });
        const full = await put(mallory, b, 'junk10');
        expect(full).toMatchObject({ t: 'error', code: 'quota_exceeded' });
        expect(String(full.message)).toContain('this device');
        // A retry of an item already stored is still fine (idempotent), whatever the quota.
        expect(await put(mallory, b, 'junk3')).toMatchObject({ t: 'ok' });
        // Anna's key share to Ben gets through: Mallory only filled her own share of his mailbox.
        expect(await put(anna, b, 'keyshare')).toMatchObject({ t: 'ok' });
        // Across recipients Mallory may have 15 waiting.
        for (let i = 0; i < 5; i++) expect(await put(mallory, c, `more${i}`)).toMatchObject({ t: 'ok' });
        expect(await put(mallory, c, 'more5')).toMatchObject({ t: 'error', code: 'quota_exceeded' });
        expect(await put(anna, c, 'keyshare')).toMatchObject({ t: 'ok' });
        // Ben fetches and acks: Mallory's share frees up again.
        const mail = await ben.request({ t: 'mail_fetch', limit: 100 });
        expect((mail.items as Array<{ messageId: string }>).map((i) => i.messageId)).toContain('msgkeyshare');
        await ben.request({
          t: 'mail_ack',
          messageIds: (mail.items as Array<{ messageId: string }>).map((i) => i.messageId),
        });
        expect(await put(mallory, b, 'junk11')).toMatchObject({ t: 'ok' });
      } finally {
        [anna, ben, mallory].forEach((s) => s.close());
        await relay.dispose();
      }
    });

    it('drops mail items older than mailMaxAgeMs, whatever the event retention', async () => {
      const { org, a, b } = await devices();
      const url = await databaseUrl();
      const relay = await startTestRelay({ org, ...(url ? { databaseUrl: url } : {}), limits: { mailMaxAgeMs: 300 } });
      const [anna, ben] = await Promise.all([connect(relay.url, a), connect(relay.url, b)]);
      try {
        expect(await put(anna, b, 'old')).toMatchObject({ t: 'ok' });
        await new Promise((r) => setTimeout(r, 400));
        expect(await put(anna, b, 'new')).toMatchObject({ t: 'ok' });
        await relay.relay!.gcBlobs();
        const mail = await ben.request({ t: 'mail_fetch', limit: 100 });
        expect((mail.items as Array<{ messageId: string }>).map((i) => i.messageId)).toEqual(['msgnew__']);
      } finally {
        [anna, ben].forEach((s) => s.close());
        await relay.dispose();
      }
    });
  });
}

mailboxSuite('SQLite', async () => undefined);

describe.skipIf(!postgresAvailable())('on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  mailboxSuite('PostgreSQL', () => cluster.createDatabase());
});
