// A PostgreSQL connection that the server ends while the relay holds it in a transaction (a
// server stopped or restarted, an administrator's pg_terminate_backend) fails that one store
// call; it must not crash the relay. node-postgres reports a lost connection as an 'error' event
// on the client, and the pool listens for it only while the client sits idle: the relay's
// escalation release runs a transaction every 250 ms, so a server stop nearly always finds one.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../../apps/relay/store/postgres.ts';
import type { RelayStore } from '../../../apps/relay/store/store.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';

/** The advisory-lock space escalation puts serialise one sender in (postgres-escalations.ts). */
const ESCALATION_LOCK_SPACE = 0x6b66_0004;

const escalation = (escalationId: string, fromDeviceId: string) => ({
  escalationId,
  fromDeviceId,
  tokenHash: new Uint8Array(32).fill(7),
  createdAt: 1,
  steps: [
    {
      deadline: 10_000,
      items: [{ toDeviceId: 'dev-b', messageId: `${escalationId}-m`, payload: new Uint8Array([1]) }],
    },
  ],
});

async function eventually<T>(check: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!postgresAvailable())('PostgreSQL store, a connection lost inside a transaction', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('fails that call, does not crash the process, and the store works on', { timeout: 60_000 }, async () => {
    const url = await cluster.createDatabase();
    const store: RelayStore = await openPostgresStore(url);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      // The sender's lock held elsewhere keeps the store's transaction open (checked out, waiting).
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ESCALATION_LOCK_SPACE, 'dev-a']);
      const put = store.escalations.put(escalation('esc-1', 'dev-a'), 10).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      const pid = await eventually(async () => {
        const r = await holder.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        );
        return r.rows[0]?.pid ?? null;
      }, 30_000);
      await holder.query('SELECT pg_terminate_backend($1)', [pid]);
      const outcome = await put;
      expect(outcome).toHaveProperty('error');
      await holder.query('ROLLBACK');
      // Give the closed socket's events time to arrive (they come after the query's error).
      await eventually(async () => {
        const r = await holder.query<{ n: string }>(
          'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid = $1',
          [pid],
        );
        return Number(r.rows[0]!.n) === 0 ? true : null;
      }, 30_000);
      await new Promise((r) => setImmediate(r));
      expect(uncaught).toEqual([]);
      expect(await store.escalations.put(escalation('esc-2', 'dev-a'), 10)).toBe('stored');
      await store.probeWritable();
    } finally {
      process.off('uncaughtException', onUncaught);
      await holder.end();
      await store.close();
    }
  });
});
