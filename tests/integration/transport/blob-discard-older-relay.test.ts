// A workstation updated before its relay (both speak protocol 4): the relay of the release before
// does not know `blob_discard` and answers it `bad_frame`, and bad frames count toward its limit
// per connection (`maxBadFrames`, then it closes with 1002). A workstation that drops many uploads
// must not have its connection closed for that: the transport asks such a relay once per
// connection and not again. The relay here is the real one behind a WebSocket pass-through that
// renames `blob_discard` to a type it does not know, which is what the older relay sees.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { TransportError } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { deviceTransport, startTestRelay, TestOrg } from '../../harness/relay.ts';
import { until } from './contract.ts';

interface OlderRelay {
  url: string;
  /** Connections the workstation opened through it. */
  connections: number;
  /** `bad_frame` answers the relay sent. */
  badFrames: number;
  /** `blob_discard` frames the workstation sent. */
  discards: number;
  close(): Promise<void>;
}

/** A pass-through to `target` in front of which the relay does not know `blob_discard`. */
async function olderRelay(target: string): Promise<OlderRelay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const state: OlderRelay = {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: 0,
    badFrames: 0,
    discards: 0,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  server.on('connection', (device) => {
    state.connections++;
    const relay = new WebSocket(target);
    const early: Array<{ data: WebSocket.RawData; isBinary: boolean }> = [];
    relay.on('open', () => {
      for (const m of early.splice(0)) relay.send(m.data, { binary: m.isBinary });
    });
    device.on('message', (data, isBinary) => {
      let message: WebSocket.RawData | string = data;
      if (!isBinary) {
        const frame = JSON.parse(String(data)) as { t: string };
        if (frame.t === 'blob_discard') {
          state.discards++;
          message = JSON.stringify({ ...frame, t: 'blob_discard_unknown' });
        }
      }
      if (relay.readyState === WebSocket.OPEN) relay.send(message, { binary: isBinary });
      else early.push({ data: Buffer.from(message as string | Buffer), isBinary });
    });
    relay.on('message', (data, isBinary) => {
      if (!isBinary && (JSON.parse(String(data)) as { code?: string }).code === 'bad_frame') state.badFrames++;
      device.send(data, { binary: isBinary });
    });
    relay.on('close', (code, reason) => device.close(code === 1005 ? 1000 : code, reason));
    device.on('close', () => relay.close());
    relay.on('error', () => device.terminate());
    device.on('error', () => relay.terminate());
  });
  return state;
}

describe('blob_discard against a relay of the release before', () => {
  const cleanups: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('asks once per connection, so dropped uploads never close the connection as too many bad frames', async () => {
    const org = await TestOrg.create();
    const device = org.addDevice(org.addUser());
    const relay = await startTestRelay({ org, limits: { maxBadFrames: 3 } });
    cleanups.push(() => relay.dispose());
    const older = await olderRelay(relay.url);
    cleanups.push(() => older.close());
    const transport = deviceTransport(older.url, device);
    cleanups.push(() => transport.close());
    const states: string[] = [];
    await transport.connect();
    transport.onState((s) => states.push(s));

    const hash = (i: number) => i.toString(16).padStart(64, '0');
    // Uploads dropped at once (a tray of files cancelled, a sign-out), then one by one.
    const together = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => transport.discardBlobs([hash(i)])));
    for (let i = 6; i <= 10; i++) await transport.discardBlobs([hash(i)]).catch(() => {});
    for (const result of together) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TransportError);
    }
    // The connection stays: nothing dropped, one socket, and it answers.
    await transport.changedChannels({});
    expect(states).toEqual([]);
    expect(older.connections).toBe(1);
    expect(older.discards).toBe(1);
    expect(older.badFrames).toBe(1);

    // A new connection may reach an updated relay: it is asked once more.
    transport.dropConnection();
    await until(() => transport.state() === 'online', 20_000);
    await expect(transport.discardBlobs([hash(11)])).rejects.toBeInstanceOf(TransportError);
    await expect(transport.discardBlobs([hash(12)])).rejects.toBeInstanceOf(TransportError);
    expect(older.discards).toBe(2);
  }, 60_000);

  it('keeps asking a relay that knows the frame', async () => {
    const org = await TestOrg.create();
    const device = org.addDevice(org.addUser());
    const relay = await startTestRelay({ org, limits: { maxBadFrames: 3 } });
    cleanups.push(() => relay.dispose());
    const transport = deviceTransport(relay.url, device);
    cleanups.push(() => transport.close());
    await transport.connect();
    const hash = (i: number) => i.toString(16).padStart(64, '0');
    await Promise.all([1, 2, 3, 4, 5].map((i) => transport.discardBlobs([hash(i)])));
    expect(transport.state()).toBe('online');
  }, 60_000);
});
