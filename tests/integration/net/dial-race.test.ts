// The device's connection waits for the network layer (proxy resolution, the CA files, a chain
// probe) before it opens its socket. A close() and a new connect() while that wait is under way
// must not leave the first attempt's socket behind: it would stay connected, unseen by the
// transport and never closed.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { nodeNetwork } from '../../../apps/desktop/electron/core/net/node-network.ts';
import { createRelayNetwork } from '../../../apps/desktop/electron/core/net/relay-network.ts';
import { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';

describe('a connection attempt cancelled while the network is prepared', () => {
  let server: WebSocketServer;
  const open = new Set<WebSocket>();
  let seen = 0;

  beforeAll(async () => {
    // Accepts and holds sockets (no challenge): what counts is which sockets the client keeps.
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => {
      seen++;
      open.add(ws);
      ws.on('close', () => open.delete(ws));
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  });
  afterAll(async () => {
    for (const ws of open) ws.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('close() then connect() before the first dial finished leaves one socket, and close() ends it', async () => {
    const address = server.address();
    const url = `ws://127.0.0.1:${(address as AddressInfo).port}`;
    const network = createRelayNetwork({
      platform: nodeNetwork({}),
      policy: { proxyMode: 'direct', proxyServer: null, relayCaCertificates: [] },
      log: createMemoryLogger().logger,
    });
    const transport = new RelayTransport({
      url,
      deviceId: 'dev-race',
      sign: () => new Uint8Array(64),
      network,
      // No auth timeout during the test: a leftover socket must not be ended by it.
      requestTimeoutMs: 120_000,
      backoff: { baseMs: 50, maxMs: 500 },
    });
    transport.connect().catch(() => {});
    await transport.close();
    transport.connect().catch(() => {});
    const deadline = Date.now() + 20_000;
    while (seen < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(seen).toBeGreaterThanOrEqual(1);
    await transport.close();
    // Bounded wait for the relay side to see every socket closed.
    const closedBy = Date.now() + 5_000;
    while (open.size > 0 && Date.now() < closedBy) await new Promise((r) => setTimeout(r, 25));
    expect({ open: open.size, seen }).toEqual({ open: 0, seen: 1 });
  });
});
