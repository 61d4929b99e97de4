// The relay under hostile sockets while honest devices keep exchanging messages (issue 14,
// item 8), against a real relay process so its RSS is its own. Used scaled down by
// hostile-connections.test.ts and at full size (2,000 hostile sockets, 200 honest devices) by
// the relay bench. Bounded in count and time, loopback only.
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { DEFAULT_LIMITS } from '../../../apps/relay/limits.ts';
import { deviceTransport, startTestRelay, TestOrg, testId, type TestDevice } from '../../harness/relay.ts';
import {
  authenticatedSocket,
  requestBlobReads,
  rssMiB,
  silentSocket,
  stopReading,
  uploadBlob,
  type HostileSocket,
} from './hostile-sockets.ts';

export interface HostileLoadOptions {
  honestDevices: number;
  /** Half never authenticate (from other 127.x addresses), half belong to hostile member devices. */
  hostileSockets: number;
  hostileDevices: number;
  messagesPerDevice: number;
  /** Unauthenticated sockets per source address (the relay allows maxUnauthenticatedPerAddress). */
  silentPerAddress: number;
  /** Size of each hostile member's own blob, which its sockets ask for and never read. */
  blobBytes: number;
}

export interface HostileLoadResult {
  idleRssMiB: number;
  /** Highest RSS sampled while the hostile sockets were open and honest devices exchanged. */
  loadRssMiB: number;
  /** The relay's VmHWM at the end. */
  peakRssMiB: number;
  /** Events every honest device found in its channel's log, and how many there should be. */
  delivered: number;
  expected: number;
  /** How the never-authenticating sockets ended, by close code (per-address limit, auth deadline). */
  hostileClosed: Record<string, number>;
  /** Sockets the relay holds at the end (/healthz): honest devices and the hostile members' newest. */
  relayConnections: number;
}

/** Each hostile member device connects from an address of its own (127.0.1.x). */
const memberAddress = (device: number) => `127.0.1.${1 + device}`;

export async function hostileLoad(options: HostileLoadOptions): Promise<HostileLoadResult> {
  const org = await TestOrg.create();
  const honest: TestDevice[] = [];
  const channels: string[] = [];
  for (let c = 0; c < Math.ceil(options.honestDevices / 10); c++) {
    const users = Array.from({ length: Math.min(10, options.honestDevices - c * 10) }, (_, i) =>
      org.addUser(`Pflege ${c}-${i}`),
    );
    honest.push(...users.map((u) => org.addDevice(u)));
    const channelId = testId('chan');
    org.setRoster(channelId, users);
    channels.push(channelId);
  }
  const hostile = Array.from({ length: options.hostileDevices }, (_, i) => org.addDevice(org.addUser(`Mallory ${i}`)));
  const relay = await startTestRelay({ org, mode: 'process', limits: { authTimeoutMs: 2000 } });
  const pid = relay.pid!;
  const transports: RelayTransport[] = honest.map((d) => deviceTransport(relay.url, d, { requestTimeoutMs: 30_000 }));
  const sockets: HostileSocket[] = [];
  let loadRss = 0;
  const sampler = setInterval(() => (loadRss = Math.max(loadRss, rssMiB(pid).rss)), 100);
  try {
    const idle = rssMiB(pid).rss;
    await Promise.all(transports.map((t) => t.connect()));

    // Each hostile member uploads a blob of its own (it may read that back), then opens its share
    // of sockets, and every socket it keeps asks for blob data and never reads the answers.
    const hashes: string[] = [];
    for (const [i, device] of hostile.entries()) {
      const first = await authenticatedSocket(relay.url, device, memberAddress(i));
      hashes.push(await uploadBlob(first, options.blobBytes));
      first.ws.terminate();
    }
    const silentCount = Math.floor(options.hostileSockets / 2);
    const memberCount = options.hostileSockets - silentCount;
    const attack = (async () => {
      const silent = Array.from({ length: silentCount }, (_, i) =>
        silentSocket(relay.url, `127.0.0.${2 + Math.floor(i / options.silentPerAddress)}`),
      );
      const members = Array.from({ length: memberCount }, async (_, i) => {
        const device = i % hostile.length;
        const socket = await authenticatedSocket(relay.url, hostile[device]!, memberAddress(device));
        if (socket.closed === null) {
          stopReading(socket);
          requestBlobReads(socket, hashes[device]!, options.blobBytes, 64);
        }
        return socket;
      });
      sockets.push(...(await Promise.all([...silent, ...members])));
    })();

    // Meanwhile the honest devices exchange: every one publishes into its channel.
    await Promise.all(
      transports.map(async (t, i) => {
        const channelId = channels[Math.floor(i / 10)]!;
        for (let m = 0; m < options.messagesPerDevice; m++)
          await t.publish(channelId, testId('evt'), new TextEncoder().encode(`honest ${i} ${m}`));
      }),
    );
    await attack;
    // Let the hostile sockets press on the relay a while longer (blob reads) until the relay has cut
    // every silent one at its auth deadline (2 s; later on a loaded machine, so wait for it, bounded).
    const silentSockets = sockets.slice(0, silentCount);
    const until = Date.now() + 30_000;
    while (silentSockets.some((s) => s.closed === null) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    let delivered = 0;
    await Promise.all(
      transports.map(async (t, i) => {
        const events = await t.fetchPage(channels[Math.floor(i / 10)]!, 0, 1000);
        delivered += events.length;
      }),
    );
    const expected = transports.reduce(
      (n, _, i) => n + Math.min(10, options.honestDevices - Math.floor(i / 10) * 10) * options.messagesPerDevice,
      0,
    );
    // Member sockets stopped reading, so they never see their close frame: count the silent ones
    // here and ask the relay how many sockets it still holds.
    const hostileClosed: Record<string, number> = {};
    for (const s of silentSockets) {
      const key = String(s.closed ?? 'open');
      hostileClosed[key] = (hostileClosed[key] ?? 0) + 1;
    }
    // A replaced member socket that does not read keeps its slot through the close handshake, up
    // to 2 s (connection.ts), so the last ones replaced under load may still count: read until the
    // relay holds no more than it should keep, bounded; a relay that leaks sockets never gets there.
    const keep = options.honestDevices + options.hostileDevices * DEFAULT_LIMITS.maxConnectionsPerDevice;
    const settleUntil = Date.now() + 10_000;
    let health = await relayHealth(relay.port);
    while (health.connections > keep && Date.now() < settleUntil) {
      await new Promise((r) => setTimeout(r, 200));
      health = await relayHealth(relay.port);
    }
    return {
      idleRssMiB: Math.round(idle),
      loadRssMiB: Math.round(loadRss),
      peakRssMiB: Math.round(rssMiB(pid).peak),
      delivered,
      expected,
      hostileClosed,
      relayConnections: health.connections,
    };
  } finally {
    clearInterval(sampler);
    for (const s of sockets) s.ws.terminate();
    await Promise.all(transports.map((t) => t.close()));
    await relay.dispose();
  }
}

async function relayHealth(port: number): Promise<{ connections: number }> {
  return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { connections: number };
}
