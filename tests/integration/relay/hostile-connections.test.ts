// Connection and memory exhaustion by a member device or by sockets that never authenticate
// (issue 14, item 8): a device keeps a few sockets (newest wins), unauthenticated sockets are
// limited per address and cut at a short deadline, blob reads stop while a socket's send buffer
// is past its bound, mail pushes pause like event pushes. The load against a relay process is in
// hostile-load.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@klinikfunk/protocol/relay/frames.ts';
import { startTestRelay, TestOrg, type TestDevice, type TestRelay } from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';
import { RawClient } from './raw-client.ts';
import {
  authenticatedSocket,
  requestBlobReads,
  resumeReading,
  silentSocket,
  stopReading,
  uploadBlob,
  type HostileSocket,
} from './hostile-sockets.ts';

describe('hostile sockets', () => {
  let org: TestOrg;
  let m: TestDevice;
  let honest: TestDevice[];
  beforeAll(async () => {
    org = await TestOrg.create();
    m = org.addDevice(org.addUser('Mallory'));
    honest = Array.from({ length: 12 }, (_, i) => org.addDevice(org.addUser(`Pflege ${i}`)));
  });

  it('keeps at most maxConnectionsPerDevice sockets of one device: the newest win, the oldest get 4010', async () => {
    const relay = await startTestRelay({ org });
    const sockets: HostileSocket[] = [];
    try {
      for (let i = 0; i < 10; i++) sockets.push(await authenticatedSocket(relay.url, m));
      await until(() => sockets.filter((s) => s.closed !== null).length >= 6, 5000);
      expect(sockets.map((s) => s.closed)).toEqual([
        ...Array<number>(6).fill(CLOSE_CODES.replaced),
        ...Array<null>(4).fill(null),
      ]);
      expect(relay.relay!.stats().authenticated).toBe(4);
    } finally {
      sockets.forEach((s) => s.ws.terminate());
      await relay.dispose();
    }
  });

  it('limits unauthenticated sockets per address: 300 idle sockets from one address lock nobody out of a relay of 300', async () => {
    const relay = await startTestRelay({ org, limits: { maxConnections: 300, maxUnauthenticatedPerAddress: 32 } });
    const idle: HostileSocket[] = [];
    const logins: HostileSocket[] = [];
    try {
      for (let i = 0; i < 300; i += 50)
        idle.push(...(await Promise.all(Array.from({ length: 50 }, () => silentSocket(relay.url, '127.0.0.2')))));
      await until(() => idle.filter((s) => s.closed === 1013).length === 300 - 32, 5000);
      logins.push(...(await Promise.all(honest.map((d) => authenticatedSocket(relay.url, d)))));
      expect(logins.map((s) => s.closed)).toEqual(Array<null>(12).fill(null));
      expect(relay.relay!.stats().authenticated).toBe(12);
    } finally {
      [...idle, ...logins].forEach((s) => s.ws.terminate());
      await relay.dispose();
    }
  });

  it('closes sockets that do not authenticate within authTimeoutMs, which frees their address', async () => {
    const relay = await startTestRelay({ org, limits: { authTimeoutMs: 300, maxUnauthenticatedPerAddress: 4 } });
    const sockets: HostileSocket[] = [];
    try {
      sockets.push(...(await Promise.all(Array.from({ length: 4 }, () => silentSocket(relay.url, '127.0.0.3')))));
      // A fifth from the address pushes the oldest waiting one out (1013), not itself.
      sockets.push(await silentSocket(relay.url, '127.0.0.3'));
      await until(() => sockets.some((s) => s.closed !== null), 2000);
      expect(sockets.filter((s) => s.closed !== null).map((s) => s.closed)).toEqual([1013]);
      expect(sockets[4]!.closed).toBeNull();
      await until(() => sockets.every((s) => s.closed !== null), 3000);
      expect(sockets.filter((s) => s.closed === CLOSE_CODES.authTimeout)).toHaveLength(4);
      const login = await authenticatedSocket(relay.url, honest[0]!, '127.0.0.3');
      expect(login.closed).toBeNull();
      login.ws.terminate();
    } finally {
      sockets.forEach((s) => s.ws.terminate());
      await relay.dispose();
    }
  });

  it('stops reading blob data for a socket that does not take it: the send buffer stays near its bound, and resumes', async () => {
    const relay: TestRelay = await startTestRelay({ org });
    const sockets: HostileSocket[] = [];
    try {
      const uploader = await authenticatedSocket(relay.url, m);
      sockets.push(uploader);
      const hash = await uploadBlob(uploader, 2 * 1024 * 1024);
      for (let i = 0; i < 3; i++) sockets.push(await authenticatedSocket(relay.url, m));
      let blobData = 0;
      sockets[3]!.ws.on('message', (_data, isBinary) => void (isBinary && blobData++));
      for (const socket of sockets) {
        stopReading(socket);
        requestBlobReads(socket, hash, 2 * 1024 * 1024, 16, 1000);
      }
      // Long enough for 16 MiB per socket to be read from the store many times over.
      let maxBuffered = 0;
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 50));
        maxBuffered = Math.max(maxBuffered, relay.relay!.stats().maxBufferedBytes);
      }
      // The pause bound (1 MiB) plus the one answer that crossed it.
      expect(maxBuffered).toBeLessThanOrEqual(2 * 1024 * 1024 + 64 * 1024);
      expect(sockets.map((s) => s.closed)).toEqual([null, null, null, null]);
      // The socket reads again: every answer arrives.
      resumeReading(sockets[3]!);
      await until(() => blobData === 16, 10_000);
    } finally {
      sockets.forEach((s) => s.ws.terminate());
      await relay.dispose();
    }
  });

  it('pauses mail pushes to a device that does not read, like event pushes: it stays connected and hears lag', async () => {
    const relay: TestRelay = await startTestRelay({ org });
    const reader = await RawClient.open(relay.url);
    const slow = await authenticatedSocket(relay.url, m);
    try {
      await reader.authenticate(honest[0]!);
      stopReading(slow);
      const payload = Buffer.alloc(60 * 1024, 7).toString('base64url');
      let maxBuffered = 0;
      // In batches of 50 (within the queue bound of 8 MiB per socket).
      for (let i = 0; i < 150; i += 50) {
        const answers = await Promise.all(
          Array.from({ length: 50 }, (_, k) =>
            reader.request({
              t: 'mail_put',
              toDeviceId: m.deviceId,
              messageId: `msgflood${String(i + k).padStart(4, '0')}`,
              payload,
            }),
          ),
        );
        expect(answers.every((a) => a.t === 'ok')).toBe(true);
        maxBuffered = Math.max(maxBuffered, relay.relay!.stats().maxBufferedBytes);
      }
      expect(maxBuffered).toBeLessThanOrEqual(1024 * 1024 + 128 * 1024);
      let lag = false;
      slow.ws.on('message', (data, isBinary) => void (!isBinary && String(data) === '{"t":"lag"}' && (lag = true)));
      resumeReading(slow);
      await until(() => lag, 5000);
      expect(slow.closed).toBeNull();
    } finally {
      reader.close();
      slow.ws.terminate();
      await relay.dispose();
    }
  });
});
