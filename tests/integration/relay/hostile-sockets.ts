// Hostile sockets for relay tests and the relay bench (issue 14, item 8): sockets that never
// authenticate, and a member device that opens many sockets and asks for blob data it never
// reads. Loopback only; the source address can be another 127.x address, so per-address limits
// apply to the hostile sockets and not to the honest devices on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { encodeBinaryFrame } from '@klinikfunk/protocol/relay/binary-frame.ts';
import { authChallengeText, RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import type { TestDevice } from '../../harness/relay.ts';

export interface HostileSocket {
  ws: WebSocket;
  /** Close code once the relay closed it. */
  closed: number | null;
}

function track(ws: WebSocket): HostileSocket {
  const socket: HostileSocket = { ws, closed: null };
  ws.on('close', (code) => (socket.closed = code));
  ws.on('error', () => {});
  return socket;
}

/** A socket that connects and then says nothing (the relay closes it at the auth deadline). */
export function silentSocket(url: string, localAddress: string): Promise<HostileSocket> {
  return new Promise((resolve) => {
    const socket = track(new WebSocket(url, { localAddress, perMessageDeflate: false }));
    socket.ws.once('open', () => resolve(socket));
    socket.ws.once('close', () => resolve(socket));
    socket.ws.once('error', () => resolve(socket));
  });
}

/** Authenticates as `device` on a new socket; resolves with the socket (closed one on refusal). */
export function authenticatedSocket(
  url: string,
  device: TestDevice,
  localAddress = '127.0.0.1',
): Promise<HostileSocket> {
  return new Promise((resolve) => {
    const socket = track(new WebSocket(url, { localAddress, perMessageDeflate: false }));
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const frame = JSON.parse(String(data)) as { t: string; nonce?: string };
      if (frame.t === 'challenge') {
        const signature = device.sign(new TextEncoder().encode(authChallengeText(frame.nonce!, device.deviceId)));
        socket.ws.send(JSON.stringify({ t: 'auth', id: 1, signature: Buffer.from(signature).toString('base64url') }));
      } else {
        socket.ws.off('message', onMessage);
        resolve(socket);
      }
    };
    socket.ws.on('message', onMessage);
    socket.ws.once('open', () =>
      socket.ws.send(JSON.stringify({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: device.deviceId })),
    );
    socket.ws.once('close', () => resolve(socket));
    socket.ws.once('error', () => resolve(socket));
  });
}

/** Stops reading the socket: the kernel buffers fill, then the relay's send buffer. */
export function stopReading(socket: HostileSocket): void {
  (socket.ws as unknown as { _socket: { pause(): void } })._socket.pause();
}

export function resumeReading(socket: HostileSocket): void {
  (socket.ws as unknown as { _socket: { resume(): void } })._socket.resume();
}

/** Uploads `size` random bytes as `socket`'s device (already authenticated); returns the hash. */
export async function uploadBlob(socket: HostileSocket, size: number): Promise<string> {
  const data = randomBytes(size);
  const hash = createHash('sha256').update(data).digest('hex');
  const answers: Array<{ id?: number; t: string }> = [];
  const onMessage = (raw: WebSocket.RawData, isBinary: boolean) => {
    if (!isBinary) answers.push(JSON.parse(String(raw)) as { id?: number; t: string });
  };
  socket.ws.on('message', onMessage);
  const wait = async (id: number) => {
    for (let i = 0; i < 3000 && !answers.some((a) => a.id === id); i++) await new Promise((r) => setTimeout(r, 10));
    const answer = answers.find((a) => a.id === id);
    if (answer?.t !== 'blob_status') throw new Error(`upload: ${JSON.stringify(answer)}`);
  };
  socket.ws.send(JSON.stringify({ t: 'blob_begin', id: 2, hash, size }));
  await wait(2);
  const chunk = 1024 * 1024;
  for (let offset = 0, id = 3; offset < size; offset += chunk, id++) {
    socket.ws.send(encodeBinaryFrame({ t: 'blob_chunk', id, hash, offset }, data.subarray(offset, offset + chunk)));
    await wait(id);
  }
  socket.ws.off('message', onMessage);
  return hash;
}

/** Asks for `count` 1 MiB reads of a blob (answers it will not read while paused). */
export function requestBlobReads(
  socket: HostileSocket,
  hash: string,
  size: number,
  count: number,
  firstId = 100,
): void {
  for (let i = 0; i < count; i++) {
    const offset = ((i * 1024 * 1024) % size) - (((i * 1024 * 1024) % size) % (1024 * 1024));
    socket.ws.send(JSON.stringify({ t: 'blob_get', id: firstId + i, hash, offset, length: 1024 * 1024 }));
  }
}

/** Resident and peak memory of a process (Linux /proc), MiB. */
export function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
