// The relay as a service: a stop signal to the documented start command ends the relay itself
// (not only a wrapper around it), one relay per data directory (a second is refused, a lock left
// by a relay killed with SIGKILL is taken over), and relays sharing one PostgreSQL all leave the
// first-run bootstrap when it was done through one of them.
import { spawn } from 'node:child_process';
import { readFileSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapRelay } from '../../../apps/desktop/electron/core/transport/bootstrap.ts';
import { EXIT_DATA_DIR_LOCKED, LOCK_FILE } from '../../../apps/relay/data-dir.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { deviceTransport, startTestRelay, TestOrg, testId } from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Polls an asynchronous condition (an HTTP status) until it holds. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const lockPid = (dataDir: string) =>
  (JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as { pid: number }).pid;

describe('relay start and stop', () => {
  it('SIGTERM to `npm run relay` ends the relay process within the bound', { timeout: 60_000 }, async () => {
    const org = await TestOrg.create();
    org.addDevice(org.addUser());
    const dataDir = await mkdtemp(join(tmpdir(), 'kf-relay-npm-'));
    // npm as the test run found it (npm_execpath), else the one on PATH.
    const npm = process.env.npm_execpath;
    const args = [
      'run',
      'relay',
      '--',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      `--org-public-key=${org.orgPublicKey}`,
    ];
    const wrapper = npm
      ? spawn(process.execPath, [npm, ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('npm', args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    wrapper.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    let relayPid = 0;
    try {
      await until(() => /"msg":"relay listening"/.test(log), 30_000);
      relayPid = lockPid(dataDir);
      expect(relayPid).not.toBe(wrapper.pid);
      wrapper.kill('SIGTERM');
      // The relay itself got the signal: it stops gracefully and its process is gone.
      await until(() => !running(relayPid), 12_000);
      expect(log).toMatch(/"msg":"stopped"/);
    } finally {
      if (relayPid && running(relayPid)) process.kill(relayPid, 'SIGKILL');
      wrapper.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
  it(
    'SIGTERM while the relay is still starting ends it cleanly (exit 0, lock released)',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      const dataDir = await mkdtemp(join(tmpdir(), 'kf-relay-early-'));
      // The lock is the relay's first visible step; a signal from then on is the relay's to handle.
      const watcher = watch(dataDir);
      const relay = spawn(
        process.execPath,
        [
          join(repoRoot, 'apps', 'relay', 'main.ts'),
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--data-dir',
          dataDir,
          `--org-public-key=${org.orgPublicKey}`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RELAY_DATABASE_URL: '' } },
      );
      let log = '';
      relay.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        relay.once('exit', (code, signal) => resolve({ code, signal })),
      );
      try {
        await new Promise<void>((resolve) =>
          watcher.on('change', (_, name) => {
            if (name === LOCK_FILE) resolve();
          }),
        );
        relay.kill('SIGTERM');
        expect(await exited).toEqual({ code: 0, signal: null });
        expect(log).toMatch(/"msg":"signal","signal":"SIGTERM"/);
        expect(log).not.toMatch(/shutdown failed/);
        // Not left behind for the next start to take over.
        expect(() => readFileSync(join(dataDir, LOCK_FILE))).toThrow(/ENOENT/);
      } finally {
        watcher.close();
        relay.kill('SIGKILL');
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});

describe('one relay per data directory', () => {
  it(
    'refuses a second relay on the same data directory with a clear message and exit code',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      org.addDevice(org.addUser());
      const first = await startTestRelay({ org, mode: 'process' });
      try {
        const second = startTestRelay({ org, mode: 'process', dataDir: first.dataDir });
        await expect(second).rejects.toThrow(
          new RegExp(
            `relay exited with ${EXIT_DATA_DIR_LOCKED}:.*data directory is in use by another relay \\(pid ${first.pid}`,
          ),
        );
        // The first one is untouched and still holds the lock.
        expect((await fetch(`http://127.0.0.1:${first.port}/healthz`)).status).toBe(200);
        expect(lockPid(first.dataDir)).toBe(first.pid);
      } finally {
        await first.dispose();
      }
    },
  );

  it('takes over the lock a relay killed with SIGKILL left behind', { timeout: 60_000 }, async () => {
    const org = await TestOrg.create();
    const device = org.addDevice(org.addUser());
    const relay = await startTestRelay({ org, mode: 'process' });
    try {
      const killedPid = relay.pid!;
      await relay.kill();
      // kill -9 runs no exit handler: the lock file still names the dead relay.
      expect(lockPid(relay.dataDir)).toBe(killedPid);
      await relay.restart();
      expect(lockPid(relay.dataDir)).toBe(relay.pid);
      expect(relay.output()).toContain(
        `"msg":"data directory lock taken over from a relay that no longer runs","file":"${join(relay.dataDir, LOCK_FILE)}","stalePid":${killedPid}`,
      );
      const t = deviceTransport(relay.url, device);
      await t.connect();
      await t.close();
      // A clean stop removes the lock.
      await relay.stop();
      expect(() => readFileSync(join(relay.dataDir, LOCK_FILE))).toThrow(/ENOENT/);
    } finally {
      await relay.dispose();
    }
  });

  it.skipIf(process.platform !== 'linux')(
    'takes over a lock whose pid now belongs to another process, or that was written before a reboot',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      org.addDevice(org.addUser());
      const relay = await startTestRelay({ org, mode: 'process' });
      try {
        await relay.stop();
        const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
        // This test's own process runs under the pid: only its start time or the boot id differ.
        for (const stale of [
          { boot, started: '1' },
          { boot: '00000000-0000-0000-0000-000000000000', started: '1' },
        ]) {
          const lock = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...stale };
          writeFileSync(join(relay.dataDir, LOCK_FILE), JSON.stringify(lock));
          await relay.restart();
          expect(lockPid(relay.dataDir)).toBe(relay.pid);
          await relay.stop();
        }
        expect(relay.output().match(/lock taken over from a relay that no longer runs/g)).toHaveLength(2);
      } finally {
        await relay.dispose();
      }
    },
  );
  it(
    'takes over an empty lock a power cut left behind, and a takeover file left by a relay that crashed in it',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      org.addDevice(org.addUser());
      const relay = await startTestRelay({ org, mode: 'process' });
      try {
        await relay.stop();
        const lockFile = join(relay.dataDir, LOCK_FILE);
        const guardFile = join(relay.dataDir, `${LOCK_FILE}.takeover`);
        const aMinuteAgo = new Date(Date.now() - 60_000);
        // A power cut soon after a start can leave the lock created but empty (its content was
        // still in the page cache): no relay can be writing it a minute later.
        writeFileSync(lockFile, '');
        utimesSync(lockFile, aMinuteAgo, aMinuteAgo);
        await relay.restart();
        expect(lockPid(relay.dataDir)).toBe(relay.pid);
        await relay.stop();
        // A relay that died in the instant of a takeover left its takeover file, and its pid
        // runs another process now (this test's): the takeover file lives for an instant only.
        const dead = { pid: 2 ** 22 + 1, host: hostname(), since: aMinuteAgo.toISOString() };
        writeFileSync(lockFile, JSON.stringify(dead));
        writeFileSync(
          guardFile,
          JSON.stringify({ pid: process.pid, host: hostname(), since: aMinuteAgo.toISOString() }),
        );
        utimesSync(guardFile, aMinuteAgo, aMinuteAgo);
        await relay.restart();
        expect(lockPid(relay.dataDir)).toBe(relay.pid);
        expect(() => readFileSync(guardFile)).toThrow(/ENOENT/);
        expect(relay.output().match(/lock taken over from a relay that no longer runs/g)).toHaveLength(2);
      } finally {
        await relay.dispose();
      }
    },
  );
});

describe.skipIf(!postgresAvailable())('relays on PostgreSQL: shutdown bound and first-run bootstrap', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(
    'SIGTERM while the database hangs: the relay exits 1 with a log line after its 10 s bound',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      const user = org.addUser();
      const device = org.addDevice(user);
      const relay = await startTestRelay({ org, mode: 'process', databaseUrl: await cluster.createDatabase() });
      const t = deviceTransport(relay.url, device);
      try {
        await t.connect();
        cluster.freeze(true);
        const started = Date.now();
        // The last presence and high-water writes wait for a database that does not answer.
        await relay.stop();
        const took = Date.now() - started;
        expect(relay.lastExit).toEqual({ code: 1, signal: null });
        expect(relay.output()).toMatch(/"level":"error","msg":"shutdown took too long, exiting","boundMs":10000/);
        expect(took).toBeGreaterThanOrEqual(10_000);
        expect(took).toBeLessThan(20_000);
      } finally {
        cluster.freeze(false);
        await t.close();
        await relay.dispose();
      }
    },
  );

  it('the relay the bootstrap did not reach leaves setup mode without a restart', { timeout: 90_000 }, async () => {
    const org = await TestOrg.create();
    const root = org.sign('org_root', {
      orgId: org.orgId,
      name: 'Klinikum Nord',
      orgPublicKey: org.orgPublicKey,
      createdAt: Date.now(),
    });
    const admin = org.addUser('Admin', 'admin');
    const adminDevice = org.addDevice(admin);
    const channelId = testId('chan');
    org.setRoster(channelId, [admin]);
    const databaseUrl = await cluster.createDatabase();
    const one = await startTestRelay({ org, mode: 'process', bootstrap: true, databaseUrl });
    const two = await startTestRelay({ org, mode: 'process', bootstrap: true, databaseUrl });
    try {
      for (const relay of [one, two]) expect((await fetch(`http://127.0.0.1:${relay.port}/healthz`)).status).toBe(503);
      const code = readFileSync(join(one.dataDir, 'bootstrap-code'), 'utf8').trim();
      await bootstrapRelay(one.url, code, [root, ...org.records] as unknown as Array<Record<string, unknown>>);
      // The other relay learns of the binding from the database and starts serving.
      await eventually(
        () =>
          fetch(`http://127.0.0.1:${two.port}/healthz`).then(
            (r) => r.status === 200,
            () => false,
          ),
        30_000,
      );
      expect(two.output()).toMatch(/"msg":"bootstrap: bound to organisation by another relay process"/);
      const t = deviceTransport(two.url, adminDevice);
      await t.connect();
      expect((await t.publish(channelId, testId('evt'), new Uint8Array([1]))).seq).toBe(1);
      await t.close();
    } finally {
      await Promise.all([one.dispose(), two.dispose()]);
    }
  });

  it(
    'a bootstrap that failed half-way leaves every relay in setup mode, and a retry binds them all',
    { timeout: 90_000 },
    async () => {
      const org = await TestOrg.create();
      const root = org.sign('org_root', {
        orgId: org.orgId,
        name: 'Klinikum Süd',
        orgPublicKey: org.orgPublicKey,
        createdAt: Date.now(),
      });
      const adminDevice = org.addDevice(org.addUser('Admin', 'admin'));
      const records = [root, ...org.records] as unknown as Array<Record<string, unknown>>;
      const databaseUrl = await cluster.createDatabase();
      const one = await startTestRelay({ org, mode: 'process', bootstrap: true, databaseUrl });
      const two = await startTestRelay({ org, mode: 'process', bootstrap: true, databaseUrl });
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        // The database refuses device records (as a full disk or an outage would, mid-way): the
        // organisation key and the first records are stored, the admin's device is not.
        await db.query(`CREATE FUNCTION refuse_device() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`);
        await db.query(`CREATE TRIGGER refuse_device BEFORE INSERT ON directory FOR EACH ROW
          WHEN (NEW.type = 'device') EXECUTE FUNCTION refuse_device()`);
        const code = readFileSync(join(one.dataDir, 'bootstrap-code'), 'utf8').trim();
        await expect(bootstrapRelay(one.url, code, records)).rejects.toThrow(/bootstrap failed/);
        // Three of the relays' 2 s polls of the database: neither may take the half-done
        // binding for a finished one (the admin's device could never sign in, and setup could
        // not be repeated). A wait for something that must not happen.
        await new Promise((r) => setTimeout(r, 7_000));
        for (const relay of [one, two])
          expect((await fetch(`http://127.0.0.1:${relay.port}/healthz`)).status).toBe(503);
        expect(`${one.output()}${two.output()}`).not.toMatch(/bound to organisation by another relay process/);

        // The disk has room again: the setup repeated through the same relay binds both.
        await db.query('DROP TRIGGER refuse_device ON directory');
        await bootstrapRelay(one.url, code, records);
        await eventually(
          () =>
            fetch(`http://127.0.0.1:${two.port}/healthz`).then(
              (r) => r.status === 200,
              () => false,
            ),
          30_000,
        );
        const t = deviceTransport(two.url, adminDevice);
        await t.connect();
        await t.close();
      } finally {
        await db.end();
        await Promise.all([one.dispose(), two.dispose()]);
      }
    },
  );
});
