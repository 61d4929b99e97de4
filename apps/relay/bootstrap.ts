// First-run bootstrap: a relay started without an organisation key (and none stored) binds
// itself to the organisation of the first admin device that presents the one-time code the relay
// wrote to `<dataDir>/bootstrap-code` (readable by the service account and root only). Until
// then it serves nothing else: /healthz answers 503 "bootstrap", every other frame an error.
// The records are checked as a chain with the crypto module's Directory before anything is
// stored; afterwards the key is kept in the store (relay_meta) and the normal relay starts.
// Several relay processes on one PostgreSQL all wait like this; the bootstrap reaches one of
// them (a load balancer picks it), and the others learn of it by polling relay_meta.
import { timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { orgIdOf, parseRecord } from '@klinikfunk/crypto/records.ts';
import { fromBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import type { RecordBody } from '@klinikfunk/protocol/wire/records.ts';
import { bootstrapFrame, type ServerFrame } from '@klinikfunk/protocol/relay/frames.ts';
import type { RelayLog } from './log.ts';
import type { RelayStore } from './store/store.ts';
import { DirectoryTrust } from './trust.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export const ORG_KEY_META = 'org_public_key';
/**
 * relay_meta key set once the organisation's first records are stored too: the key alone is
 * written first (it claims the database for one organisation) and stays when storing the records
 * fails; a relay waiting for the bootstrap takes the binding only with this mark.
 */
export const BOUND_META = 'org_bound';

export interface BootstrapOptions {
  store: RelayStore;
  log: RelayLog;
  host: string;
  port: number;
  code: string;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** How often the store is asked whether another relay process was bound meanwhile (default 2 s). */
  pollMs?: number;
}

/** Serves the bootstrap endpoint until it succeeds; resolves with the org key and the port used. */
export async function awaitBootstrap(options: BootstrapOptions): Promise<{ orgPublicKey: Uint8Array; port: number }> {
  const { server, wss, port } = await listen(options);
  const orgPublicKey = await new Promise<Uint8Array>((resolve) => {
    const waiting: Waiting = { busy: false, settled: false };
    const bound = (key: Uint8Array) => {
      waiting.settled = true;
      clearInterval(poll);
      resolve(key);
    };
    const poll = pollBoundElsewhere(options, waiting, bound);
    wss.on('connection', (ws) => serveBootstrap(ws, options, waiting, bound));
  });
  for (const client of wss.clients) client.close(1001, 'bootstrap done');
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { orgPublicKey, port };
}

/** The bootstrap endpoint, listening: /healthz says "bootstrap", WebSockets take the bootstrap frame. */
async function listen(options: BootstrapOptions) {
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, health)
    : createHttpServer(health);
  function health(_req: unknown, res: ServerResponse) {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'bootstrap' }));
  }
  const wss = new WebSocketServer({ server, maxPayload: 256 * 1024, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.log.warn('relay listening', {
    url: `${options.tls ? 'wss' : 'ws'}://${options.host}:${port}`,
    mode: 'bootstrap',
    hint: 'not bound to an organisation: bind it from the first admin device with the code in <dataDir>/bootstrap-code',
  });
  return { server, wss, port };
}

/** While waiting: a bootstrap is being bound here (`busy`), or the relay is bound already (`settled`). */
interface Waiting {
  busy: boolean;
  settled: boolean;
}

/** Bound through another relay process on the same database: serve that organisation too. */
function pollBoundElsewhere(
  options: BootstrapOptions,
  waiting: Waiting,
  bound: (key: Uint8Array) => void,
): ReturnType<typeof setInterval> {
  const { store, log } = options;
  let polling = false;
  const poll = setInterval(() => {
    if (polling || waiting.busy) return;
    polling = true;
    Promise.all([store.metaGet(ORG_KEY_META), store.metaGet(BOUND_META)])
      .then(([text, boundKey]) => {
        const key = text && boundKey === text ? fromBase64Url(text) : null;
        if (!key || key.length !== 32 || waiting.busy || waiting.settled) return;
        log.info('bootstrap: bound to organisation by another relay process');
        bound(key);
      })
      .catch((error: unknown) => log.warn('bootstrap: store not readable', { error: loggable(error) }))
      .finally(() => {
        polling = false;
      });
  }, options.pollMs ?? 2_000);
  poll.unref();
  return poll;
}

/** One device's connection to a relay waiting for its bootstrap: the code, then the organisation's first records. */
function serveBootstrap(ws: WebSocket, options: BootstrapOptions, waiting: Waiting, bound: (key: Uint8Array) => void) {
  const { store, log } = options;
  const expected = Buffer.from(options.code);
  const answer = (frame: ServerFrame) => ws.send(JSON.stringify(frame));
  const onMessage = async (data: RawData, isBinary: boolean) => {
    let json: unknown;
    try {
      json = isBinary ? null : JSON.parse(String(data));
    } catch {
      json = null;
    }
    const parsed = bootstrapFrame.safeParse(json);
    if (!parsed.success)
      return answer({ t: 'error', code: 'bad_frame', message: 'this relay waits for its bootstrap' });
    const frame = parsed.data;
    const given = Buffer.from(frame.code);
    if (waiting.busy || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      log.warn('bootstrap refused', { reason: waiting.busy ? 'busy' : 'wrong code' });
      // Slow down guessing (the code has 128 bits; this is hygiene, not the defence).
      await new Promise((r) => setTimeout(r, 1000));
      return answer({ t: 'error', id: frame.id, code: 'auth_failed', message: 'wrong bootstrap code' });
    }
    waiting.busy = true;
    try {
      const key = await bind(store, frame.records);
      if (typeof key === 'string') {
        log.warn('bootstrap refused', { reason: key });
        return answer({ t: 'error', id: frame.id, code: 'record_rejected', message: key });
      }
      // The first-run output names the fingerprint IT pins on the workstations.
      log.info('bootstrap: bound to organisation', {
        records: frame.records.length,
        orgFingerprint: orgFingerprint(orgIdOf(key)),
      });
      answer({ t: 'ok', id: frame.id });
      ws.close(1001, 'bootstrap done; reconnect');
      bound(key);
    } finally {
      waiting.busy = false;
    }
  };
  // A store that fails while binding is answered and logged; the relay keeps waiting.
  ws.on('message', (data, isBinary) => {
    onMessage(data, isBinary).catch((error: unknown) => {
      log.error('bootstrap failed', { error: loggable(error) });
      answer({ t: 'error', code: 'internal', message: 'bootstrap failed; see the relay log' });
    });
  });
  ws.on('error', () => {});
}

/** Checks the records as a chain in memory, then stores key and records. A string is a refusal. */
async function bind(store: RelayStore, records: ReadonlyArray<Record<string, unknown>>): Promise<Uint8Array | string> {
  const root = parseRecord(records[0]);
  if (!root.ok || root.record.type !== 'org_root') return 'the first record must be the org_root record';
  const keyText = (root.record.body as RecordBody<'org_root'>).orgPublicKey;
  const key = fromBase64Url(keyText);
  if (!key || key.length !== 32) return 'org_root names no valid key';
  const check = new Directory({ orgPublicKey: key });
  for (const record of records) {
    const verdict = check.ingest(record);
    if (!verdict.ok) return `record refused: ${verdict.reason}${verdict.detail ? ` (${verdict.detail})` : ''}`;
  }
  if ((await store.metaSetOnce(ORG_KEY_META, keyText)) !== keyText) return 'relay is bound to another organisation';
  const trust = new DirectoryTrust(store, key);
  await trust.load();
  for (const record of records) {
    const result = await trust.admit(record);
    if (!result.ok) return `record refused: ${result.reason}`;
  }
  await store.metaSetOnce(BOUND_META, keyText);
  return key;
}
