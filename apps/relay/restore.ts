// `node apps/relay/main.ts restore ...`: the second half of restoring the relay from a backup. The
// backup brings back an older state, whose seqs devices may already have seen with other events
// behind them; this step gives the database a new incarnation, records each channel's restore
// point and moves its seqs past anything the lost state handed out (the skipped ones declared
// gone), so devices notice, reset their cursors and republish what the relay lost under new seqs
// (docs/operations.md, "Backup and restore"). Run it with every relay process stopped.
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { RelayConfig } from './config.ts';
import { markSeqHigh, writeHighWater } from './high-water.ts';
import type { RelayLog } from './log.ts';
import { openPostgresStore } from './store/postgres.ts';
import { openSqliteStore } from './store/sqlite.ts';
import { restoreTarget, type RelayStore } from './store/store.ts';

/** True when something accepts connections on the relay's address (a relay still running). */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * SQLite: puts the backup file in place of relay.db (dropping the old WAL) and marks it restored.
 * PostgreSQL: the database was restored with pg_restore before; marks it restored.
 */
export async function restoreRelay(config: RelayConfig, from: string | null, log: RelayLog): Promise<string> {
  // A running relay would keep serving the old incarnation (and SQLite's file is replaced under it).
  if (await listening(config.host, config.port))
    throw new Error(`restore: a relay is listening on ${config.host}:${config.port}; stop every relay process first`);
  let store: RelayStore;
  if (config.databaseUrl) {
    if (from) throw new Error('restore: --from is for SQLite; restore PostgreSQL with pg_restore first');
    store = await openPostgresStore(config.databaseUrl, { poolSize: 1 });
  } else {
    const file = join(config.dataDir, 'relay.db');
    if (from) {
      if (!existsSync(from)) throw new Error(`restore: backup ${from} not found`);
      for (const stale of [file, `${file}-wal`, `${file}-shm`]) rmSync(stale, { force: true });
      copyFileSync(from, file);
      // copyFile keeps the backup's mode, which an admin's umask may have left 0644.
      chmodSync(file, 0o600);
    } else if (!existsSync(file)) {
      throw new Error(`restore: no ${file}; name the backup with --from`);
    }
    store = openSqliteStore(file);
  }
  try {
    const before = store.incarnation();
    // The relay's mark (when this data dir has one) says how far the lost state's seqs went.
    const target = restoreTarget(await markSeqHigh(config.dataDir, log));
    const incarnation = await store.markRestored(target);
    // The restored database is behind the relay's mark; it is the new baseline, not a rollback.
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    await writeHighWater(store, config.dataDir);
    log.info('relay restored', {
      store: store.kind,
      from: from ?? undefined,
      previousIncarnation: before,
      incarnation,
      seqJump: target.jump,
      seqAtLeast: target.atLeast,
    });
    return incarnation;
  } finally {
    await store.close();
  }
}
