// `node apps/relay/main.ts export-records --out <file> [flags]`: every signed directory record the
// relay holds (organisation root, users, devices, rosters, revocations...), in directory order,
// as the JSON array `--import-records` admits. With the organisation key from the log line
// `organisation`, it sets up another relay database for the same organisation (a move from
// SQLite to PostgreSQL, a rebuilt machine) without the first-run code (docs/operations.md).
// Reads only: it may run beside a serving relay. The file holds display names, wards and member
// lists in plain text, so it is written 0600.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayConfig } from './config.ts';
import type { RelayLog } from './log.ts';
import { openPostgresStore } from './store/postgres.ts';
import { openSqliteStore } from './store/sqlite.ts';
import type { RelayStore } from './store/store.ts';

const PAGE = 1_000;

export async function exportRecords(config: RelayConfig, out: string, log: RelayLog): Promise<number> {
  let store: RelayStore;
  if (config.databaseUrl) store = await openPostgresStore(config.databaseUrl, { poolSize: 1 });
  else {
    const file = join(config.dataDir, 'relay.db');
    if (!existsSync(file)) throw new Error(`export-records: no ${file}; give the relay's --data-dir or --config`);
    store = openSqliteStore(file);
  }
  try {
    const records: unknown[] = [];
    for (let after = 0; ;) {
      const page = await store.dirList(after, PAGE);
      for (const entry of page) records.push(JSON.parse(entry.json));
      if (page.length < PAGE) break;
      after = page.at(-1)!.pos;
    }
    writeFileSync(out, `${JSON.stringify(records)}\n`, { mode: 0o600 });
    log.info('records exported', { records: records.length, file: out });
    return records.length;
  } finally {
    await store.close();
  }
}
