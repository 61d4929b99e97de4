// A relay of another protocol version (one side updated without the other): the transport keeps
// trying, and says why in its connection info, so the app can tell staff to call IT instead of
// showing "Verbinde …" forever. The other relay is a stand-in WebSocket server answering hello as a
// relay of version 99 would; a real relay of this version clears the problem.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { CLOSE_CODES } from '../../../shared/relay/frames.ts';
import { deviceTransport, startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { until } from './contract.ts';

describe('relay protocol version', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reports relay_version while the relay speaks another version, and keeps trying', async () => {
    const org = await TestOrg.create();
    const device = org.addDevice(org.addUser());
    const other = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(other, 'listening');
    let hellos = 0;
    other.on('connection', (ws) => {
      ws.on('message', () => {
        hellos++;
        ws.send(JSON.stringify({ t: 'error', code: 'unsupported_version', message: 'relay speaks v99' }));
        ws.close(CLOSE_CODES.protocolError, 'unsupported version');
      });
    });
    cleanups.push(() => new Promise((resolve) => other.close(resolve)));
    const transport = deviceTransport(`ws://127.0.0.1:${(other.address() as AddressInfo).port}`, device);
    cleanups.push(() => transport.close());
    const states: string[] = [];
    transport.onState((s) => states.push(s));
    void transport.connect().catch(() => {});
    await until(() => transport.connection().problem === 'relay_version');
    expect(transport.connection().state).not.toBe('online');
    await until(() => hellos >= 2);
    expect(states.length).toBeGreaterThan(0);
  });

  it('has no problem on a relay of this version', async () => {
    const org = await TestOrg.create();
    const device = org.addDevice(org.addUser());
    const relay: TestRelay = await startTestRelay({ org });
    cleanups.push(() => relay.dispose());
    const transport = deviceTransport(relay.url, device);
    cleanups.push(() => transport.close());
    await transport.connect();
    expect(transport.connection()).toMatchObject({ state: 'online', problem: null });
  });
});
