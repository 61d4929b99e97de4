// Limits: a client that stops reading does not grow relay memory (pushes pause, then the
// connection is cut); oversized frames and floods get error frames; shutdown is graceful.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import { CLOSE_CODES, MAX_FRAME_BYTES } from '@klinikfunk/protocol/relay/frames.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';
import { RawClient } from './raw-client.ts';

describe('relay limits', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let a: TestDevice;
  let b: TestDevice;
  let channelId: string;

  beforeAll(async () => {
    org = await TestOrg.create();
    const [ua, ub] = [org.addUser(), org.addUser()];
    a = org.addDevice(ua);
    b = org.addDevice(ub);
    channelId = testId('chan');
    org.setRoster(channelId, [ua, ub]);
    relay = await startTestRelay({
      org,
      limits: {
        sendBufferPauseBytes: 256 * 1024,
        sendBufferMaxBytes: 2 * 1024 * 1024,
        framesPerSecond: 200,
        frameBurst: 300,
      },
    });
  });
  afterAll(async () => {
    await relay.dispose();
  });

  it('pauses pushes to a device that stops reading: the relay buffers a bounded amount and says lag', async () => {
    const slow = await RawClient.open(relay.url);
    await slow.authenticate(b);
    // Stop reading from the socket: the kernel buffers fill, then the relay's send buffer.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const alice = deviceTransport(relay.url, a);
    await alice.connect();
    const envelope = new Uint8Array(100 * 1024).fill(7);
    let maxBuffered = 0;
    for (let i = 0; i < 300; i++) {
      await alice.publish(channelId, `evtslow${String(i).padStart(5, '0')}`, envelope);
      maxBuffered = Math.max(maxBuffered, relay.relay!.stats().maxBufferedBytes);
    }
    // 30 MB were published; the relay never held more than the pause threshold plus one frame.
    expect(maxBuffered).toBeLessThan(256 * 1024 + 200 * 1024);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.next((f) => f.t === 'lag', 10_000);
    // Nothing is lost: the device pulls what it was not pushed.
    const changed = await slow.request({ t: 'sync', cursors: {} }, 10_000);
    expect((changed.heads as Record<string, number>)[channelId]).toBe(300);
    slow.close();
    await alice.close();
  });

  it('answers an oversized frame with frame_too_large and keeps the connection', async () => {
    const raw = await RawClient.open(relay.url);
    await raw.authenticate(a);
    raw.send(JSON.stringify({ t: 'ping', id: 1, pad: 'x'.repeat(MAX_FRAME_BYTES + 10) }));
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({ code: 'frame_too_large' });
    expect(await raw.request({ t: 'ping' })).toMatchObject({ t: 'pong' });
    raw.close();
  });

  it('takes only small frames before authentication', async () => {
    const raw = await RawClient.open(relay.url);
    raw.send(JSON.stringify({ t: 'ping', id: 1, pad: 'x'.repeat(100 * 1024) }));
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({ code: 'frame_too_large' });
    raw.close();
  });

  it('closes a socket that sends a frame beyond the hard limit, and the relay stays up', async () => {
    const raw = await RawClient.open(relay.url);
    raw.send('x'.repeat(5 * 1024 * 1024));
    expect((await raw.waitClosed()).code).toBe(CLOSE_CODES.tooLarge);
    const res = await fetch(`http://127.0.0.1:${relay.port}/healthz`);
    expect(res.status).toBe(200);
  });

  it('rate-limits a flood with rate_limited errors and serves the device again afterwards', async () => {
    const raw = await RawClient.open(relay.url);
    await raw.authenticate(a);
    for (let i = 0; i < 600; i++) raw.send({ t: 'ping', id: 1000 + i });
    await until(() => raw.frames.some((f) => f.code === 'rate_limited'), 5000);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await raw.request({ t: 'ping' })).toMatchObject({ t: 'pong' });
    raw.close();
  });

  it('caps a device mailbox and reports a relay without its database as not ready', async () => {
    const own = await startTestRelay({ org, limits: { maxMailboxItems: 3 } });
    try {
      const alice = deviceTransport(own.url, a);
      await alice.connect();
      for (let i = 0; i < 3; i++)
        await alice.sendMail(b.deviceId, `msgcap${String(i).padStart(5, '0')}`, new Uint8Array([i]));
      await expect(alice.sendMail(b.deviceId, 'msgcap99999', new Uint8Array([9]))).rejects.toMatchObject({
        code: 'quota_exceeded',
      });
      await alice.close();
      expect((await fetch(`http://127.0.0.1:${own.port}/readyz`)).status).toBe(200);
      await own.store!.close();
      // Within a second of the last check /readyz repeats its answer (storage-health.ts).
      let res = await fetch(`http://127.0.0.1:${own.port}/readyz`);
      for (const deadline = Date.now() + 10_000; res.status === 200 && Date.now() < deadline;) {
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 100));
        res = await fetch(`http://127.0.0.1:${own.port}/readyz`);
      }
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'store_not_writable' });
      // Liveness stays: the process serves, restarting it would not bring the database back.
      expect((await fetch(`http://127.0.0.1:${own.port}/healthz`)).status).toBe(200);
    } finally {
      await own.dispose();
    }
  });

  it('drops a socket that never authenticates', async () => {
    const quick = await startTestRelay({ org, limits: { authTimeoutMs: 200 } });
    try {
      const raw = await RawClient.open(quick.url);
      expect((await raw.waitClosed(3000)).code).toBe(CLOSE_CODES.authTimeout);
    } finally {
      await quick.dispose();
    }
  });

  it('shuts down gracefully: every received publish is answered (acked and stored, or unavailable), sockets close with 1001', async () => {
    const own = await startTestRelay({ org, dataDir: await mkdtemp(join(tmpdir(), 'kf-shut-')) });
    const raw = await RawClient.open(own.url);
    await raw.authenticate(a);
    for (let i = 0; i < 200; i++) {
      raw.send({
        t: 'publish',
        id: 100 + i,
        channelId,
        clientEventId: `evtshut${String(i).padStart(5, '0')}`,
        envelope: 'AAAA',
      });
    }
    await raw.next((f) => f.t === 'ack', 5000).then((f) => raw.frames.unshift(f));
    const closing = own.relay!.close();
    expect((await raw.waitClosed()).code).toBe(CLOSE_CODES.shutdown);
    await closing;
    const acked = raw.frames.filter((f) => f.t === 'ack').map((f) => f.seq as number);
    const refused = raw.frames.filter((f) => f.t === 'error' && f.code === 'unavailable').length;
    expect(acked.length).toBeGreaterThan(0);
    expect(acked.length + refused).toBe(200);
    const store = openSqliteStore(join(own.dataDir, 'relay.db'));
    const stored = (await store.page(channelId, 0, 1000)).map((e) => e.seq);
    for (const seq of acked) expect(stored).toContain(seq);
    await store.close();
    await own.dispose();
    await rm(own.dataDir, { recursive: true, force: true });
  });
});
