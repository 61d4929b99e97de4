// Reads every table of a decrypted profile store (FTS5 shadow tables included) and reports where
// a word still occurs: the check that a deleted or edited text is gone from the device.
import type { Db } from '../../../apps/desktop/electron/core/store/database.ts';

/** Tables and columns whose values contain `word` (case-insensitive; blobs as raw bytes). */
export function findInStore(db: Db, word: string): string[] {
  const needle = word.toLowerCase();
  const bytes = Buffer.from(needle, 'utf8');
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[];
  const hits: string[] = [];
  for (const table of tables) {
    // The FTS5 tables themselves are views over their content table; their shadow tables hold the index.
    const sqlText = db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(table) as string | null;
    if (sqlText?.startsWith('CREATE VIRTUAL TABLE')) continue;
    for (const row of db.prepare(`SELECT * FROM "${table}"`).iterate() as Iterable<Record<string, unknown>>) {
      for (const [column, value] of Object.entries(row)) {
        const found =
          typeof value === 'string'
            ? value.toLowerCase().includes(needle)
            : Buffer.isBuffer(value)
              ? Buffer.from(value).toString('latin1').toLowerCase().includes(bytes.toString('latin1'))
              : false;
        if (found) hits.push(`${table}.${column}`);
      }
    }
  }
  return [...new Set(hits)];
}
