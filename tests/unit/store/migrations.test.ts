import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEncryptedDatabase } from '../../../apps/desktop/electron/core/store/database.ts';
import {
  LATEST_VERSION,
  MIGRATIONS,
  migrate,
  schemaVersion,
} from '../../../apps/desktop/electron/core/store/migrations/index.ts';
import { randomKey, tempDir } from './helpers.ts';

/** Plan rows that read a whole table (FTS virtual-table scans use their own index and are fine). */
function fullScans(plan: Array<{ detail: string }>): string[] {
  return plan.map((r) => r.detail).filter((d) => /^SCAN /.test(d) && !/VIRTUAL TABLE|USING (COVERING )?INDEX/.test(d));
}

describe('migrations', () => {
  it('the plan check catches a full scan (control)', () => {
    const db = openEncryptedDatabase(join(tempDir(), 'store.db'), randomKey(), { create: true });
    migrate(db);
    expect(
      fullScans(
        db.prepare('EXPLAIN QUERY PLAN SELECT * FROM messages WHERE body = ?').all('x') as Array<{ detail: string }>,
      ),
    ).not.toEqual([]);
    db.close();
  });

  it('versions are increasing, numbered with gaps', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    // Multiples of 5 (0095 slots in beside parallel work), so there is always room between two.
    expect(versions.every((v) => v % 5 === 0)).toBe(true);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it.each(MIGRATIONS.map((m, i) => [`${m.version}-${m.name}`, i] as const))(
    '%s: migrates a database at the previous version, keeps its data, serves its hot queries by index',
    (_name, i) => {
      const migration = MIGRATIONS[i]!;
      const db = openEncryptedDatabase(join(tempDir(), 'store.db'), randomKey(), { create: true });
      const previous = i === 0 ? 0 : MIGRATIONS[i - 1]!.version;
      // Sample data of every earlier migration, each written at its own version (a later one may
      // drop its table: 0190 drops the drafts 0060 wrote) and carried through the ones after it.
      for (const earlier of MIGRATIONS.slice(0, i)) {
        migrate(db, earlier.version);
        earlier.sample?.(db);
      }
      expect(schemaVersion(db)).toBe(previous);
      // FTS5 indexes and their shadow tables are derived data (and a migration may set an index option, a row in %_config).
      const fts = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE %'`)
        .pluck()
        .all() as string[];
      const tables = (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Array<{
          name: string;
        }>
      )
        .map((t) => t.name)
        .filter((name) => !fts.some((v) => name === v || name.startsWith(`${v}_`)));
      const counts = Object.fromEntries(
        tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n]),
      );

      migrate(db, migration.version);
      expect(schemaVersion(db)).toBe(migration.version);
      const dropped = migration.drops ?? [];
      for (const table of dropped) expect(tables, `${table} existed before`).toContain(table);
      const left = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
      for (const table of dropped) expect(left, `${table} dropped`).not.toContain(table);
      for (const [table, n] of Object.entries(counts)) {
        if (dropped.includes(table)) continue;
        const after = (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
        if (migration.fills?.includes(table)) expect(after, table).toBeGreaterThanOrEqual(n);
        else expect(after, table).toBe(n);
      }
      migration.sample?.(db);
      for (const query of migration.hotQueries) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as Array<{ detail: string }>;
        expect(fullScans(plan), `${query.name}: ${plan.map((p) => p.detail).join(' | ')}`).toEqual([]);
      }
      db.close();
    },
  );

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const path = join(tempDir(), 'store.db');
    const key = randomKey();
    const db = openEncryptedDatabase(path, key, { create: true });
    migrate(db);
    db.pragma(`user_version = ${LATEST_VERSION + 10}`);
    expect(() => migrate(db)).toThrow(expect.objectContaining({ code: 'newer_version' }));
    expect(schemaVersion(db)).toBe(LATEST_VERSION + 10);
    db.close();
  });

  it('a migration that fails leaves the database at the previous version', () => {
    const db = openEncryptedDatabase(join(tempDir(), 'store.db'), randomKey(), { create: true });
    migrate(db, 30);
    db.exec('CREATE TABLE messages (x)'); // collides with what 0040 creates
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(30);
    db.close();
  });
});
