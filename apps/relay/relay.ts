// The relay: an HTTP(S) server with /healthz (liveness), /readyz (the store takes writes) and a
// WebSocket endpoint, the registry of authenticated connections, fan-out of commits (local and
// from other relay processes), metrics on their own listener when configured, and graceful
// shutdown. Built from a store and a trust verifier handed in by the composition root
// (apps/relay/main.ts) or a test harness.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { CLOSE_CODES, type ServerFrame } from '@klinikfunk/protocol/relay/frames.ts';
import { Connection, type ConnectionContext } from './connection.ts';
import { GroupCommit } from './group-commit.ts';
import { DEFAULT_LIMITS, TokenBucket, type RelayLimits } from './limits.ts';
import type { RelayLog } from './log.ts';
import { createRelayMetrics, startMetricsListener, type MetricsListener } from './relay-metrics.ts';
import { Presence } from './presence.ts';
import { StorageHealth } from './storage-health.ts';
import type { RelayStore } from './store/store.ts';
import type { TrustVerifier } from './trust.ts';
import { clientAddress, normaliseAddress } from './client-address.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

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
  /** Runs retention (when configured), mail expiry and then the blob GC hook now (all also run hourly); returns the blob hashes removed. */
  gcBlobs(): Promise<string[]>;
  /** Stops accepting, finishes in-flight frames, closes sockets with a reason, closes the store. */
  close(reason?: string): Promise<void>;
}

/** Most publishes in one group commit (a turn's worth on a busy relay; more wait for the next). */
const COMMIT_GROUP_ITEMS = 256;
/** Events read per query when another relay process's commit is pushed here. */
const REMOTE_PAGE = 500;

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const { store, trust, log } = options;
  const relayId = options.relayId ?? randomBytes(6).toString('base64url');
  const trustedProxies = new Set((options.trustedProxies ?? []).map(normaliseAddress));
  const byDevice = new Map<string, Set<Connection>>();
  /** Directory agents' sessions by delegation id (kept apart: an agent is no device). */
  const byAgent = new Map<string, Set<Connection>>();
  const byChannel = new Map<string, Set<Connection>>();
  const connections = new Set<Connection>();
  const buckets = new Map<string, { frames: TokenBucket; bytes: TokenBucket }>();
  const recordBuckets = new Map<string, TokenBucket>();
  /** Sockets per remote address that have not authenticated yet, oldest first. */
  const unauthenticated = new Map<string, Set<Connection>>();
  const leaveUnauthenticated = (conn: Connection) => removeFrom(unauthenticated, conn.remote, conn);
  let draining = false;
  let pushes = 0;
  const presence = new Presence({
    store,
    log,
    ...(options.presenceRefreshMs ? { refreshMs: options.presenceRefreshMs } : {}),
  });
  presence.start();
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

  const addTo = (map: Map<string, Set<Connection>>, key: string, conn: Connection) => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(conn);
  };
  const removeFrom = (map: Map<string, Set<Connection>>, key: string, conn: Connection) => {
    const set = map.get(key);
    if (set?.delete(conn) && set.size === 0) map.delete(key);
  };

  const subscribe = (conn: Connection) => {
    const device = conn.device;
    if (!device) return;
    const next = new Set(trust.channelsOf(device.userId));
    for (const channel of conn.channels) if (!next.has(channel)) removeFrom(byChannel, channel, conn);
    for (const channel of next) addTo(byChannel, channel, conn);
    conn.channels = next;
  };

  const fanOut = (channelId: string, seq: number, envelope: Uint8Array, at: number, except: Connection | null) => {
    const subscribers = byChannel.get(channelId);
    if (!subscribers || subscribers.size === 0) return;
    const text = JSON.stringify({
      t: 'push',
      channelId,
      seq,
      envelope: toBase64Url(envelope),
      at,
      incarnation: store.incarnation(),
    } satisfies ServerFrame);
    // From the commit's relay time (stored with the event) to the push handed to the sockets.
    if (subscribers.size > (except && subscribers.has(except) ? 1 : 0))
      metrics.publishToPush.observe(Math.max(0, Date.now() - at) / 1000);
    for (const conn of subscribers) {
      if (conn === except) continue;
      conn.pushRaw(text);
      pushes++;
      metrics.deliveries.inc();
    }
  };

  const ctx: ConnectionContext = {
    store,
    trust,
    limits,
    log,
    relayId,
    envelopeCheck: options.envelopeCheck ?? null,
    append: (items) => groupCommit.append(items),
    buckets(key) {
      let entry = buckets.get(key);
      if (!entry) {
        entry = {
          frames: new TokenBucket(limits.framesPerSecond, limits.frameBurst),
          bytes: new TokenBucket(limits.bytesPerSecond, limits.byteBurst),
        };
        buckets.set(key, entry);
      }
      return entry;
    },
    recordBucket(deviceId, agent = false) {
      let bucket = recordBuckets.get(deviceId);
      if (!bucket) {
        bucket = agent
          ? new TokenBucket(limits.agentRecordsPerMinute / 60, limits.agentRecordBurst)
          : new TokenBucket(limits.recordsPerMinute / 60, limits.recordBurst);
        recordBuckets.set(deviceId, bucket);
      }
      return bucket;
    },
    onAuthenticated(conn) {
      leaveUnauthenticated(conn);
      // The directory agent is no device: no presence, no channels; it asks for records itself.
      // Its sockets are capped like a device's, or a stolen agent key could fill the relay.
      if (conn.agent) {
        const open = [...(byAgent.get(conn.device!.deviceId) ?? [])].filter((c) => !c.closing);
        for (const old of open.slice(0, Math.max(0, open.length - limits.maxConnectionsPerDevice + 1)))
          old.close(CLOSE_CODES.replaced, 'replaced by a newer session of this directory agent');
        addTo(byAgent, conn.device!.deviceId, conn);
        return;
      }
      // Newest wins: a device keeps a few sockets at most (a restarted client's old socket may
      // not be closed yet); one that opens more pushes its oldest out instead of piling up memory.
      const live = [...(byDevice.get(conn.device!.deviceId) ?? [])].filter((c) => !c.closing);
      for (const old of live.slice(0, Math.max(0, live.length - limits.maxConnectionsPerDevice + 1)))
        old.close(CLOSE_CODES.replaced, 'replaced by a newer connection of this device');
      addTo(byDevice, conn.device!.deviceId, conn);
      presence.connected(conn.device!.deviceId, conn.announced);
      subscribe(conn);
    },
    onClosed(conn) {
      connections.delete(conn);
      buckets.delete(`conn:${conn.id}`);
      const device = conn.device;
      if (!device) leaveUnauthenticated(conn);
      if (device && conn.agent) removeFrom(byAgent, device.deviceId, conn);
      if (device && !conn.agent) {
        presence.disconnected(device.deviceId);
        removeFrom(byDevice, device.deviceId, conn);
      }
      for (const channel of conn.channels) removeFrom(byChannel, channel, conn);
    },
    committed(channelId, seq, envelope, at, from) {
      metrics.publishes.inc();
      fanOut(channelId, seq, envelope, at, from);
    },
    devicesSeen: () => presence.snapshot(trust.deviceIds()),
    mailed(toDeviceId, item) {
      const targets = byDevice.get(toDeviceId);
      if (!targets) return;
      const frame: ServerFrame = {
        t: 'mail_push',
        item: {
          messageId: item.messageId,
          fromDeviceId: item.fromDeviceId,
          payload: toBase64Url(item.payload),
          storedAt: item.storedAt,
        },
      };
      // Paused like event pushes for a device that does not read: after `lag` it fetches its mail.
      const text = JSON.stringify(frame);
      for (const conn of targets) {
        conn.pushRaw(text);
        metrics.deliveries.inc();
      }
    },
    draining: () => draining,
    requestFailed() {
      metrics.failedRequests.inc();
      health.kick();
      return health.failing;
    },
  };

  // Commits of other relay processes on the same PostgreSQL: a wake-up naming a channel's seq
  // range arrives, read in one query. One range after another, so pushes leave in commit order.
  let remoteQueue: Promise<void> = Promise.resolve();
  store.onRemoteCommit((channelId, from, to) => {
    if (!byChannel.has(channelId)) return;
    remoteQueue = remoteQueue.then(async () => {
      try {
        for (let after = from - 1; after < to;) {
          const events = await store.page(channelId, after, Math.min(REMOTE_PAGE, to - after));
          if (events.length === 0) break;
          for (const e of events) if (e.seq <= to) fanOut(channelId, e.seq, e.envelope, e.at, null);
          after = events.at(-1)!.seq;
        }
      } catch (error) {
        log.warn('remote commit fetch failed', { channel: channelId, from, to, error: loggable(error) });
      }
    });
  });
  store.onRemoteMail((toDeviceId) => {
    if (!byDevice.has(toDeviceId)) return;
    store
      .mailFetch(toDeviceId, 100)
      .then((items) => items.forEach((item) => ctx.mailed(toDeviceId, item)))
      .catch((error: unknown) => log.warn('remote mail fetch failed', { error: loggable(error) }));
  });
  store.onRemoteDirectory(
    () =>
      void trust.refresh().catch((error: unknown) => log.warn('directory refresh failed', { error: loggable(error) })),
  );
  trust.onChange((change) => {
    // Every device learns at once that the directory grew (rosters, revocations, new devices).
    const note = JSON.stringify({ t: 'dir_push', pos: change.pos } satisfies ServerFrame);
    for (const conn of connections) if (conn.device) conn.pushRaw(note);
    // A directory agent's session ends with its delegation (a delegation_revocation is an 'other' change).
    if (change.kind === 'other')
      for (const conn of connections) {
        const check = conn.agent ? trust.checkAgentKey(conn.device!.deviceId) : null;
        if (check && !check.ok) conn.close(CLOSE_CODES.revoked, check.reason);
      }
    if (change.kind === 'revocation' || change.kind === 'device' || change.kind === 'user') {
      for (const conn of connections) {
        const device = conn.device;
        if (device && !conn.agent && !trust.isActive(device.deviceId)) {
          log.info('disconnecting revoked device', { device: device.deviceId });
          const check = trust.checkDevice(device.deviceId);
          const why = check.ok ? 'revoked' : check.reason;
          conn.send({ t: 'error', code: 'revoked', message: why });
          conn.close(CLOSE_CODES.revoked, why);
        }
      }
    }
    if (change.kind === 'roster' || change.kind === 'revocation') for (const conn of connections) subscribe(conn);
  });

  const answer = (res: ServerResponse, code: number, body: Record<string, unknown>) => {
    res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const endpoints = (req: IncomingMessage, res: ServerResponse) => {
    // Liveness: the process serves. It touches no store, so a service manager or load balancer
    // does not restart or drop a relay for a database outage it cannot fix by restarting.
    if (req.method === 'GET' && req.url === '/healthz') {
      if (draining) return answer(res, 503, { status: 'draining', store: store.kind, connections: connections.size });
      return answer(res, 200, { status: 'ok', store: store.kind, connections: connections.size });
    }
    // Readiness: the store takes a real write and has this relay's schema.
    if (req.method === 'GET' && req.url === '/readyz') {
      if (draining) return answer(res, 503, { status: 'draining', store: store.kind });
      health.check().then(
        (ok) => answer(res, ok ? 200 : 503, { status: ok ? 'ready' : 'store_not_writable', store: store.kind }),
        () => answer(res, 503, { status: 'store_not_writable', store: store.kind }),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, endpoints)
    : createHttpServer(endpoints);
  // ws closes (1009) what passes 4x the frame limit; below that the relay answers frame_too_large.
  const wss = new WebSocketServer({ server, maxPayload: limits.maxFrameBytes * 4, perMessageDeflate: false });
  wss.on('connection', (ws, req) => {
    if (draining) return ws.close(CLOSE_CODES.shutdown, 'relay shutting down');
    if (connections.size >= limits.maxConnections) return ws.close(1013, 'relay full; try later');
    // Per address, so sockets that never authenticate from one place cannot take every slot. At
    // the bound the address's oldest waiting socket goes, not the new one: honest devices behind
    // the same address (a clinic's NAT, a reverse proxy) finish hello and auth in a round trip,
    // so an attacker there has to open sockets faster than that to keep them out, instead of
    // holding 32 idle ones.
    const remote = clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], trustedProxies);
    const waiting = unauthenticated.get(remote);
    if (waiting && waiting.size >= limits.maxUnauthenticatedPerAddress) {
      const oldest = waiting.values().next().value!;
      waiting.delete(oldest);
      log.info('too many unauthenticated sockets from one address: the oldest goes', { remote });
      oldest.close(1013, 'too many unauthenticated connections from this address; try later');
    }
    const conn = new Connection(ws, ctx, remote, req.socket);
    addTo(unauthenticated, remote, conn);
    connections.add(conn);
  });
  wss.on('error', (error) => log.error('websocket server error', { error: error.message }));

  // A device's buckets outlive its sockets until they are full again, so closing every socket
  // and reconnecting refills nothing; forgetting a full bucket changes nothing.
  const forgetFullBuckets = () => {
    for (const [key, entry] of buckets)
      if (!key.startsWith('conn:') && !byDevice.has(key) && entry.frames.full() && entry.bytes.full())
        buckets.delete(key);
    for (const [deviceId, bucket] of recordBuckets)
      if (!byDevice.has(deviceId) && bucket.full()) recordBuckets.delete(deviceId);
  };
  const heartbeat = setInterval(() => {
    connections.forEach((c) => c.heartbeat());
    forgetFullBuckets();
  }, limits.heartbeatMs);
  const gcBlobs = async () => {
    const now = Date.now();
    if (options.retentionMs) {
      const expired = await store.expire(now - options.retentionMs);
      if (expired.events + expired.mail > 0) log.info('retention', expired);
    }
    const mail = await store.mailExpire(now - limits.mailMaxAgeMs);
    if (mail > 0) log.info('mail expired', { mail });
    const removed = await store.blobGc(now - limits.blobGraceMs, now - limits.incompleteBlobMaxAgeMs);
    if (removed.length > 0) log.info('blob gc', { removed: removed.length });
    return removed;
  };
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

  return {
    url,
    port,
    metricsUrl: metricsListener?.url ?? null,
    stats: () => ({
      connections: connections.size,
      authenticated: [...byDevice.values()].reduce((n, s) => n + s.size, 0),
      pushes,
      maxBufferedBytes: Math.max(0, ...[...connections].map((c) => c.buffered)),
      publishesWaiting: groupCommit.waiting,
      commits: { groups: groupCommit.counts.commits, items: groupCommit.counts.items },
    }),
    gcBlobs,
    async close(reason = 'relay shutting down') {
      if (draining) return;
      draining = true;
      clearInterval(heartbeat);
      clearInterval(gcTimer);
      health.stop();
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
      await store.close();
      log.info('stopped');
    },
  };
}
