// The relay's Prometheus metrics and their listener (docs/operations.md, "Metrics"). Off unless
// `metricsPort` is configured; then a plain-HTTP listener on its own address and port serves GET
// /metrics and nothing else, so it can stay on loopback or an internal network while the relay's
// port faces the workstations. No label carries a user, device, channel or name: counts only,
// and the protocol version of connected clients.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RelayLog } from './log.ts';
import { EXPOSITION_CONTENT_TYPE, MetricsRegistry, type Counter, type Histogram } from './metrics.ts';
import type { RelayStore } from './store/store.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

/** What the metrics read from the relay when scraped. */
export interface RelayMetricsSource {
  store: RelayStore;
  connections(): Iterable<{ readonly device: unknown; readonly protocolVersion: number | null }>;
  /** Devices with at least one authenticated socket. */
  devices(): number;
}

export interface RelayMetrics {
  registry: MetricsRegistry;
  publishes: Counter;
  deliveries: Counter;
  publishToPush: Histogram;
  storageErrors: Counter;
  failedRequests: Counter;
}

/** A scrape waits at most this long for the store's sizes; without them those gauges are left out. */
const USAGE_TIMEOUT_MS = 2_000;

export function createRelayMetrics(source: RelayMetricsSource): RelayMetrics {
  const registry = new MetricsRegistry();
  const p = 'klinikfunk_relay_';
  registry.gauge(`${p}connections`, 'Open WebSocket connections, authenticated or not.', () => {
    let n = 0;
    for (const _ of source.connections()) n++;
    return n;
  });
  registry.gauge(`${p}connected_devices`, 'Devices with at least one authenticated connection.', () =>
    source.devices(),
  );
  registry.gauge(
    `${p}connected_clients`,
    'Authenticated connections by the relay protocol version the client speaks.',
    () => {
      const byVersion = new Map<number, number>();
      for (const conn of source.connections())
        if (conn.device && conn.protocolVersion !== null)
          byVersion.set(conn.protocolVersion, (byVersion.get(conn.protocolVersion) ?? 0) + 1);
      return [...byVersion].map(([version, value]) => ({ labels: { protocol: String(version) }, value }));
    },
  );
  const publishes = registry.counter(
    `${p}publishes_total`,
    'Events stored from publishes on this relay process (retries of a stored event not counted).',
  );
  const deliveries = registry.counter(`${p}deliveries_total`, 'Events and mailbox items pushed to connected devices.');
  const publishToPush = registry.histogram(
    `${p}publish_to_push_seconds`,
    "Time from an event's commit to its push being handed to the subscribers' sockets.",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  const storageErrors = registry.counter(
    `${p}storage_errors_total`,
    'Store write probes that failed (no commit, or no answer within 2 s); the relay probes every 10 s, on /readyz and after a failed request.',
  );
  const failedRequests = registry.counter(
    `${p}failed_requests_total`,
    'Requests answered "unavailable" because their handler failed (the store, nearly always).',
  );
  // One store round trip per scrape for both sizes.
  let usage: Promise<{ mailboxItems: number; blobBytes: number }> | null = null;
  const readUsage = () => {
    usage ??= Promise.race([
      source.store.usage(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), USAGE_TIMEOUT_MS).unref()),
    ]).finally(() => {
      setImmediate(() => (usage = null));
    });
    return usage;
  };
  registry.gauge(
    `${p}mailbox_items`,
    'Mailbox items waiting for their devices.',
    async () => (await readUsage()).mailboxItems,
  );
  registry.gauge(
    `${p}blob_bytes`,
    'Bytes of all stored blobs, complete or not.',
    async () => (await readUsage()).blobBytes,
  );
  return { registry, publishes, deliveries, publishToPush, storageErrors, failedRequests };
}

export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsListener(
  registry: MetricsRegistry,
  at: { host: string; port: number },
  log: RelayLog,
): Promise<MetricsListener> {
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    registry.render().then(
      ({ text, failed }) => {
        if (failed.length > 0) log.debug('metrics left out of a scrape', { metrics: failed.join(',') });
        res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' });
        res.end(text);
      },
      (error: unknown) => {
        log.warn('metrics scrape failed', { error: loggable(error) });
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics failed\n');
      },
    );
  };
  const server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${port}/metrics`;
  log.info('metrics listening', { url });
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
