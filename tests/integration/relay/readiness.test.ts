// Liveness and readiness: /healthz says the process serves, /readyz that the store takes a real
// write. A store that cannot write (SQLite whose files may not grow, as on a full disk; a
// PostgreSQL server that is down) makes /readyz fail while /healthz stays 200, and the log says
// so once when it starts and once when it ends, also when nobody asks /readyz.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { deviceTransport, startTestRelay, TestOrg, testId, type TestRelay } from '../../harness/relay.ts';

const run = promisify(execFile);

const status = (relay: TestRelay, path: string) =>
  fetch(`http://127.0.0.1:${relay.port}${path}`).then(
    (r) => r.status,
    () => 0,
  );
const lines = (relay: TestRelay, msg: string) =>
  relay
    .output()
    .split('\n')
    .filter((line) => line.includes(`"msg":"${msg}"`)).length;

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function setup() {
  const org = await TestOrg.create();
  const user = org.addUser();
  const device = org.addDevice(user);
  const channelId = testId('chan');
  org.setRoster(channelId, [user]);
  return { org, device, channelId };
}

describe('relay readiness on SQLite', () => {
  it(
    'a store whose files may not grow: /readyz 503, /healthz 200, one log line each way',
    { timeout: 60_000 },
    async () => {
      const { org, device, channelId } = await setup();
      const relay = await startTestRelay({ org, mode: 'process' });
      try {
        expect(await status(relay, '/readyz')).toBe(200);
        // The soft file-size limit of the running relay at 1 byte: every write that would grow a
        // file (the WAL) fails with EFBIG, the way writes fail on a full disk. Root or not, and
        // without a tiny file system to mount.
        await run('prlimit', ['--pid', String(relay.pid), '--fsize=1:']);
        await eventually(async () => (await status(relay, '/readyz')) === 503, 20_000);
        for (let i = 0; i < 3; i++) expect(await status(relay, '/readyz')).toBe(503);
        expect(await status(relay, '/healthz')).toBe(200);
        expect(lines(relay, 'storage failing')).toBe(1);
        expect(relay.output()).toMatch(/"level":"error","msg":"storage failing","store":"sqlite","error":"[^"]+"/);

        await run('prlimit', ['--pid', String(relay.pid), '--fsize=unlimited:']);
        await eventually(async () => (await status(relay, '/readyz')) === 200, 20_000);
        expect(lines(relay, 'storage failing')).toBe(1);
        expect(lines(relay, 'storage recovered')).toBe(1);
        const t = deviceTransport(relay.url, device);
        await t.connect();
        expect((await t.publish(channelId, testId('evt'), new Uint8Array([1]))).seq).toBe(1);
        await t.close();
      } finally {
        await relay.dispose();
      }
    },
  );
});

describe.skipIf(!postgresAvailable())('relay readiness on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(
    'PostgreSQL stopped: logged once without anyone asking, /readyz 503, /healthz 200; back: logged once, ready',
    { timeout: 90_000 },
    async () => {
      const { org } = await setup();
      const relay = await startTestRelay({ org, mode: 'process', databaseUrl: await cluster.createDatabase() });
      try {
        expect(await status(relay, '/readyz')).toBe(200);
        await cluster.halt();
        // The relay probes by itself every 10 s: the outage is in the log with no request at all.
        await eventually(() => lines(relay, 'storage failing') === 1, 30_000);
        expect(relay.output()).toMatch(/"level":"error","msg":"storage failing","store":"postgres"/);
        expect(await status(relay, '/readyz')).toBe(503);
        expect(await status(relay, '/healthz')).toBe(200);
        expect(lines(relay, 'storage failing')).toBe(1);
        await cluster.resume();
        await eventually(() => lines(relay, 'storage recovered') === 1, 30_000);
        expect(await status(relay, '/readyz')).toBe(200);
        expect(lines(relay, 'storage failing')).toBe(1);
      } finally {
        await relay.dispose();
      }
    },
  );

  it(
    'requests to /readyz, however many, write to the database about once a second at most',
    { timeout: 60_000 },
    async () => {
      const { org } = await setup();
      const databaseUrl = await cluster.createDatabase();
      const relay = await startTestRelay({ org, databaseUrl });
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        // Counts the probe's writes (the relay rewrites one relay_meta row per probe).
        await db.query('CREATE TABLE probe_writes (at TIMESTAMPTZ NOT NULL DEFAULT now())');
        await db.query(`CREATE FUNCTION count_probe() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN INSERT INTO probe_writes DEFAULT VALUES; RETURN NULL; END $$`);
        await db.query(`CREATE TRIGGER count_probe AFTER INSERT OR UPDATE ON relay_meta FOR EACH ROW
          WHEN (NEW.key = 'ready_probe') EXECUTE FUNCTION count_probe()`);
        // /readyz is on the workstations' port and needs no authentication: anyone who reaches
        // it (or a load balancer checking often) must not turn it into a stream of commits.
        const started = Date.now();
        for (let i = 0; i < 100; i++) expect(await status(relay, '/readyz')).toBe(200);
        const seconds = (Date.now() - started) / 1000;
        const count = async () => Number((await db.query('SELECT count(*) AS n FROM probe_writes')).rows[0].n);
        const writes = await count();
        expect(writes).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
        // The count sees the probe's write (the relay's own statement, run here once).
        await db.query(
          "INSERT INTO relay_meta (key, value) VALUES ('ready_probe', '0') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        );
        expect(await count()).toBe(writes + 1);
      } finally {
        await db.end();
        await relay.dispose();
      }
    },
  );
});
