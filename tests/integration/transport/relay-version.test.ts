// A relay of another protocol version (one side updated without the other): the transport keeps
// trying, and says why in its connection info, so the app can tell staff to call IT instead of
// showing "Verbinde …" forever. The other relay is a stand-in WebSocket server answering hello as a
// relay of version 99 would; a real relay of this version clears the problem.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { CLOSE_CODES } from '@klinikfunk/protocol/relay/frames.ts';
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

  it('reports relay_version when a relay of the previous release refuses the hello as a bad frame (workstation updated first)', async () => {
    const org = await TestOrg.create();
    const device = org.addDevice(org.addUser());
    // The relay of the previous release (protocol 3) parses hello strictly, without `app`, and
    // answers a frame it cannot parse with bad_frame (no id: hello has none), keeping the socket.
    const previousHello = z.strictObject({ t: z.literal('hello'), v: z.number().int(), deviceId: z.string() });
    const previous = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(previous, 'listening');
    const hellos: unknown[] = [];
    previous.on('connection', (ws) => {
      ws.on('message', (data) => {
        const json = JSON.parse(String(data)) as unknown;
        hellos.push(json);
        const parsed = previousHello.safeParse(json);
        if (!parsed.success)
          ws.send(JSON.stringify({ t: 'error', code: 'bad_frame', message: parsed.error.issues[0]!.message }));
        else ws.send(JSON.stringify({ t: 'error', code: 'unsupported_version', message: 'relay speaks v3' }));
      });
    });
    cleanups.push(() => new Promise((resolve) => previous.close(resolve)));
    const transport = deviceTransport(`ws://127.0.0.1:${(previous.address() as AddressInfo).port}`, device, {
      appVersion: '2.0.0',
    });
    cleanups.push(() => transport.close());
    void transport.connect().catch(() => {});
    await until(() => hellos.length >= 1);
    expect(hellos[0]).toMatchObject({ t: 'hello', app: '2.0.0' });
    await until(() => transport.connection().problem === 'relay_version');
    expect(transport.connection().state).not.toBe('online');
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
