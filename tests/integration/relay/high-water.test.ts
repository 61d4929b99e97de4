// The relay's high-water mark beside its database (apps/relay/high-water.ts), on both stores: a
// database put back to an older state without `relay restore` (an SQLite backup copied over
// relay.db; pg_restore --clean) is marked restored at the next start, by itself and loudly; a
// plain restart, a new database without a mark, and `relay restore` are left alone.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkHighWater, HIGH_WATER_FILE, keepHighWater } from '../../../apps/relay/high-water.ts';
import { createRelayLog } from '../../../apps/relay/log.ts';
import { openPostgresStore } from '../../../apps/relay/store/postgres.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import { RESTORE_JUMP, type RelayStore } from '../../../apps/relay/store/store.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bytes = (text: string) => new TextEncoder().encode(text);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kf-high-water-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fill(store: RelayStore, channel: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++)
    await store.append(channel, `evt${channel}${i}${Math.random()}`, 'dev00001', bytes(`${i}`));
}

function capturingLog() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, log: createRelayLog((line) => lines.push(JSON.parse(line) as Record<string, unknown>), 'debug') };
}

const markIn = async (dataDir: string) =>
  JSON.parse(await readFile(join(dataDir, HIGH_WATER_FILE), 'utf8')) as {
    logHigh: number;
    seqHigh?: number;
    incarnation: string;
  };

interface Db {
  dataDir: string;
  open(): Promise<RelayStore>;
  /** A backup of the database as it is now (the store open). */
  backup(): Promise<void>;
  /** Puts the backup back by hand (the store closed), without `relay restore`. */
  putBack(): Promise<void>;
  /** Runs `node apps/relay/main.ts restore` with the relay's data dir (the store closed). */
  restoreCommand(): Promise<void>;
}

/** Start as main.ts does it: check, then keep; returns the keeper. */
async function start(store: RelayStore, dataDir: string, log = capturingLog().log, everyMs = 60_000) {
  return keepHighWater(store, dataDir, log, await checkHighWater(store, dataDir, log), everyMs);
}

function highWaterContract(name: string, make: () => Promise<Db>) {
  describe(`relay high-water mark: ${name}`, () => {
    it('a new database without a mark starts as it is; a clean stop writes the mark exactly', async () => {
      const db = await make();
      const store = await db.open();
      const incarnation = store.incarnation();
      const { lines, log } = capturingLog();
      const keeper = await start(store, db.dataDir, log);
      expect(store.incarnation()).toBe(incarnation);
      expect(await markIn(db.dataDir)).toEqual({ logHigh: 0, seqHigh: 0, incarnation });
      await fill(store, 'chanhw01', 3);
      await fill(store, 'chanhw02', 2);
      await keeper.stop();
      expect(await markIn(db.dataDir)).toEqual({ logHigh: 5, seqHigh: 3, incarnation });
      await store.close();
      expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([]);
    });

    it('writes the mark while running once the log grew', async () => {
      const db = await make();
      const store = await db.open();
      const keeper = await start(store, db.dataDir, capturingLog().log, 20);
      try {
        await fill(store, 'chanhw03', 4);
        await vi.waitFor(async () => expect((await markIn(db.dataDir)).logHigh).toBe(4), {
          timeout: 5_000,
          interval: 20,
        });
      } finally {
        await keeper.stop();
        await store.close();
      }
    });

    it('a database put back without `relay restore` is marked restored at start; a plain restart is not', async () => {
      const db = await make();
      let store = await db.open();
      let keeper = await start(store, db.dataDir);
      await fill(store, 'chanhw04', 2);
      await db.backup();
      await fill(store, 'chanhw04', 3);
      await fill(store, 'chanhw05', 1);
      const before = store.incarnation();
      await keeper.stop();
      await store.close();

      // A plain restart: same incarnation, no restore points.
      store = await db.open();
      keeper = await start(store, db.dataDir);
      expect(store.incarnation()).toBe(before);
      expect((await store.histories(['chanhw04'])).get('chanhw04')).toEqual({ head: 5, historyStart: 1, base: null });
      await keeper.stop();
      await store.close();

      await db.putBack();
      store = await db.open();
      expect(store.incarnation()).toBe(before);
      const { lines, log } = capturingLog();
      keeper = await start(store, db.dataDir, log);
      const restored = store.incarnation();
      expect(restored).not.toBe(before);
      expect(Object.fromEntries(await store.histories(['chanhw04', 'chanhw05']))).toEqual({
        chanhw04: { head: 1_000_005, historyStart: 1, base: 2 },
      });
      // The mark says no channel had gone past seq 5: seqs move past it and the fixed margin.
      expect(await store.goneRanges('chanhw04', 2, 3)).toEqual([{ from: 3, to: 1_000_005 }]);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'error',
          databaseLogHigh: 2,
          markLogHigh: 6,
          previousIncarnation: before,
          incarnation: restored,
        }),
      );
      expect(await markIn(db.dataDir)).toEqual({ logHigh: 1_000_005, seqHigh: 1_000_005, incarnation: restored });
      // Seqs go on above the jump, never again at one a device may have seen; the next start keeps the incarnation.
      expect((await store.append('chanhw04', 'evtafter', 'dev00001', bytes('n'))).seq).toBe(1_000_006);
      await keeper.stop();
      await store.close();
      store = await db.open();
      keeper = await start(store, db.dataDir);
      expect(store.incarnation()).toBe(restored);
      await keeper.stop();
      await store.close();
    });

    it('the same old backup put back twice: seqs pass everything handed out, growing by the margin, not by a sum over channels', async () => {
      const db = await make();
      const channels = Array.from({ length: 40 }, (_, i) => `chanhwm${String(i).padStart(2, '0')}`);
      let store = await db.open();
      let keeper = await start(store, db.dataDir);
      for (const c of channels) await fill(store, c, 1);
      await db.backup();
      await fill(store, 'chanhwm00', 2);
      await keeper.stop();
      await store.close();

      await db.putBack();
      store = await db.open();
      keeper = await start(store, db.dataDir);
      const handedOut = (await store.append('chanhwm01', 'evtfirstafter', 'dev00001', bytes('a'))).seq;
      expect(handedOut).toBeGreaterThan(3);
      await keeper.stop();
      await store.close();

      // The backup from before the first restore, again: it knows nothing of that restore.
      await db.putBack();
      store = await db.open();
      keeper = await start(store, db.dataDir);
      const heads = [...(await store.histories(channels)).values()].map((h) => h.head);
      expect(Math.min(...heads)).toBeGreaterThan(handedOut);
      // A sum over 40 channels would have moved them by some 40 million.
      expect(Math.max(...heads)).toBeLessThan(handedOut + 2 * RESTORE_JUMP);
      expect((await store.append('chanhwm01', 'evtsecondafter', 'dev00001', bytes('b'))).seq).toBeGreaterThan(
        handedOut,
      );
      await keeper.stop();
      await store.close();
    });

    it('after `relay restore` the relay starts on the restored incarnation without restoring again', async () => {
      const db = await make();
      let store = await db.open();
      let keeper = await start(store, db.dataDir);
      await fill(store, 'chanhw06', 1);
      await db.backup();
      await fill(store, 'chanhw06', 2);
      await keeper.stop();
      await store.close();

      await db.putBack();
      await db.restoreCommand();
      store = await db.open();
      const restored = store.incarnation();
      // The restore command read the relay's mark (seq 3 handed out, the backup has 1): seqs move past 3 and the margin.
      expect((await store.histories(['chanhw06'])).get('chanhw06')).toEqual({
        head: 1_000_003,
        historyStart: 1,
        base: 1,
      });
      const { lines, log } = capturingLog();
      keeper = await start(store, db.dataDir, log);
      expect(store.incarnation()).toBe(restored);
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
      await keeper.stop();
      await store.close();
    });

    it('an unreadable mark is reported and written anew; the relay starts', async () => {
      const db = await make();
      const store = await db.open();
      await fill(store, 'chanhw07', 2);
      await writeFile(join(db.dataDir, HIGH_WATER_FILE), '{"logHigh": "viel"}');
      const incarnation = store.incarnation();
      const { lines, log } = capturingLog();
      const keeper = await start(store, db.dataDir, log);
      expect(store.incarnation()).toBe(incarnation);
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 'warn', msg: expect.stringContaining('unreadable') }),
      );
      expect(await markIn(db.dataDir)).toEqual({ logHigh: 2, seqHigh: 2, incarnation });
      await keeper.stop();
      await store.close();
    });
  });
}

let n = 0;
const relayCli = (...args: string[]) => run(process.execPath, [join(repoRoot, 'apps', 'relay', 'main.ts'), ...args]);

highWaterContract('sqlite', async () => {
  const dataDir = join(dir, `sqlite-${++n}`);
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'relay.db');
  const backupFile = join(dir, `backup-${n}.db`);
  return {
    dataDir,
    open: async () => openSqliteStore(file),
    backup: async () => {
      await run('sqlite3', [file, `.backup '${backupFile}'`]);
    },
    putBack: () => copyFile(backupFile, file),
    restoreCommand: async () => {
      await relayCli('restore', '--data-dir', dataDir);
    },
  };
});

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  highWaterContract('postgres', async () => {
    const url = await cluster.createDatabase();
    const dataDir = join(dir, `pg-${++n}`);
    await mkdir(dataDir, { recursive: true });
    const dump = join(dir, `relay-${n}.dump`);
    const root = '/usr/lib/postgresql';
    const pgBin =
      process.env.PG_BIN ?? join(root, (await run('ls', [root])).stdout.trim().split('\n').sort().at(-1)!, 'bin');
    return {
      dataDir,
      open: () => openPostgresStore(url, { poolSize: 2 }),
      backup: async () => {
        await run(join(pgBin, 'pg_dump'), ['-Fc', '-f', dump, url]);
      },
      putBack: async () => {
        await run(join(pgBin, 'pg_restore'), ['--clean', '--if-exists', '--no-owner', '-d', url, dump]);
      },
      restoreCommand: async () => {
        await relayCli('restore', '--database-url', url, '--data-dir', dataDir);
      },
    };
  });
});
