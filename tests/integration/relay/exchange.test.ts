// Two clients exchange messages in both directions over a real relay, on SQLite and on
// PostgreSQL; and two relay processes on one PostgreSQL, with the clients on different relays
// (commits travel by NOTIFY carrying only channel and seq).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import type { WireEvent } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';

const text = (s: string) => new TextEncoder().encode(s);
const read = (e: WireEvent) => new TextDecoder().decode(e.envelope);

async function org2(): Promise<{ org: TestOrg; a: TestDevice; b: TestDevice; channelId: string }> {
  const org = await TestOrg.create();
  const [ua, ub] = [org.addUser('Anna'), org.addUser('Ben')];
  const a = org.addDevice(ua);
  const b = org.addDevice(ub);
  const channelId = testId('chan');
  org.setRoster(channelId, [ua, ub]);
  return { org, a, b, channelId };
}

async function exchange(alice: RelayTransport, bob: RelayTransport, channelId: string): Promise<void> {
  const atAlice: WireEvent[] = [];
  const atBob: WireEvent[] = [];
  alice.onPush((e) => atAlice.push(e));
  bob.onPush((e) => atBob.push(e));
  await Promise.all([alice.connect(), bob.connect()]);
  for (let i = 0; i < 20; i++) {
    const from = i % 2 === 0 ? alice : bob;
    await from.publish(channelId, `evt${String(i).padStart(6, '0')}`, text(`${i % 2 === 0 ? 'a' : 'b'}${i}`));
  }
  await until(() => atAlice.length === 10 && atBob.length === 10);
  expect(atBob.map((e) => [e.seq, read(e)])).toEqual(Array.from({ length: 10 }, (_, k) => [2 * k + 1, `a${2 * k}`]));
  expect(atAlice.map((e) => [e.seq, read(e)])).toEqual(
    Array.from({ length: 10 }, (_, k) => [2 * k + 2, `b${2 * k + 1}`]),
  );
  // And the full log, as a catch-up would read it.
  const log = await bob.fetchPage(channelId, 0, 100);
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
}

describe('two clients over a real relay', () => {
  it('exchange in both directions on SQLite', async () => {
    const { org, a, b, channelId } = await org2();
    const relay = await startTestRelay({ org });
    const alice = deviceTransport(relay.url, a);
    const bob = deviceTransport(relay.url, b);
    try {
      await exchange(alice, bob, channelId);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await relay.dispose();
    }
  });
});

describe.skipIf(!postgresAvailable())('two clients over PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('exchange in both directions on PostgreSQL', async () => {
    const { org, a, b, channelId } = await org2();
    const relay = await startTestRelay({ org, databaseUrl: await cluster.createDatabase() });
    const alice = deviceTransport(relay.url, a);
    const bob = deviceTransport(relay.url, b);
    try {
      await exchange(alice, bob, channelId);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await relay.dispose();
    }
  });

  it('two relay instances on one PostgreSQL: clients on different relays exchange, seqs stay gapless', async () => {
    const { org, a, b, channelId } = await org2();
    const url = await cluster.createDatabase();
    const relayA: TestRelay = await startTestRelay({ org, databaseUrl: url });
    const relayB: TestRelay = await startTestRelay({ org, databaseUrl: url });
    const alice = deviceTransport(relayA.url, a);
    const bob = deviceTransport(relayB.url, b);
    try {
      await exchange(alice, bob, channelId);
      // Concurrent publishes through both relays still get one gapless sequence.
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? alice : bob).publish(channelId, `evtcc${String(i).padStart(5, '0')}`, text(`c${i}`)),
        ),
      );
      expect(results.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => 21 + i));
      // A revocation stored through relay A disconnects the device on relay B.
      const fatal: string[] = [];
      bob.onFatal((e) => fatal.push(e.code));
      await alice.putRecord(org.revokeDevice(b.deviceId) as unknown as Record<string, unknown>);
      await expect.poll(() => fatal[0], { timeout: 5000 }).toBe('revoked');
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await relayA.dispose();
      await relayB.dispose();
    }
  });

  it('a relay whose LISTEN session is cut re-listens: live pushes between instances resume', async () => {
    const { org, a, b, channelId } = await org2();
    const url = await cluster.createDatabase();
    const relayA = await startTestRelay({ org, databaseUrl: url });
    const relayB = await startTestRelay({ org, databaseUrl: url });
    const alice = deviceTransport(relayA.url, a);
    const bob = deviceTransport(relayB.url, b);
    const got: number[] = [];
    bob.onPush((e) => got.push(e.seq));
    try {
      await Promise.all([alice.connect(), bob.connect()]);
      await alice.publish(channelId, testId('evt'), text('before'));
      await until(() => got.length === 1);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const cut = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
      );
      await admin.end();
      expect(cut.rowCount).toBeGreaterThanOrEqual(2);
      // Publish until a push arrives again (the LISTEN session reconnects after about a second).
      const deadline = Date.now() + 10_000;
      while (got.length < 2 && Date.now() < deadline) {
        await alice.publish(channelId, testId('evt'), text('after')).catch(() => {});
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(got.length).toBeGreaterThanOrEqual(2);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await relayA.dispose();
      await relayB.dispose();
    }
  });
});
