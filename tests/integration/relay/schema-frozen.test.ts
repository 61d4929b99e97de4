// Relay databases in clinics were created by the schema text written out twice, once per SQL
// dialect (frozen in tests/fixtures/relay/relay-schema-v110.ts). The migrations are now one typed
// description rendered for both (apps/relay/store/schema/ddl.ts, apps/relay/store/migrations/): a database
// created by the old text, at any of its versions, must open with the new code, keep its rows and
// end up with exactly the schema a fresh database gets.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migratePostgres, openPostgresStore, POSTGRES_SCHEMA_VERSION } from '../../../apps/relay/store/postgres.ts';
import { migrateSqlite, openSqliteStore, SQLITE_SCHEMA_VERSION } from '../../../apps/relay/store/sqlite.ts';
import type { RelayStore } from '../../../apps/relay/store/store.ts';
import { FROZEN_POSTGRES_MIGRATIONS, FROZEN_SQLITE_MIGRATIONS } from '../../fixtures/relay/relay-schema-v110.ts';
import { postgresAvailable, startPostgres, type PgCluster } from '../../harness/postgres.ts';

const FROZEN_VERSIONS = FROZEN_SQLITE_MIGRATIONS.map((m) => m.version);
/** The last version the frozen text knows; migrations after it exist only as descriptions. */
const FROZEN_LAST = FROZEN_VERSIONS.at(-1)!;
const HASH = 'ab'.repeat(32);

/** One row in every table of the v110 schema, `$n` placeholders; `yes` is true as the dialect stores it. */
function sampleRows(yes: unknown): Array<[string, unknown[]]> {
  return [
    [
      'INSERT INTO channel_heads (channel, head, head_at, floor, base) VALUES ($1, $2, $3, $4, $5)',
      ['chan0001', 4, 2000, 0, null],
    ],
    [
      'INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6)',
      ['chan0001', 1, 'evt00001', 'devaaaa01', Buffer.from([1, 2, 3]), 1000],
    ],
    [
      'INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6)',
      ['chan0001', 2, 'evt00002', 'devaaaa01', Buffer.from([4, 5]), 2000],
    ],
    ['INSERT INTO event_blobs VALUES ($1, $2, $3)', ['chan0001', 2, HASH]],
    ['INSERT INTO gone_ranges VALUES ($1, $2, $3)', ['chan0001', 3, 4]],
    [
      'INSERT INTO mailbox VALUES ($1, $2, $3, $4, $5)',
      ['devbbbb01', 'msg00001', 'devaaaa01', Buffer.from([9, 9]), 1500],
    ],
    [
      'INSERT INTO blobs (hash, size, received, complete, owner_device, refs, created_at, completed_at, generation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [HASH, 3, 3, yes, 'devaaaa01', 1, 1000, 1100, 7],
    ],
    ['INSERT INTO blob_chunks VALUES ($1, $2, $3)', [HASH, 0, Buffer.from([7, 8, 9])]],
    [
      'INSERT INTO directory (type, subject, dedupe_key, json) VALUES ($1, $2, $3, $4)',
      ['org_root', 'orgtest01', 'org_root:orgtest01', '{"type":"org_root"}'],
    ],
    ['INSERT INTO enrolments_burnt VALUES ($1, $2)', ['enr000001', 'devbbbb01']],
    ['INSERT INTO relay_meta VALUES ($1, $2)', ['frozen_test', 'kept']],
    ['INSERT INTO device_seen VALUES ($1, $2, $3, $4, $5)', ['devaaaa01', 3000, yes, 4, '2.3.0']],
    ['INSERT INTO channel_creations VALUES ($1, $2, $3)', ['devaaaa01', 'chan0001', 900]],
  ];
}

/** What the new code reads from the sample rows, and that it writes on from them. */
async function expectSampleServed(store: RelayStore): Promise<void> {
  expect((await store.page('chan0001', 0, 10)).map((e) => [e.seq, [...e.envelope]])).toEqual([
    [1, [1, 2, 3]],
    [2, [4, 5]],
  ]);
  expect(await store.goneRanges('chan0001', 0, 10)).toEqual([{ from: 3, to: 4 }]);
  expect((await store.append('chan0001', 'evt00001', 'devaaaa01', new Uint8Array([1, 2, 3]))).seq).toBe(1);
  const next = await store.append('chan0001', 'evt00005', 'devaaaa01', new Uint8Array([5]));
  expect(next.seq).toBe(5);
  expect(next.at).toBeGreaterThanOrEqual(2000);
  expect((await store.mailFetch('devbbbb01', 10)).map((m) => [m.messageId, [...m.payload]])).toEqual([
    ['msg00001', [9, 9]],
  ]);
  // The per-sender count the triggers keep: one waiting from devaaaa01, so a cap of 2 takes one more, not two.
  const quota = { perRecipient: 100, perSenderRecipient: 100, perSender: 2 };
  expect(await store.mailPut('devcccc01', 'msg00002', 'devaaaa01', new Uint8Array([1]), 4000, quota)).toBe(true);
  expect(await store.mailPut('devcccc01', 'msg00003', 'devaaaa01', new Uint8Array([1]), 4000, quota)).toBe(
    'sender_full',
  );
  expect(await store.mailAck('devbbbb01', ['msg00001'])).toBe(1);
  expect(await store.mailPut('devcccc01', 'msg00003', 'devaaaa01', new Uint8Array([1]), 4000, quota)).toBe(true);
  expect(await store.blobState(HASH)).toMatchObject({ size: 3, complete: true });
  expect([...(await store.blobRead(HASH, 0, 3))]).toEqual([7, 8, 9]);
  expect((await store.dirList(0, 10)).map((d) => [d.pos, d.type])).toEqual([[1, 'org_root']]);
  expect(await store.dirPut('user', 'usr000001', 'user:usr000001', '{"type":"user"}')).toEqual({
    pos: 2,
    duplicate: false,
  });
  expect(await store.burnEnrolment('enr000001', 'devbbbb01')).toBe(false);
  expect(await store.metaGet('frozen_test')).toBe('kept');
  expect(await store.channelsCreatedSince('devaaaa01', 0)).toBe(1);
  expect(await store.seenDevices()).toEqual([
    { deviceId: 'devaaaa01', lastSeenAt: 3000, online: true, protocol: 4, appVersion: '2.3.0' },
  ]);
}

describe('relay SQLite databases made by the frozen schema text', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-frozen-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const frozen = (file: string, upTo: number) => {
    const db = new Database(file);
    for (const m of FROZEN_SQLITE_MIGRATIONS.filter((f) => f.version <= upTo)) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    return db;
  };
  const schemaOf = (db: Database.Database) =>
    (
      db
        .prepare(
          "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .all() as Array<Record<string, string | null>>
    ).map((r) => ({ ...r, sql: (r.sql ?? '').replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim() }));

  it('the description renders the frozen schema exactly, up to the frozen version', () => {
    expect(SQLITE_SCHEMA_VERSION).toBeGreaterThanOrEqual(FROZEN_LAST);
    const fresh = new Database(':memory:');
    migrateSqlite(fresh, FROZEN_LAST);
    const old = frozen(':memory:', FROZEN_LAST);
    expect(schemaOf(fresh)).toEqual(schemaOf(old));
    expect(schemaOf(fresh).length).toBeGreaterThan(20);
  });

  it.each(FROZEN_VERSIONS)('a database at frozen version %i migrates to what a fresh one has', (version) => {
    const db = frozen(join(dir, `v${version}.db`), version);
    migrateSqlite(db);
    expect(Number(db.pragma('user_version', { simple: true }))).toBe(SQLITE_SCHEMA_VERSION);
    const fresh = new Database(':memory:');
    migrateSqlite(fresh);
    expect(schemaOf(db)).toEqual(schemaOf(fresh));
  });

  it('a frozen v110 database with a row in every table opens, serves them and writes on', async () => {
    const file = join(dir, 'relay.db');
    const db = frozen(file, FROZEN_LAST);
    for (const [sql, params] of sampleRows(1)) db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
    db.close();
    const store = openSqliteStore(file);
    try {
      await expectSampleServed(store);
    } finally {
      await store.close();
    }
  });
});

describe.runIf(postgresAvailable())('relay PostgreSQL databases made by the frozen schema text', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  /** A database as the old migratePostgres left it at `upTo`: the frozen scripts and their relay_schema rows. */
  async function frozen(upTo: number): Promise<{ url: string; client: pg.Client }> {
    const url = await cluster.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER NOT NULL)');
    for (const m of FROZEN_POSTGRES_MIGRATIONS.filter((f) => f.version <= upTo)) {
      await client.query(m.sql);
      await client.query('INSERT INTO relay_schema (version) VALUES ($1)', [m.version]);
    }
    return { url, client };
  }
  async function fresh(upTo = POSTGRES_SCHEMA_VERSION): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: await cluster.createDatabase() });
    await client.connect();
    await migratePostgres(client, upTo);
    return client;
  }
  /** Tables and columns with types, nullability and defaults; indexes; triggers; trigger functions. */
  async function schemaOf(client: pg.Client): Promise<unknown> {
    const q = async (sql: string) => (await client.query(sql)).rows as unknown[];
    return {
      columns: await q(
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
      ),
      indexes: await q(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
      ),
      triggers: await q(
        'SELECT tgname, pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname',
      ),
      functions: (
        (await q(
          "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname",
        )) as Array<{ proname: string; prosrc: string }>
      ).map((f) => ({ ...f, prosrc: f.prosrc.replace(/\s+/g, ' ').trim() })),
    };
  }

  it('the description renders the frozen schema exactly, up to the frozen version', async () => {
    expect(POSTGRES_SCHEMA_VERSION).toBeGreaterThanOrEqual(FROZEN_LAST);
    const { client: old } = await frozen(FROZEN_LAST);
    const created = await fresh(FROZEN_LAST);
    try {
      expect(await schemaOf(created)).toEqual(await schemaOf(old));
    } finally {
      await Promise.all([old.end(), created.end()]);
    }
  });

  it('a database at each frozen version migrates to what a fresh one has', async () => {
    const created = await fresh();
    const want = await schemaOf(created);
    await created.end();
    for (const version of FROZEN_VERSIONS) {
      const { client } = await frozen(version);
      try {
        await migratePostgres(client);
        expect(await schemaOf(client), `from ${version}`).toEqual(want);
        expect((await client.query('SELECT max(version) AS v FROM relay_schema')).rows[0]).toEqual({
          v: POSTGRES_SCHEMA_VERSION,
        });
      } finally {
        await client.end();
      }
    }
  }, 120_000);

  it('a frozen v110 database with a row in every table opens, serves them and writes on', async () => {
    const { url, client } = await frozen(FROZEN_LAST);
    try {
      for (const [sql, params] of sampleRows(true)) await client.query(sql, params);
    } finally {
      await client.end();
    }
    const store = await openPostgresStore(url);
    try {
      await expectSampleServed(store);
    } finally {
      await store.close();
    }
  });
});
