// Escalations held by the relay (issue 20 item 4), on SQLite and PostgreSQL, with a jumping relay
// clock: pre-sealed steps go out at their deadline while the sender is offline; the token's
// preimage stops them before; a forged or replayed token does not; a restart keeps them and
// releases what fell due meanwhile at start.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { startTestRelay, TestOrg, testId, type TestDevice, type TestRelay } from '../../harness/relay.ts';
import { RawClient, type RawAnswer } from './raw-client.ts';

const MIN = 60_000;
const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');
const tokenHash = (token: Uint8Array) => b64(createHash('sha256').update(token).digest());

interface World {
  org: TestOrg;
  sender: TestDevice;
  holder: TestDevice;
  backup: TestDevice;
  supervisor: TestDevice;
  mallory: TestDevice;
}

async function world(): Promise<World> {
  const org = await TestOrg.create();
  const [sender, holder, backup, supervisor, mallory] = [
    'Sender',
    'Dienstarzt',
    'Hintergrund',
    'Oberarzt',
    'Mallory',
  ].map((name) => org.addDevice(org.addUser(name))) as [TestDevice, TestDevice, TestDevice, TestDevice, TestDevice];
  return { org, sender, holder, backup, supervisor, mallory };
}

async function connect(url: string, device: TestDevice): Promise<RawClient> {
  const raw = await RawClient.open(url);
  expect(await raw.authenticate(device)).toMatchObject({ t: 'auth_ok' });
  return raw;
}

/** An escalation of two steps: the backup at 5 min, the supervisor at 10 min; each step also tells the sender. */
function escalation(w: World, token: Uint8Array, id = testId('esc')) {
  const item = (to: TestDevice, step: number) => ({
    toDeviceId: to.deviceId,
    messageId: `${id}s${step}${to === w.sender ? 'n' : 'r'}`,
    payload: b64(`sealed step ${step} for ${to.deviceId}`),
  });
  return {
    id,
    frame: {
      t: 'esc_put',
      escalationId: id,
      tokenHash: tokenHash(token),
      steps: [
        { delayMs: 5 * MIN, items: [item(w.backup, 1), item(w.sender, 1)] },
        { delayMs: 10 * MIN, items: [item(w.supervisor, 2), item(w.sender, 2)] },
      ],
    },
  };
}

const payloadText = (item: unknown) =>
  Buffer.from(String((item as { payload: string }).payload), 'base64url').toString();
const mailOf = async (raw: RawClient) => (await raw.request({ t: 'mail_fetch', limit: 100 })).items as RawAnswer[];

function escalationSuite(name: string, databaseUrl: () => Promise<string | undefined>) {
  describe(`escalations held by the relay (${name})`, () => {
    let offset = 0;
    const now = () => Date.now() + offset;
    const jump = (ms: number) => (offset += ms);
    let relay: TestRelay;
    let w: World;

    const start = async (): Promise<void> => {
      w = await world();
      offset = 0;
      const url = await databaseUrl();
      relay = await startTestRelay({ org: w.org, now, escalationTickMs: 50, ...(url ? { databaseUrl: url } : {}) });
    };
    const releaseNow = () => relay.relay!.escalations.releaseNow();

    it('releases the backup step, then the supervisor step, at their deadlines while the sender is offline', async () => {
      await start();
      try {
        const token = randomBytes(32);
        const esc = escalation(w, token);
        const sender = await connect(relay.url, w.sender);
        const putAt = now();
        expect(await sender.request(esc.frame)).toMatchObject({ t: 'ok' });
        // A retry of the same put (lost answer) is taken once.
        expect(await sender.request(esc.frame)).toMatchObject({ t: 'ok' });
        sender.close();
        const [backup, supervisor] = await Promise.all([
          connect(relay.url, w.backup),
          connect(relay.url, w.supervisor),
        ]);

        jump(5 * MIN - 2_000);
        await releaseNow();
        expect(await mailOf(backup)).toEqual([]);

        jump(2_000);
        const first = await backup.next((f) => f.t === 'mail_push', 15_000);
        expect(payloadText(first.item)).toBe(`sealed step 1 for ${w.backup.deviceId}`);
        expect((first.item as { storedAt: number }).storedAt).toBeGreaterThanOrEqual(putAt + 5 * MIN);
        await releaseNow();
        expect(await mailOf(supervisor)).toEqual([]);

        jump(5 * MIN);
        const second = await supervisor.next((f) => f.t === 'mail_push', 15_000);
        expect(payloadText(second.item)).toBe(`sealed step 2 for ${w.supervisor.deviceId}`);

        // The sender, back online, finds both steps' notices, stamped with the relay time of release.
        const back = await connect(relay.url, w.sender);
        const notices = await mailOf(back);
        expect(notices.map(payloadText)).toEqual([
          `sealed step 1 for ${w.sender.deviceId}`,
          `sealed step 2 for ${w.sender.deviceId}`,
        ]);
        expect(notices.map((n) => n.storedAt as number)).toEqual([
          (first.item as { storedAt: number }).storedAt,
          (second.item as { storedAt: number }).storedAt,
        ]);
        expect(await relay.store!.escalations.pendingItems()).toBe(0);
        [backup, supervisor, back].forEach((c) => c.close());
      } finally {
        await relay.dispose();
      }
    });

    it('stops every pending step when a recipient shows the token before the deadline', async () => {
      await start();
      try {
        const token = randomBytes(32);
        const esc = escalation(w, token);
        const sender = await connect(relay.url, w.sender);
        expect(await sender.request(esc.frame)).toMatchObject({ t: 'ok' });
        sender.close();
        const [holder, backup, supervisor] = await Promise.all([
          connect(relay.url, w.holder),
          connect(relay.url, w.backup),
          connect(relay.url, w.supervisor),
        ]);
        jump(4 * MIN);
        expect(await holder.request({ t: 'esc_ack', escalationId: esc.id, token: b64(token) })).toMatchObject({
          t: 'ok',
        });
        // Sent again (the answer was lost): still ok, nothing else changes.
        expect(await holder.request({ t: 'esc_ack', escalationId: esc.id, token: b64(token) })).toMatchObject({
          t: 'ok',
        });
        jump(30 * MIN);
        await releaseNow();
        expect(await mailOf(backup)).toEqual([]);
        expect(await mailOf(supervisor)).toEqual([]);
        expect(await relay.store!.escalations.pendingItems()).toBe(0);
        [holder, backup, supervisor].forEach((c) => c.close());
      } finally {
        await relay.dispose();
      }
    });

    it('goes on when the token is forged or belongs to another escalation, used or not', async () => {
      await start();
      try {
        const tokenA = randomBytes(32);
        const tokenB = randomBytes(32);
        const a = escalation(w, tokenA);
        const b = escalation(w, tokenB);
        const sender = await connect(relay.url, w.sender);
        expect(await sender.request(a.frame)).toMatchObject({ t: 'ok' });
        expect(await sender.request(b.frame)).toMatchObject({ t: 'ok' });
        sender.close();
        const mallory = await connect(relay.url, w.mallory);
        const backup = await connect(relay.url, w.backup);
        // A acknowledged properly: its token is now known to whoever saw that ack.
        expect(await mallory.request({ t: 'esc_ack', escalationId: a.id, token: b64(tokenA) })).toMatchObject({
          t: 'ok',
        });
        const refusals = [
          { escalationId: b.id, token: b64(randomBytes(32)) }, // forged
          { escalationId: b.id, token: b64(tokenA) }, // replayed: A's used token against B
          { escalationId: b.id, token: tokenHash(tokenB) }, // the hash itself is no token
        ];
        for (const r of refusals)
          expect(await mallory.request({ t: 'esc_ack', ...r })).toMatchObject({ t: 'error', code: 'not_permitted' });
        expect(await mallory.request({ t: 'esc_ack', escalationId: 'nosuchesc', token: b64(tokenB) })).toMatchObject({
          t: 'error',
          code: 'not_found',
        });
        // A token of the wrong length is not a token at all.
        expect(await mallory.request({ t: 'esc_ack', escalationId: b.id, token: b64(randomBytes(31)) })).toMatchObject({
          t: 'error',
          code: 'bad_frame',
        });
        jump(5 * MIN);
        const pushed = await backup.next((f) => f.t === 'mail_push', 15_000);
        expect((pushed.item as { messageId: string }).messageId).toBe(`${b.id}s1r`);
        await releaseNow();
        expect((await mailOf(backup)).map((m) => m.messageId)).toEqual([`${b.id}s1r`]);
        [mallory, backup].forEach((c) => c.close());
      } finally {
        await relay.dispose();
      }
    });

    it('keeps pending escalations across a restart and releases the overdue ones at start', async () => {
      await start();
      try {
        const token = randomBytes(32);
        const esc = escalation(w, token);
        const sender = await connect(relay.url, w.sender);
        expect(await sender.request(esc.frame)).toMatchObject({ t: 'ok' });
        sender.close();
        await relay.stop();
        jump(7 * MIN);
        await relay.restart();
        await releaseNow();
        const backup = await connect(relay.url, w.backup);
        const supervisor = await connect(relay.url, w.supervisor);
        expect((await mailOf(backup)).map(payloadText)).toEqual([`sealed step 1 for ${w.backup.deviceId}`]);
        expect(await mailOf(supervisor)).toEqual([]);
        // The second step is still pending and the token still stops it after the restart.
        expect(await backup.request({ t: 'esc_ack', escalationId: esc.id, token: b64(token) })).toMatchObject({
          t: 'ok',
        });
        jump(10 * MIN);
        await releaseNow();
        expect(await mailOf(supervisor)).toEqual([]);
        [backup, supervisor].forEach((c) => c.close());
      } finally {
        await relay.dispose();
      }
    });

    it('refuses what it cannot hold: unknown devices, another device’s id, more than the pending cap', async () => {
      w = await world();
      offset = 0;
      const url = await databaseUrl();
      relay = await startTestRelay({
        org: w.org,
        now,
        limits: { maxPendingEscalationsPerDevice: 2 },
        ...(url ? { databaseUrl: url } : {}),
      });
      try {
        const sender = await connect(relay.url, w.sender);
        const mallory = await connect(relay.url, w.mallory);
        const first = escalation(w, randomBytes(32));
        expect(await sender.request(first.frame)).toMatchObject({ t: 'ok' });
        expect(await mallory.request(first.frame)).toMatchObject({ t: 'error', code: 'conflict' });
        const unknown = escalation(w, randomBytes(32));
        unknown.frame.steps[0]!.items[0]!.toDeviceId = 'devnosuch1';
        expect(await sender.request(unknown.frame)).toMatchObject({ t: 'error', code: 'not_found' });
        const descending = escalation(w, randomBytes(32));
        descending.frame.steps[1]!.delayMs = MIN;
        expect(await sender.request(descending.frame)).toMatchObject({ t: 'error', code: 'bad_frame' });
        expect(await sender.request(escalation(w, randomBytes(32)).frame)).toMatchObject({ t: 'ok' });
        expect(await sender.request(escalation(w, randomBytes(32)).frame)).toMatchObject({
          t: 'error',
          code: 'quota_exceeded',
        });
        // Another device's escalations count against their own cap only.
        expect(await mallory.request(escalation(w, randomBytes(32)).frame)).toMatchObject({ t: 'ok' });
        [sender, mallory].forEach((c) => c.close());
      } finally {
        await relay.dispose();
      }
    });
  });
}

escalationSuite('sqlite', () => Promise.resolve(undefined));

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  escalationSuite('postgres', () => cluster.createDatabase());
});
