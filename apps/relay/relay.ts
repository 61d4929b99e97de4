// The relay: an HTTP(S) server with /healthz (liveness), /readyz (the store takes writes) and a
// WebSocket endpoint, the registry of authenticated connections, fan-out of commits (local and
// from other relay processes), metrics on their own listener when configured, and graceful
// shutdown. Built from a store and a trust verifier handed in by the composition root
// (apps/relay/main.ts) or a test harness. Its parts: connection-hub.ts (the registry and fan-out),
// http-endpoints.ts, remote-commits.ts (other relay processes), maintenance.ts, rate-buckets.ts.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES } from '@klinikfunk/protocol/relay/frames.ts';
import type { ConnectionContext } from './connection.ts';
import { ConnectionHub } from './connection-hub.ts';
import { SignInForwarder } from './sign-in-forward.ts';
import { GroupCommit } from './group-commit.ts';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.ts';
import { RateBuckets } from './rate-buckets.ts';
import type { RelayLog } from './log.ts';
import { createRelayMetrics, startMetricsListener, type MetricsListener } from './relay-metrics.ts';
import { Presence } from './presence.ts';
import { StorageHealth } from './storage-health.ts';
import type { RelayStore } from './store/store.ts';
import type { TrustVerifier } from './trust.ts';
import { normaliseAddress } from './client-address.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';
import { httpEndpoints } from './http-endpoints.ts';
import { runMaintenance } from './maintenance.ts';
import { followOtherProcesses } from './remote-commits.ts';
import { EscalationRelease } from './escalation-release.ts';

export interface RelayOptions {
  store: RelayStore;
  trust: TrustVerifier;
  log: RelayLog;
  host: string;
  port: number;
  limits?: Partial<RelayLimits>;
  tls?: { cert: string | Buffer; key: string | Buffer };
  relayId?: string;
  /** Check envelope headers against publish frames (see ConnectionContext.envelopeCheck). */
  envelopeCheck?: { orgIdRaw: Uint8Array } | null;
  /** Events and mailbox items older than this are deleted hourly (0 or absent: kept). */
  retentionMs?: number;
  /** How often a connected device's last-seen row is rewritten at most (default one minute; tests shorten it). */
  presenceRefreshMs?: number;
  /** On close, after the last commit and before the store closes (the high-water mark's last write). */
  beforeStoreClose?: () => Promise<void>;
  /** How often the store's writability is probed while nobody asks /readyz (default 10 s). */
  readyProbeMs?: number;
  /** Prometheus metrics on their own plain-HTTP listener (GET /metrics); absent: none. */
  metrics?: { host: string; port: number } | null;
  /** Reverse proxies whose X-Forwarded-For names the client (client-address.ts); absent: none. */
  trustedProxies?: readonly string[];
  /** The clock escalation deadlines are set and released by (default Date.now; tests jump it). */
  now?: () => number;
  /** How often due escalation steps are looked for (default 250 ms). */
  escalationTickMs?: number;
}

export interface Relay {
  readonly url: string;
  readonly port: number;
  /** http://host:port/metrics when metrics are configured, else null. */
  readonly metricsUrl: string | null;
  stats(): {
    connections: number;
    authenticated: number;
    pushes: number;
    maxBufferedBytes: number;
    /** Publishes handed to the group commit and waiting for the next store call. */
    publishesWaiting: number;
    /** Store calls the group commit made, and the publishes they stored (group-commit.ts). */
    commits: { groups: number; items: number };
  };
  /** Escalation items released by this process so far, and a look for due ones now (tests, the bench). */
  escalations: { released(): number; releaseNow(): Promise<void> };
  /** Runs retention (when configured), mail expiry and then the blob GC hook now (all also run hourly); returns the blob hashes removed. */
  gcBlobs(): Promise<string[]>;
  /** Stops accepting, finishes in-flight frames, closes sockets with a reason, closes the store. */
  close(reason?: string): Promise<void>;
}

/** Most publishes in one group commit (a turn's worth on a busy relay; more wait for the next). */
const COMMIT_GROUP_ITEMS = 256;

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { store, trust, log } = options;
  const relayId = options.relayId ?? randomBytes(6).toString('base64url');
  const trustedProxies = new Set((options.trustedProxies ?? []).map(normaliseAddress));
  const rateBuckets = new RateBuckets(limits);
  let draining = false;
  const presence = new Presence({
    store,
    log,
    ...(options.presenceRefreshMs ? { refreshMs: options.presenceRefreshMs } : {}),
  });
  presence.start();
  const hub = new ConnectionHub({
    store,
    trust,
    log,
    limits,
    presence,
    rateBuckets,
    trustedProxies,
    metrics: () => metrics,
  });
  const { byDevice, byChannel, connections } = hub;
  const metrics = createRelayMetrics({
    store,
    connections: () => connections,
    devices: () => byDevice.size,
  });
  // One group commit at a time: what arrives while one is in flight gathers for the next (a
  // SQLite commit blocks the loop anyway; on PostgreSQL a group is one statement, and pushes
  // leave in seq order without waiting on each other).
  const groupCommit = new GroupCommit(store, { maxItems: COMMIT_GROUP_ITEMS, maxInFlight: 1 });
  const health = new StorageHealth(store, log, () => metrics.storageErrors.inc());
  health.start(options.readyProbeMs ?? 10_000);

  const signIns = new SignInForwarder((delegationId) => hub.agentSession(delegationId), limits.signInTimeoutMs);
  const now = options.now ?? Date.now;
  const ctx: ConnectionContext = {
    store,
    trust,
    limits,
    log,
    relayId,
    envelopeCheck: options.envelopeCheck ?? null,
    append: (items) => groupCommit.append(items),
    buckets: (key) => rateBuckets.connection(key),
    recordBucket: (deviceId, agent) => rateBuckets.records(deviceId, agent),
    signInBucket: (address) => rateBuckets.signIn(address),
    signIns,
    onAuthenticated: (conn) => hub.onAuthenticated(conn),
    onClosed(conn) {
      if (conn.agent) signIns.sessionClosed(conn);
      hub.onClosed(conn);
    },
    committed(channelId, seq, envelope, at, from) {
      metrics.publishes.inc();
      hub.fanOut(channelId, seq, envelope, at, from);
    },
    devicesSeen: () => presence.snapshot(trust.deviceIds()),
    mailed: (toDeviceId, item) => hub.mailed(toDeviceId, item),
    draining: () => draining,
    now,
    requestFailed() {
      metrics.failedRequests.inc();
      health.kick();
      return health.failing;
    },
  };

  followOtherProcesses(store, trust, log, {
    hasChannel: (channelId) => byChannel.has(channelId),
    hasDevice: (deviceId) => byDevice.has(deviceId),
    fanOut: (channelId, seq, envelope, at) => hub.fanOut(channelId, seq, envelope, at, null),
    mailed: (toDeviceId, item) => ctx.mailed(toDeviceId, item),
  });
  trust.onChange((change) => hub.directoryChanged(change));
  const escalations = new EscalationRelease({
    store,
    log,
    now,
    ...(options.escalationTickMs ? { tickMs: options.escalationTickMs } : {}),
    released: (item) => hub.mailed(item.toDeviceId, item),
  });

  const endpoints = httpEndpoints({
    store,
    health,
    draining: () => draining,
    connections: () => connections.size,
  });
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, endpoints)
    : createHttpServer(endpoints);
  // ws closes (1009) what passes 4x the frame limit; below that the relay answers frame_too_large.
  const wss = new WebSocketServer({ server, maxPayload: limits.maxFrameBytes * 4, perMessageDeflate: false });
  wss.on('connection', (ws, req) => {
    if (draining) return ws.close(CLOSE_CODES.shutdown, 'relay shutting down');
    hub.admit(ws, req, ctx);
  });
  wss.on('error', (error) => log.error('websocket server error', { error: error.message }));

  const heartbeat = setInterval(() => {
    connections.forEach((c) => c.heartbeat());
    rateBuckets.forgetFull((deviceId) => byDevice.has(deviceId));
  }, limits.heartbeatMs);
  const gcBlobs = () => runMaintenance(store, log, limits, options.retentionMs, now);
  const gcTimer = setInterval(
    () => void gcBlobs().catch((e: unknown) => log.warn('blob gc failed', { error: loggable(e) })),
    3600_000,
  );
  gcTimer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'wss' : 'ws'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  log.info('relay listening', { url, store: store.kind, relayId });
  let metricsListener: MetricsListener | null = null;
  if (options.metrics) {
    try {
      metricsListener = await startMetricsListener(metrics.registry, options.metrics, log);
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
  }
  // The state at start, logged if failing (and the baseline for "recovered").
  health.kick();
  // Steps that fell due while the relay was down go out now, then every tick.
  escalations.start();

  return {
    url,
    port,
    metricsUrl: metricsListener?.url ?? null,
    stats: () => ({
      connections: connections.size,
      authenticated: [...byDevice.values()].reduce((n, s) => n + s.size, 0),
      pushes: hub.pushes,
      maxBufferedBytes: Math.max(0, ...[...connections].map((c) => c.buffered)),
      publishesWaiting: groupCommit.waiting,
      commits: { groups: groupCommit.counts.commits, items: groupCommit.counts.items },
    }),
    escalations: { released: () => escalations.count, releaseNow: () => escalations.run() },
    gcBlobs,
    async close(reason = 'relay shutting down') {
      if (draining) return;
      draining = true;
      clearInterval(heartbeat);
      clearInterval(gcTimer);
      health.stop();
      // No new looks from now on; the one in progress is waited for only before the store closes:
      // a database that hangs would hold it, and the connections must still be told goodbye.
      const releaseStopped = escalations.stop();
      log.info('shutting down', { connections: connections.size });
      // Finish the frames already received (an acked publish is committed), bounded in time.
      await Promise.race([
        Promise.all([...connections].map((c) => c.settled())),
        new Promise((r) => setTimeout(r, 5000)),
      ]);
      for (const conn of connections) conn.close(CLOSE_CODES.shutdown, reason);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Devices still connected are recorded as gone now, before the store closes.
      await presence.stop();
      await metricsListener?.close();
      await options.beforeStoreClose?.();
      await releaseStopped;
      await store.close();
      log.info('stopped');
    },
  };
}
