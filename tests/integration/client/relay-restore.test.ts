// Restoring the relay from a backup, as docs/operations.md says: a backup while the relay runs
// (sqlite3 .backup; pg_dump), messages sent after it, stop, put it back (`node apps/relay/main.ts
// restore --from`; pg_restore, then `restore --database-url`), start. Every
// message sent before and after the restore reaches every member exactly once, also a member
// whose device first connects after the restore; the sender sees each as sent. What is sent after
// the restore never takes a seq a device has seen: it sorts after what the device had and is unread. The same holds when
// the operator puts the backup back by hand and skips `restore`: the relay notices that its
// database is behind the high-water mark it keeps beside it, and restores by itself.
import { execFile } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

let org: TestOrg;
let relay: TestRelay;
const world = new ClientWorld();
const open: Workstation[] = [];

beforeAll(async () => {
  org = await TestOrg.create();
});
afterEach(async () => {
  for (const ws of open.splice(0)) await ws.shutdown().catch(() => {});
  await relay?.dispose();
});
afterAll(() => world.dispose());

async function bodies(ws: Workstation, channelId: string): Promise<string[]> {
  return (await ws.store.messages.page(channelId)).map((m) => m.body).reverse();
}

/** `node apps/relay/main.ts restore ...`; returns its log lines. */
async function restoreCommand(args: string[]): Promise<Array<Record<string, unknown>>> {
  const { stderr } = await run(process.execPath, [join(repoRoot, 'apps', 'relay', 'main.ts'), 'restore', ...args]);
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface Backups {
  databaseUrl?: string;
  /** Takes a backup while the relay runs. */
  take(relay: TestRelay): Promise<void>;
  /**
   * Puts it back with the relay stopped, `restore` included; returns the restore command's log
   * (null: put back by hand, without the command).
   */
  restore(relay: TestRelay): Promise<Array<Record<string, unknown>> | null>;
}

/** The documented online backup (sqlite3 .backup) and `restore --from`. */
const sqliteBackups = (): Backups => ({
  async take(relay) {
    await run('sqlite3', [join(relay.dataDir, 'relay.db'), `.backup '${join(relay.dataDir, 'backup.db')}'`]);
  },
  restore: (relay) =>
    restoreCommand([
      '--from',
      join(relay.dataDir, 'backup.db'),
      '--data-dir',
      relay.dataDir,
      '--port',
      String(relay.port),
    ]),
});

/** The online backup copied over relay.db by hand, without the restore command. */
const sqliteBackupsByHand = (): Backups => ({
  take: sqliteBackups().take,
  async restore(relay) {
    const file = join(relay.dataDir, 'relay.db');
    for (const stale of [`${file}-wal`, `${file}-shm`]) await rm(stale, { force: true });
    await copyFile(join(relay.dataDir, 'backup.db'), file);
    return null;
  },
});

/**
 * pg_dump -Fc, pg_restore --clean into the same database, then `restore --database-url` (or,
 * `byHand`, not).
 */
function postgresBackups(databaseUrl: string, pgBin: string, byHand = false): Backups {
  let dump = '';
  return {
    databaseUrl,
    async take(relay) {
      dump = join(relay.dataDir, 'relay.dump');
      await run(join(pgBin, 'pg_dump'), ['-Fc', '-f', dump, databaseUrl]);
    },
    async restore(relay) {
      await run(join(pgBin, 'pg_restore'), ['--clean', '--if-exists', '--no-owner', '-d', databaseUrl, dump]);
      if (byHand) return null;
      // With the relay's data dir, as its config file gives it: the restore resets the mark there.
      return restoreCommand(['--database-url', databaseUrl, '--data-dir', relay.dataDir, '--port', String(relay.port)]);
    },
  };
}

async function everyMessageOnce(backups: Backups): Promise<void> {
  const anna = org.addUser('Anna');
  const ben = org.addUser('Ben');
  const carl = org.addUser('Carl');
  const annaDevice = org.addDevice(anna);
  const benDevice = org.addDevice(ben);
  const carlDevice = org.addDevice(carl);
  relay = await startTestRelay({
    org,
    mode: 'process',
    envelopeCheck: true,
    ...(backups.databaseUrl ? { databaseUrl: backups.databaseUrl } : {}),
  });
  let a = await world.workstation(org, relay.url, annaDevice);
  const b = await world.workstation(org, relay.url, benDevice);
  open.push(a, b);

  const channelId = await a.client.createChannel({
    kind: 'conversation',
    name: 'Station 4',
    memberUserIds: [ben, carl],
  });
  await a.client.sendMessage(channelId, 'vor der Sicherung');
  await eventually(async () => (await bodies(b, channelId)).includes('vor der Sicherung'), 10_000, 'first message');

  await backups.take(relay);

  await a.client.sendMessage(channelId, 'nach der Sicherung');
  await eventually(async () => (await bodies(b, channelId)).includes('nach der Sicherung'), 10_000, 'second message');
  await eventually(
    async () => (await a.store.messages.page(channelId)).every((m) => m.delivery === 'sent'),
    10_000,
    'sent',
  );

  // Both have read everything; Anna's workstation is off until Ben has written after the restore.
  await a.store.channels.markRead(channelId, Number.MAX_SAFE_INTEGER, Date.now());
  await b.store.channels.markRead(channelId, Number.MAX_SAFE_INTEGER, Date.now());
  const before = (await b.transport.readPage(channelId, 0, 1)).incarnation;
  open.splice(open.indexOf(a), 1);
  await a.shutdown();
  await relay.stop();
  const log = await backups.restore(relay);
  const restored = log?.find((l) => l.msg === 'relay restored');
  if (log) {
    expect(restored).toBeDefined();
    expect(restored!.previousIncarnation).toBe(before);
    expect(restored!.incarnation).not.toBe(before);
  }
  await relay.restart();

  await eventually(() => b.transport.state() === 'online', 15_000, 'reconnected');
  await b.client.sendMessage(channelId, 'Ben nach der Wiederherstellung');
  await eventually(
    async () => (await b.store.messages.page(channelId)).every((m) => m.delivery === 'sent'),
    10_000,
    'ben: sent after the restore',
  );
  // The relay must not give Ben's new message a seq Anna has seen (her 'nach der Sicherung' was
  // lost with it): there it counted as read and sorted among the old ones.
  a = await world.workstation(org, relay.url, annaDevice);
  open.push(a);
  await eventually(
    async () => (await bodies(a, channelId)).includes('Ben nach der Wiederherstellung'),
    15_000,
    "anna has Ben's",
  );
  const annaSummary = (await a.store.channels.listFor(anna)).find((c) => c.channelId === channelId);
  expect(annaSummary?.unreadCount).toBe(1);
  await a.client.sendMessage(channelId, 'nach der Wiederherstellung');

  const all = [
    'vor der Sicherung',
    'nach der Sicherung',
    'nach der Wiederherstellung',
    'Ben nach der Wiederherstellung',
  ];
  const sorted = [...all].sort();
  await eventually(
    async () => (await bodies(b, channelId)).length === 4 && (await bodies(a, channelId)).length === 4,
    15_000,
    'both have four',
  );
  expect((await bodies(b, channelId)).sort()).toEqual(sorted);
  expect((await bodies(a, channelId)).sort()).toEqual(sorted);
  // Ben keeps what he had where it was; what came after the restore follows it, and Anna's new one is unread.
  expect(await bodies(b, channelId)).toEqual(
    all.slice(0, 2).concat('Ben nach der Wiederherstellung', 'nach der Wiederherstellung'),
  );
  expect((await b.store.channels.listFor(ben)).find((c) => c.channelId === channelId)?.unreadCount).toBe(1);

  // Carl's device connects for the first time: the relay lost "nach der Sicherung", Anna sent it again.
  const c = await world.workstation(org, relay.url, carlDevice);
  open.push(c);
  await eventually(async () => (await bodies(c, channelId)).length >= 4, 15_000, 'carl has four');
  expect((await bodies(c, channelId)).sort()).toEqual(sorted);

  // Shown as sent: each is in the restored relay's store, once.
  await eventually(
    async () => (await a.store.messages.page(channelId)).every((m) => m.delivery === 'sent'),
    10_000,
    'anna: all sent',
  );
  await eventually(
    async () => (await b.store.messages.page(channelId)).every((m) => m.delivery === 'sent'),
    10_000,
    'ben: all sent',
  );
  // Once each on the relay, too.
  const stored = await b.transport.readPage(channelId, 0, 100);
  expect(stored.events.length).toBeGreaterThanOrEqual(4);
  // The seqs the restore skipped are declared gone on the page, one range right above the restore point.
  expect(stored.gone).toHaveLength(1);
  expect(stored.gone![0]!.to - stored.gone![0]!.from + 1).toBeGreaterThanOrEqual(1_000_000);
  expect(stored.events.filter((e) => e.seq >= stored.gone![0]!.from).every((e) => e.seq > stored.gone![0]!.to)).toBe(
    true,
  );
  expect(stored.incarnation).not.toBe(before);
  if (restored) expect(stored.incarnation).toBe(restored.incarnation);
}

// Three workstations and two relay processes take about 20 s on an idle machine; on a busy one more.
const SLOW = 90_000;

// Each test starts relay processes, runs the restore command and three workstations: about 20 s
// alone, past the default 30 s on a busy machine.
describe('relay restored from a backup (relay as a process)', { timeout: 90_000 }, () => {
  it(
    'SQLite: every message sent before and after the restore reaches every member exactly once',
    () => everyMessageOnce(sqliteBackups()),
    SLOW,
  );
  it(
    'SQLite, backup copied over relay.db by hand without `restore`: every message reaches every member exactly once',
    () => everyMessageOnce(sqliteBackupsByHand()),
    SLOW,
  );

  describe.skipIf(!postgresAvailable())('PostgreSQL', () => {
    let cluster: PgCluster;
    beforeAll(async () => {
      cluster = await startPostgres();
    });
    afterAll(async () => {
      await cluster?.stop();
    });
    it(
      'every message sent before and after the restore reaches every member exactly once',
      async () => {
        const root = '/usr/lib/postgresql';
        const pgBin =
          process.env.PG_BIN ?? join(root, (await run('ls', [root])).stdout.trim().split('\n').sort().at(-1)!, 'bin');
        await everyMessageOnce(postgresBackups(await cluster.createDatabase(), pgBin));
      },
      SLOW,
    );
    it(
      'pg_restore without `restore`: every message reaches every member exactly once',
      async () => {
        const root = '/usr/lib/postgresql';
        const pgBin =
          process.env.PG_BIN ?? join(root, (await run('ls', [root])).stdout.trim().split('\n').sort().at(-1)!, 'bin');
        await everyMessageOnce(postgresBackups(await cluster.createDatabase(), pgBin, true));
      },
      SLOW,
    );
  });
});
