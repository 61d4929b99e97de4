#!/usr/bin/env node
// Composition root of the relay: the package's `klinikfunk-relay` bin, or `node apps/relay/main.ts
// [flags]` (`npm run relay` execs the same, so signals reach this process). Reads the configuration, makes the data directory private and
// locks it, opens the store (SQLite in the data directory unless RELAY_DATABASE_URL points at
// PostgreSQL), loads the directory, listens, and shuts down gracefully on SIGTERM or SIGINT
// (in-flight frames finish, sockets close with 1001 and a reason) within SHUTDOWN_BOUND_MS.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { installProcessGuards } from '@klinikfunk/node-common/process-guard.ts';
import { auditEvent, openAuditSink } from './audit-sink.ts';
import { awaitBootstrap, BOUND_META, ORG_KEY_META } from './bootstrap.ts';
import { isLoopback, loadConfig } from './config.ts';
import { DataDirLockedError, EXIT_DATA_DIR_LOCKED, lockDataDir, prepareDataDir } from './data-dir.ts';
import { checkHighWater, keepHighWater } from './high-water.ts';
import { createRelayLog, type RelayLog } from './log.ts';
import { startRelay } from './relay.ts';
import { takeOption } from './command-option.ts';
import { exportRecords } from './export-records.ts';
import { restoreRelay } from './restore.ts';
import { openPostgresStore } from './store/postgres.ts';
import { openSqliteStore } from './store/sqlite.ts';
import type { RelayStore } from './store/store.ts';
import { DirectoryTrust } from './trust.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

/**
 * SIGTERM/SIGINT to exit: the relay waits up to 5 s for frames in flight (relay.close), then
 * closes sockets and the store; past this bound it exits 1. Keep systemd's TimeoutStopSec above it.
 */
const SHUTDOWN_BOUND_MS = 10_000;

async function main(): Promise<void> {
  // `restore [--from backup.db] [flags]`: after putting a backup in place (docs/operations.md).
  const restoring = process.argv[2] === 'restore';
  // `export-records --out <file> [flags]`: the directory for another relay database (export-records.ts).
  const exporting = process.argv[2] === 'export-records';
  const { value: from, rest: afterRestoreArgs } = takeOption(
    process.argv.slice(restoring || exporting ? 3 : 2),
    'from',
  );
  const { value: out, rest } = takeOption(afterRestoreArgs, 'out');
  let config;
  try {
    if (!restoring && from !== null) throw new Error('--from belongs to the restore command');
    if (exporting !== (out !== null))
      throw new Error('export-records needs --out <file>, and --out belongs to export-records');
    config = loadConfig(rest, process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const log = createRelayLog(undefined, config.logLevel);
  if (exporting) {
    // Reads only: no data-directory lock, so it runs beside the serving relay.
    await exportRecords(config, out!, log);
    return;
  }
  // Rejections logged and survived; an uncaught exception logged, then exit 1 for the service
  // manager to restart (why: packages/node-common/process-guard.ts).
  installProcessGuards(log, { exitOnUncaughtException: true });
  // Installed before anything is written (the data directory, its lock) and before the store
  // opens: a signal during start-up or the first-run bootstrap also ends the process cleanly
  // (the store closed once it is open, the lock released), not only a serving relay.
  let store: RelayStore | undefined;
  let closeOnSignal: () => Promise<void> = async () => {
    await store?.close();
  };
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('signal', { signal });
    // Never hang on shutdown (a stuck database): the service manager restarts us anyway.
    setTimeout(() => {
      log.error('shutdown took too long, exiting', { boundMs: SHUTDOWN_BOUND_MS });
      process.exit(1);
    }, SHUTDOWN_BOUND_MS).unref();
    closeOnSignal().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: loggable(error) });
        process.exit(1);
      },
    );
  };
  // A restore keeps the default: a signal ends it at once, not with exit code 0.
  if (!restoring) {
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  }
  // Before anything is written there: 0700/0600 and one relay process per data directory
  // (apps/relay/data-dir.ts). The lock goes with every exit but kill -9, after which it is stale.
  prepareDataDir(config.dataDir, log);
  try {
    const lock = lockDataDir(config.dataDir, log);
    process.on('exit', () => lock.release());
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    log.error('relay not started: data directory in use', { reason: error.message, lock: error.file });
    process.exit(EXIT_DATA_DIR_LOCKED);
  }
  if (restoring) {
    await restoreRelay(config, from, log);
    return;
  }
  if (!config.tlsCert && !isLoopback(config.host)) {
    log.warn(
      'plain ws on a non-loopback address: traffic metadata is readable on the network; configure tlsCert and tlsKey',
      {
        host: config.host,
      },
    );
  }
  await readySodium();
  // The data dir also holds the log's high-water mark on PostgreSQL (apps/relay/high-water.ts).
  if (config.databaseUrl) store = await openPostgresStore(config.databaseUrl);
  else store = openSqliteStore(join(config.dataDir, 'relay.db'));
  // A database put back without `relay restore` is marked restored here, before anyone is served.
  const highWater = keepHighWater(store, config.dataDir, log, await checkHighWater(store, config.dataDir, log));
  const tls =
    config.tlsCert && config.tlsKey
      ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }
      : undefined;
  let port = config.port;

  // The organisation key: configured, or bound earlier by a bootstrap, or bound now by one. A
  // relay never serves two organisations from one database.
  const stored = await store.metaGet(ORG_KEY_META);
  let orgKeyText = config.orgPublicKey ?? stored;
  if (config.orgPublicKey) {
    const bound = await store.metaSetOnce(ORG_KEY_META, config.orgPublicKey);
    if (bound !== config.orgPublicKey)
      throw new Error('orgPublicKey differs from the organisation this relay database is bound to');
  }
  if (!orgKeyText) {
    const code = randomBytes(16).toString('base64url');
    writeFileSync(join(config.dataDir, 'bootstrap-code'), `${code}\n`, { mode: 0o600 });
    const bound = await awaitBootstrap({ store, log, host: config.host, port, code, ...(tls ? { tls } : {}) });
    rmSync(join(config.dataDir, 'bootstrap-code'), { force: true });
    port = bound.port;
    orgKeyText = toBase64Url(bound.orgPublicKey);
  }
  const orgPublicKey = fromBase64Url(orgKeyText);
  if (!orgPublicKey || orgPublicKey.length !== 32) throw new Error('orgPublicKey is not a 32-byte base64url key');

  const trust = new DirectoryTrust(store, orgPublicKey);
  await trust.load();
  const relayId = config.relayId ?? randomBytes(6).toString('base64url');
  // Before the import, so imported records reach the SIEM too.
  const audit = config.auditSink ? openAuditSink(config.auditSink, log) : null;
  if (audit) {
    trust.onAdmitted(({ record, pos, subject }) => audit.write(auditEvent(record, pos, subject, relayId)));
    const sink = config.auditSink!;
    log.info(
      'audit feed',
      sink.kind === 'jsonl' ? { kind: sink.kind } : { kind: sink.kind, transport: sink.transport },
    );
  }
  // What IT pins on the workstations (policy OrgFingerprint, msiexec ORGFINGERPRINT), on every
  // start, so it can be read off the service log as well as off the admin view.
  log.info('organisation', {
    orgFingerprint: orgFingerprint(trust.orgId),
    // With `export-records`, what another relay database for this organisation starts from.
    orgPublicKey: toBase64Url(orgPublicKey),
    hint: 'pin it on the workstations: policy OrgFingerprint or msiexec ORGFINGERPRINT (docs/it-rollout.md)',
  });
  if (config.importRecords) await importRecords(config.importRecords, trust, log);
  // Relays on the same database still waiting for the bootstrap serve this organisation too.
  await store.metaSetOnce(BOUND_META, orgKeyText);

  const relay = await startRelay({
    store,
    trust,
    log,
    host: config.host,
    port,
    limits: config.limits,
    retentionMs: config.retentionDays * 86_400_000,
    envelopeCheck: config.envelopeCheck ? { orgIdRaw: fromBase64Url(trust.orgId)! } : null,
    relayId,
    ...(tls ? { tls } : {}),
    beforeStoreClose: () => highWater.stop(),
    metrics: config.metricsPort === undefined ? null : { host: config.metricsHost, port: config.metricsPort },
    trustedProxies: config.trustedProxies,
  });

  closeOnSignal = async () => {
    await relay.close();
    await audit?.close();
  };
}

/**
 * Admits every signed record of a JSON array file (what `export-records` writes from another
 * relay database of the organisation). Each record is verified like an upload, in file order;
 * already stored records are skipped, refused ones are logged.
 */
async function importRecords(file: string, trust: DirectoryTrust, log: RelayLog): Promise<void> {
  const records = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(records)) throw new Error('--import-records wants a JSON array of signed records');
  let stored = 0;
  for (const record of records) {
    const result = await trust.admit(record);
    if (!result.ok) log.warn('import: record refused', { reason: result.reason });
    else if (!result.duplicate) stored++;
  }
  log.info('import: records stored', { stored, total: records.length });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'relay failed to start', error: String(error) })}\n`,
  );
  process.exit(1);
});
