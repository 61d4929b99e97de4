// Declared history start, incarnation and restore points behave the same on both relay stores,
// and "restore" is what the backup tools give back: an SQLite online backup file, a pg_dump
// restored with pg_restore, each followed by `node apps/relay/main.ts restore`.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres, openPostgresStore } from '../../../apps/relay/store/postgres.ts';
import { migrateSqlite, openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import type { RelayStore } from '../../../apps/relay/store/store.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bytes = (text: string) => new TextEncoder().encode(text);
const relayCli = (...args: string[]) => run(process.execPath, [join(repoRoot, 'apps', 'relay', 'main.ts'), ...args]);

async function fill(store: RelayStore, channel: string, n: number): Promise<number[]> {
  const ats: number[] = [];
  for (let i = 1; i <= n; i++)
    ats.push((await store.append(channel, `evt${channel}${String(i).padStart(4, '0')}`, 'dev00001', bytes(`${i}`))).at);
  return ats;
}

function historyContract(name: string, open: () => Promise<{ store: RelayStore; reopen: () => Promise<RelayStore> }>) {
  describe(`relay store history: ${name}`, () => {
    it('declares the history start after trim and retention; seqs go on; the head stays', async () => {
      const { store } = await open();
      try {
        await fill(store, 'chanhis1', 6);
        await fill(store, 'chanhis2', 2);
        expect(Object.fromEntries(await store.histories(['chanhis1', 'chanhis2', 'chanhis3']))).toEqual({
          chanhis1: { head: 6, historyStart: 1, base: null },
          chanhis2: { head: 2, historyStart: 1, base: null },
        });
        await store.trim('chanhis1', 2);
        expect((await store.histories(['chanhis1'])).get('chanhis1')).toMatchObject({ historyStart: 3 });
        // Trimming past the head declares no seq that was never given.
        await store.trim('chanhis2', 99);
        expect((await store.histories(['chanhis2'])).get('chanhis2')).toEqual({ head: 2, historyStart: 3, base: null });
        const page = await store.page('chanhis1', 0, 10);
        // Appends can share a millisecond: everything accepted up to the second remaining event's time goes.
        const expired = page.filter((e) => e.at <= page[1]!.at);
        expect(await store.expire(page[1]!.at + 1)).toMatchObject({ events: expired.length });
        expect((await store.histories(['chanhis1'])).get('chanhis1')).toEqual({
          head: 6,
          historyStart: expired.at(-1)!.seq + 1,
          base: null,
        });
        expect((await store.append('chanhis1', 'evtchanhis1new1', 'dev00001', bytes('n'))).seq).toBe(7);
      } finally {
        await store.close();
      }
    });

    it('keeps its incarnation across a reopen; a restore makes a new one and lowers restore points to the heads', async () => {
      const { store: first, reopen } = await open();
      await fill(first, 'chaninc1', 3);
      const incarnation = first.incarnation();
      expect(incarnation).toMatch(/^[A-Za-z0-9_-]{16}$/);
      await first.close();
      let store = await reopen();
      try {
        expect(store.incarnation()).toBe(incarnation);
        const second = await store.markRestored({ jump: 1000, atLeast: 0 });
        expect(second).not.toBe(incarnation);
        expect(store.incarnation()).toBe(second);
        // Seqs jump past anything the lost state could have handed out; the skipped ones are gone.
        expect((await store.histories(['chaninc1'])).get('chaninc1')).toEqual({ head: 1003, historyStart: 1, base: 3 });
        expect(await store.goneRanges('chaninc1', 0, 5000)).toEqual([{ from: 4, to: 1003 }]);
        // A channel the restored database does not have may have had seqs before the restore too
        // (created after the backup): its first seq comes after every jump so far.
        await fill(store, 'chaninc2', 1);
        expect((await store.histories(['chaninc2'])).get('chaninc2')).toEqual({ head: 1001, historyStart: 1, base: 0 });
        expect(await store.goneRanges('chaninc2', 0, 1001)).toEqual([{ from: 1, to: 1000 }]);
        expect((await store.append('chaninc1', 'evtchaninc1more', 'dev00001', bytes('m'))).seq).toBe(1004);
        await store.markRestored({ jump: 10, atLeast: 0 });
        // The lowest point over both restores stays (a device from before the first one shares no more).
        expect(Object.fromEntries(await store.histories(['chaninc1', 'chaninc2']))).toEqual({
          chaninc1: { head: 1014, historyStart: 1, base: 3 },
          chaninc2: { head: 1011, historyStart: 1, base: 0 },
        });
        expect((await store.append('chaninc3', 'evtchaninc3first', 'dev00001', bytes('f'))).seq).toBe(1011);
        // Only the ranges that meet (after, upTo] are declared.
        expect(await store.goneRanges('chaninc1', 0, 5000)).toEqual([
          { from: 4, to: 1003 },
          { from: 1005, to: 1014 },
        ]);
        expect(await store.goneRanges('chaninc1', 1003, 1004)).toEqual([]);
        expect(await store.goneRanges('chaninc1', 1004, 1005)).toEqual([{ from: 1005, to: 1014 }]);
        expect(await store.goneRanges('chaninc2', 0, 2000)).toEqual([
          { from: 1, to: 1000 },
          { from: 1002, to: 1011 },
        ]);
        expect(await store.goneRanges('chaninc3', 0, 2000)).toEqual([{ from: 1, to: 1010 }]);
        expect(await store.goneRanges('chaninc4', 0, 2000)).toEqual([]);
        // With the mark's highest seq known, every channel moves above it, not by a sum over channels:
        // restoring an old backup again and again grows seqs by the margin, never past safe integers.
        expect(await store.seqHigh()).toBe(1014);
        await store.markRestored({ jump: 10, atLeast: 5000 });
        expect(Object.fromEntries(await store.histories(['chaninc1', 'chaninc3']))).toEqual({
          chaninc1: { head: 5000, historyStart: 1, base: 3 },
          chaninc3: { head: 5000, historyStart: 1, base: 0 },
        });
        expect(await store.goneRanges('chaninc1', 1014, 6000)).toEqual([{ from: 1015, to: 5000 }]);
        expect((await store.append('chaninc5', 'evtchaninc5first', 'dev00001', bytes('f'))).seq).toBe(5001);
        expect(await store.seqHigh()).toBe(5001);
        await store.close();
        store = await reopen();
        expect(store.incarnation()).not.toBe(incarnation);
      } finally {
        await store.close();
      }
    });
  });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kf-history-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
historyContract('sqlite', async () => {
  const file = join(dir, `relay-${++n}.db`);
  return { store: openSqliteStore(file), reopen: async () => openSqliteStore(file) };
});

describe('relay restore on SQLite', () => {
  it('a database from before migration 80 declares what retention had deleted', async () => {
    const file = join(dir, 'old.db');
    const db = new Database(file);
    migrateSqlite(db, 70);
    db.exec(`INSERT INTO channel_heads (channel, head, head_at) VALUES ('chanold1', 5, 9), ('chanold2', 2, 9);
      INSERT INTO events VALUES ('chanold1', 4, 'e4', 'dev00001', x'01', 8), ('chanold1', 5, 'e5', 'dev00001', x'02', 9);`);
    db.close();
    const store = openSqliteStore(file);
    expect(Object.fromEntries(await store.histories(['chanold1', 'chanold2']))).toEqual({
      chanold1: { head: 5, historyStart: 4, base: null },
      chanold2: { head: 2, historyStart: 3, base: null },
    });
    await store.close();
  });

  it('`relay restore --from` puts the online backup in place with a new incarnation; a plain restart keeps it', async () => {
    const dataDir = join(dir, 'data');
    const live = join(dataDir, 'relay.db');
    await run('mkdir', ['-p', dataDir]);
    let store = openSqliteStore(live);
    await fill(store, 'chanbak1', 2);
    const before = store.incarnation();
    await run('sqlite3', [live, `.backup '${join(dir, 'backup.db')}'`]);
    await fill(store, 'chanbak2', 1);
    await store.append('chanbak1', 'evtafterbackup', 'dev00001', bytes('x'));
    await store.close();

    await relayCli('restore', '--from', join(dir, 'backup.db'), '--data-dir', dataDir);
    store = openSqliteStore(live);
    expect(store.incarnation()).not.toBe(before);
    expect(Object.fromEntries(await store.histories(['chanbak1', 'chanbak2']))).toEqual({
      chanbak1: { head: 1_000_002, historyStart: 1, base: 2 },
    });
    // No high-water mark in this data dir: the fixed jump (RESTORE_JUMP).
    expect(await store.goneRanges('chanbak1', 0, 2_000_000)).toEqual([{ from: 3, to: 1_000_002 }]);
    const after = store.incarnation();
    await store.close();
    store = openSqliteStore(live);
    expect(store.incarnation()).toBe(after);
    await store.close();
  });

  it('refuses --from outside the restore command, a restore without a backup or database, and one while a relay listens', async () => {
    await expect(relayCli('--from', 'x.db', '--data-dir', join(dir, 'none'))).rejects.toMatchObject({ code: 2 });
    await expect(relayCli('restore', '--data-dir', join(dir, 'none'))).rejects.toMatchObject({ code: 1 });
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const refused = relayCli(
        'restore',
        '--from',
        join(dir, 'backup.db'),
        '--data-dir',
        join(dir, 'data'),
        '--port',
        String(port),
      );
      await expect(refused).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('stop every relay process first'),
      });
    } finally {
      server.close();
    }
    // Three relay processes one after the other (about 5 s each alone, far more on a busy machine).
  }, 90_000);
});

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  historyContract('postgres', async () => {
    const url = await cluster.createDatabase();
    return {
      store: await openPostgresStore(url, { poolSize: 4 }),
      reopen: () => openPostgresStore(url, { poolSize: 4 }),
    };
  });

  it('a database from before migration 80 declares what retention had deleted', async () => {
    const url = await cluster.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await migratePostgres(client, 70);
    await client.query(
      `INSERT INTO channel_heads (channel, head, head_at) VALUES ('chanold1', 5, 9), ('chanold2', 2, 9)`,
    );
    await client.query(
      `INSERT INTO events VALUES ('chanold1', 4, 'e4', 'dev00001', '\\x01', 8), ('chanold1', 5, 'e5', 'dev00001', '\\x02', 9)`,
    );
    await client.end();
    const store = await openPostgresStore(url);
    expect(Object.fromEntries(await store.histories(['chanold1', 'chanold2']))).toEqual({
      chanold1: { head: 5, historyStart: 4, base: null },
      chanold2: { head: 2, historyStart: 3, base: null },
    });
    await store.close();
  });

  it('pg_dump, pg_restore into a new database, `relay restore`: a new incarnation with restore points', async () => {
    const url = await cluster.createDatabase();
    let store = await openPostgresStore(url);
    await fill(store, 'chanpg01', 2);
    const before = store.incarnation();
    const dump = join(dir, 'relay.dump');
    const bin = '/usr/lib/postgresql';
    const pgBin =
      process.env.PG_BIN ?? join(bin, (await run('ls', [bin])).stdout.trim().split('\n').sort().at(-1)!, 'bin');
    await run(join(pgBin, 'pg_dump'), ['-Fc', '-f', dump, url]);
    await fill(store, 'chanpg02', 1);
    await store.close();

    const restoredUrl = await cluster.createDatabase();
    await run(join(pgBin, 'pg_restore'), ['--no-owner', '-d', restoredUrl, dump]);
    // The data dir gets the relay's high-water mark (apps/relay/high-water.ts); not the working folder.
    await relayCli('restore', '--database-url', restoredUrl, '--data-dir', join(dir, 'pgdata'));
    store = await openPostgresStore(restoredUrl);
    expect(store.incarnation()).not.toBe(before);
    expect(Object.fromEntries(await store.histories(['chanpg01', 'chanpg02']))).toEqual({
      chanpg01: { head: 1_000_002, historyStart: 1, base: 2 },
    });
    expect(await store.goneRanges('chanpg01', 0, 2_000_000)).toEqual([{ from: 3, to: 1_000_002 }]);
    await store.close();
  });
});
