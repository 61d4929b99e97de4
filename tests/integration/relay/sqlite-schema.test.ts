// The relay's SQLite schema: migrations run forward from any older version, a newer database is
// refused, and the hot queries use their indexes (EXPLAIN QUERY PLAN).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateSqlite, openSqliteStore, SQLITE_SCHEMA_VERSION } from '../../../apps/relay/store/sqlite.ts';

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
    migrateSqlite(db, 10);
    expect(Number(db.pragma('user_version', { simple: true }))).toBe(10);
    db.prepare("INSERT INTO events VALUES ('chan0001', 1, 'evt00001', 'dev00001', x'01', 5)").run();
    db.prepare("INSERT INTO channel_heads VALUES ('chan0001', 1)").run();
    migrateSqlite(db);
    expect(Number(db.pragma('user_version', { simple: true }))).toBe(SQLITE_SCHEMA_VERSION);
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 1 });
    // 0040: the head remembers its event's relay time, so the next one is never stamped earlier.
    expect(db.prepare("SELECT head, head_at FROM channel_heads WHERE channel = 'chan0001'").get()).toEqual({
      head: 1,
      head_at: 5,
    });
    db.close();
  });

  it('stamps after a relay time that lies ahead of the clock (a clock stepped back), never before it', async () => {
    const file = join(dir, 'ahead.db');
    const store = openSqliteStore(file);
    const first = await store.append('chan0001', 'evt00001', 'dev00001', new Uint8Array([1]));
    await store.close();
    const ahead = first.at + 3_600_000;
    const db = new Database(file);
    db.prepare("UPDATE channel_heads SET head_at = ? WHERE channel = 'chan0001'").run(ahead);
    db.close();
    const reopened = openSqliteStore(file);
    const second = await reopened.append('chan0001', 'evt00002', 'dev00001', new Uint8Array([2]));
    expect(second.at).toBe(ahead);
    expect((await reopened.page('chan0001', 1, 1))[0]!.at).toBe(ahead);
    await reopened.close();
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
    // presence upsert: the primary key
    expect(plan("SELECT last_seen_at FROM device_seen WHERE device_id = 'd'")).toMatch(
      /PRIMARY KEY|sqlite_autoindex_device_seen/,
    );
    // mailbox cap per sender, at every put inside the write lock: one row, not the sender's items
    // (a flooder at 50,000 made each put count them: about 3.6 ms of a blocked event loop)
    expect(plan("SELECT waiting FROM mail_senders WHERE from_device = 'd'")).toMatch(
      /PRIMARY KEY|sqlite_autoindex_mail_senders/,
    );
    db.close();
  });

  it('0090 counts the mail a sender already has waiting toward its cap, and the count follows puts and acks', async () => {
    const file = join(dir, 'mail.db');
    const db = new Database(file);
    migrateSqlite(db, 80);
    const insert = db.prepare("INSERT INTO mailbox VALUES (?, ?, 'devsendr', x'01', 5)");
    for (const [to, id] of [
      ['devbbbbb', 'msg00001'],
      ['devccccc', 'msg00002'],
    ])
      insert.run(to, id);
    db.close();
    const store = openSqliteStore(file);
    const cap = { perRecipient: 100, perSenderRecipient: 100, perSender: 3 };
    const put = (to: string, id: string) => store.mailPut(to, id, 'devsendr', new Uint8Array([1]), Date.now(), cap);
    expect(await put('devddddd', 'msg00003')).toBe(true);
    expect(await put('deveeeee', 'msg00004')).toBe('sender_full');
    await store.mailAck('devbbbbb', ['msg00001']);
    expect(await put('deveeeee', 'msg00004')).toBe(true);
    await store.close();
  });
});
