// The relay's SQLite schema: migrations run forward from any older version, a newer database is
// refused, and the hot queries use their indexes (EXPLAIN QUERY PLAN).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateSqlite, openSqliteStore, SQLITE_SCHEMA_VERSION } from '../../../server/store/sqlite.ts';

describe('relay SQLite schema', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-schema-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates a fresh file to the current version and refuses a newer one', async () => {
    const file = join(dir, 'relay.db');
    const store = openSqliteStore(file);
    await store.append('chan0001', 'evt00001', 'dev00001', new Uint8Array([1]));
    await store.close();
    const db = new Database(file);
    expect(Number(db.pragma('user_version', { simple: true }))).toBe(SQLITE_SCHEMA_VERSION);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 10}`);
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/newer/);
  });

  it('runs 0020 and later on a 0010 database, keeping its events', () => {
    const db = new Database(join(dir, 'old.db'));
    migrateSqlite(db);
    db.exec('DROP INDEX events_by_time; DROP TABLE relay_meta');
    db.pragma('user_version = 10');
    db.prepare("INSERT INTO events VALUES ('chan0001', 1, 'evt00001', 'dev00001', x'01', 5)").run();
    migrateSqlite(db);
    expect(Number(db.pragma('user_version', { simple: true }))).toBe(SQLITE_SCHEMA_VERSION);
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    db.close();
  });

  it('serves the hot queries from indexes', () => {
    const db = new Database(join(dir, 'plan.db'));
    migrateSqlite(db);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    // page: the primary key (channel, seq)
    expect(plan("SELECT seq, envelope FROM events WHERE channel = 'c' AND seq > 5 ORDER BY seq LIMIT 100")).toMatch(
      /USING INDEX sqlite_autoindex_events_1|USING PRIMARY KEY/,
    );
    // publish retry
    expect(plan("SELECT seq FROM events WHERE channel = 'c' AND client_event_id = 'e'")).toMatch(/events_client_id/);
    // retention
    expect(plan('DELETE FROM events WHERE stored_at < 5')).toMatch(/events_by_time/);
    // mailbox fetch
    expect(
      plan("SELECT message_id FROM mailbox WHERE to_device = 'd' ORDER BY stored_at, message_id LIMIT 10"),
    ).toMatch(/mailbox_by_time|sqlite_autoindex_mailbox/);
    db.close();
  });
});
