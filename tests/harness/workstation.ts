// One simulated workstation: the core and IPC router the Electron main process runs, in Node,
// plus a loopback HTTP server that serves the built renderer and a WebSocket that stands in for
// Electron IPC. Each browser context pointed at a workstation's URL is that workstation's window.
// Never packaged; used by the e2e tests and `npm run demo`.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { events } from '@klinikfunk/protocol/api/contract.ts';
import type { Clock } from '../../apps/desktop/electron/core/clock/clock.ts';
import { createCore, type Core } from '../../apps/desktop/electron/core/wiring.ts';
import { createLogger, jsonLineSink, type Logger } from '../../apps/desktop/electron/core/log/logger.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';
import { installProcessGuards } from '@klinikfunk/node-common/process-guard.ts';
import { createFakePlatform, type FakePlatform } from '../../apps/desktop/electron/core/platform/fakes.ts';
import { builtInPolicy } from '../../apps/desktop/electron/core/policy/policy.ts';
import type { EffectivePolicy } from '../../apps/desktop/electron/core/policy/resolve.ts';
import { SECURITY_HEADERS } from '../../apps/desktop/electron/core/security/csp.ts';
import { mimeTypeFor, resolveStaticPath } from '../../apps/desktop/electron/core/security/static-files.ts';
import { createRouter } from '../../apps/desktop/electron/ipc/router.ts';
import { decodeFrame, encodeFrame } from './browser/codec.ts';
import { nodeBase64 } from './node-base64.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = join(repoRoot, 'apps', 'desktop', 'dist', 'renderer');
const BRIDGE_ENTRY = join(repoRoot, 'tests', 'harness', 'browser', 'bridge.ts');
const MAX_FRAME_BYTES = 1024 * 1024;

const requestFrame = z.object({ id: z.number().int().nonnegative(), method: z.unknown(), input: z.unknown() });

export interface WorkstationOptions {
  /** Folder for this workstation's profiles; a fresh temp folder when omitted. */
  dataDir?: string;
  policy?: EffectivePolicy;
  log?: Logger;
  version?: string;
  /** Name in the device certificate (admin view). */
  deviceLabel?: string;
  /** The core's clock (a FakeClock in tests that move time); the system clock by default. */
  clock?: Clock;
  /** How long without the relay before the outage banner (20 s in the app); short in tests. */
  outageNoticeMs?: number;
  /** How much later than written a delivery shows both times (60 s in the app); short in tests. */
  lateDeliveryMs?: number;
}

export interface Workstation {
  /** Open this in a browser (it carries the per-run token). */
  url: string;
  origin: string;
  token: string;
  platform: FakePlatform;
  core: Core;
  dataDir: string;
  /** The methods the page called, in order: tests count the calls a screen makes. */
  calls: string[];
  close(): Promise<void>;
}

let bridgeCode: Promise<string> | null = null;
function bridgeBundle(): Promise<string> {
  bridgeCode ??= build({
    entryPoints: [BRIDGE_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
  }).then((result) => result.outputFiles[0]!.text);
  return bridgeCode;
}

async function readPackageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(repoRoot, 'apps', 'desktop', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

const tokenMatches = (given: string | null, token: string) =>
  given !== null && given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));

/** Once per process: the harness survives a stray rejection as the Electron main process does. */
let guarded = false;

export async function startWorkstation(options: WorkstationOptions = {}): Promise<Workstation> {
  const log = options.log ?? createLogger(jsonLineSink, 'harness', 'warn');
  if (!guarded) {
    guarded = true;
    installProcessGuards(log.child('process'), { exitOnUncaughtException: false });
  }
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'klinikfunk-ws-')));
  const token = randomBytes(24).toString('hex');
  const platform = createFakePlatform();
  const sockets = new Set<WebSocket>();
  const calls: string[] = [];

  const core = createCore({
    build: {
      name: 'Klinikfunk',
      version: options.version ?? (await readPackageVersion()),
      commit: 'harness',
      date: new Date().toISOString(),
      electron: null,
    },
    policy: options.policy ?? builtInPolicy(),
    platform,
    dataDir,
    log: log.child('core'),
    deviceLabel: options.deviceLabel ?? 'Harness-Arbeitsplatz',
    ...(options.clock ? { clock: options.clock } : {}),
    // Quick reconnects, so an e2e test that stops and starts the relay does not wait 30 s.
    transportTuning: {
      heartbeatMs: 5_000,
      backoff: { baseMs: 100, maxMs: 1_000 },
      ...(options.outageNoticeMs ? { outageNoticeMs: options.outageNoticeMs } : {}),
      ...(options.lateDeliveryMs ? { lateDeliveryMs: options.lateDeliveryMs } : {}),
    },
    emit: (event, payload) => {
      const frame = encodeFrame({ event, payload: events[event].payload.parse(payload) }, nodeBase64);
      for (const socket of sockets) socket.send(frame);
    },
  });

  const server = createServer((req, res) => {
    serveHttp(req, res).catch((error: unknown) => {
      log.warn('harness http request failed', { path: req.url ?? '', error: loggable(error) });
      if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const router = createRouter({
    handlers: core.handlers,
    guards: core.guards,
    allowedOrigin: origin,
    validateOutput: true,
    log: log.child('ipc'),
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/__harness/bridge.js') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end(await bridgeBundle());
      return;
    }
    const file = resolveStaticPath(RENDERER_DIR, url.pathname);
    if (!file) return void res.writeHead(400).end();
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return void res.writeHead(404, SECURITY_HEADERS).end('Not found');
    }
    if (file.endsWith('index.html')) {
      if (!tokenMatches(url.searchParams.get('token'), token))
        return void res.writeHead(403, SECURITY_HEADERS).end('Forbidden');
      // A classic script runs before the app's deferred module script, like a preload.
      const tag = `<script src="/__harness/bridge.js?token=${token}"></script>`;
      body = Buffer.from(body.toString('utf8').replace('<head>', `<head>\n    ${tag}`));
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': mimeTypeFor(file), 'Cache-Control': 'no-store' });
    res.end(body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/__harness/ws' || !tokenMatches(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // The Origin header is the calling page: the router decides whether it is the app.
      const sender = { url: req.headers.origin ?? '', isMainFrame: true };
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        let frame: z.infer<typeof requestFrame>;
        try {
          frame = requestFrame.parse(decodeFrame(String(data), nodeBase64));
        } catch {
          log.warn('harness frame refused: not a request');
          return;
        }
        calls.push(String(frame.method));
        router
          .invoke(sender, frame.method, frame.input)
          .then((result) => ws.send(encodeFrame({ id: frame.id, result }, nodeBase64)))
          .catch((error: unknown) =>
            log.warn('harness frame failed', { method: String(frame.method), error: loggable(error) }),
          );
      });
    });
  });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    platform,
    core,
    dataDir,
    calls,
    async close() {
      for (const socket of sockets) socket.close(1001, 'workstation closing');
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
