// Shutting the relay down while its escalation release waits on a database that does not answer
// (a hung database host): the connections are still told the relay is going away (close code
// shutdown), as before escalations existed; the look in progress is waited for only before the
// store closes.
import WebSocket from 'ws';
import { CLOSE_CODES } from '@klinikfunk/protocol/relay/frames.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { startTestRelay, TestOrg } from '../../harness/relay.ts';

describe.skipIf(!postgresAvailable())('relay shutdown with an escalation look hanging on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(
    'closes the connections with the shutdown code without waiting for the database',
    { timeout: 90_000 },
    async () => {
      const org = await TestOrg.create();
      // Ticks far apart: the only look in flight is the one this test starts.
      const test = await startTestRelay({
        org,
        databaseUrl: await cluster.createDatabase(),
        escalationTickMs: 3_600_000,
        // The test's socket stays unauthenticated: no auth timeout closes it meanwhile.
        limits: { authTimeoutMs: 120_000 },
      });
      const relay = test.relay!;
      const socket = new WebSocket(test.url, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      let frozen = false;
      let closing: Promise<void> | null = null;
      let look: Promise<void> | null = null;
      try {
        cluster.freeze(true);
        frozen = true;
        look = relay.escalations.releaseNow();
        closing = relay.close();
        const code = await Promise.race([
          closed,
          new Promise<'none'>((resolve) => setTimeout(() => resolve('none'), 30_000).unref()),
        ]);
        expect(code).toBe(CLOSE_CODES.shutdown);
      } finally {
        if (frozen) cluster.freeze(false);
        socket.terminate();
        await look;
        await closing;
        await test.dispose();
      }
    },
  );
});
