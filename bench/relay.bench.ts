// Relay benchmarks, each against a real relay process on 127.0.0.1 (so its RSS is its own):
// fan-out to 200 connected devices (deliveries/s and relay RSS), publish throughput on SQLite
// and PostgreSQL (fsync on), and publish -> push latency between two clients over SQLite.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { authChallengeText, RELAY_PROTOCOL_VERSION } from '../shared/relay/frames.ts';
import { startPostgres } from '../tests/harness/postgres.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../tests/harness/relay.ts';
import { hostileLoad } from '../tests/integration/relay/hostile-load.ts';
import type { BenchResult } from './types.ts';

const SUITE = 'relay';
/** Throughput runs measure the relay, not its per-device rate limit (default 500 frames/s). */
const UNLIMITED = { framesPerSecond: 1_000_000, frameBurst: 1_000_000 };

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** A bare receiving device: authenticates, then only counts push frames (no parsing). */
async function counter(url: string, device: TestDevice, onPush: () => void): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"t":"push"')) return onPush();
      const frame = JSON.parse(text) as { t: string; nonce?: string };
      if (frame.t === 'challenge') {
        const sig = device.sign(new TextEncoder().encode(authChallengeText(frame.nonce!, device.deviceId)));
        ws.send(JSON.stringify({ t: 'auth', id: 1, signature: Buffer.from(sig).toString('base64url') }));
      } else if (frame.t === 'auth_ok') resolve();
      else if (frame.t === 'error') reject(new Error(text));
    });
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId: device.deviceId })));
  });
  return ws;
}

async function fanOut(): Promise<BenchResult[]> {
  const org = await TestOrg.create();
  const devices = Array.from({ length: 200 }, (_, i) => org.addDevice(org.addUser(`Nutzer ${i}`)));
  const channelId = testId('chan');
  org.setRoster(
    channelId,
    devices.map((d) => d.userId),
  );
  const relay = await startTestRelay({ org, mode: 'process', limits: UNLIMITED });
  try {
    const idle = rssMiB(relay.pid!);
    let received = 0;
    const sockets = [];
    for (const d of devices.slice(1)) sockets.push(await counter(relay.url, d, () => received++));
    const publisher = deviceTransport(relay.url, devices[0]!);
    await publisher.connect();
    const envelope = new Uint8Array(1024).fill(42);
    const send = async (n: number, tag: string) => {
      const window = 32;
      for (let i = 0; i < n; i += window) {
        await Promise.all(
          Array.from({ length: Math.min(window, n - i) }, (_, k) =>
            publisher.publish(channelId, `evt${tag}${String(i + k).padStart(6, '0')}`, envelope),
          ),
        );
      }
    };
    await send(20, 'warm');
    while (received < 20 * 199) await new Promise((r) => setTimeout(r, 5));
    received = 0;
    const events = 400;
    const expected = events * 199;
    const start = performance.now();
    await send(events, 'run');
    while (received < expected) await new Promise((r) => setTimeout(r, 2));
    const seconds = (performance.now() - start) / 1000;
    const mem = rssMiB(relay.pid!);
    sockets.forEach((s) => s.terminate());
    await publisher.close();
    const perSecond = expected / seconds;
    return [
      {
        suite: SUITE,
        name: 'fan-out, 200 devices, 1 KB envelopes (deliveries/s, relay = 1 core)',
        value: perSecond,
        unit: 'deliveries/s',
        target: '>= 5,000/s per core',
        ok: perSecond >= 5000,
        note: `${events} publishes x 199 receivers in ${seconds.toFixed(2)} s`,
      },
      { suite: SUITE, name: 'relay RSS idle (directory of 200 devices loaded)', value: idle.rss, unit: 'MiB' },
      {
        suite: SUITE,
        name: 'relay RSS with 200 connected devices (after fan-out)',
        value: mem.rss,
        unit: 'MiB',
        note: `peak ${mem.peak.toFixed(0)} MiB`,
      },
    ];
  } finally {
    await relay.dispose();
  }
}

async function publishRate(label: string, databaseUrl?: string): Promise<BenchResult> {
  const org = await TestOrg.create();
  const [ua, ub] = [org.addUser(), org.addUser()];
  const a = org.addDevice(ua);
  org.addDevice(ub);
  const channelId = testId('chan');
  org.setRoster(channelId, [ua, ub]);
  const relay: TestRelay = await startTestRelay({
    org,
    mode: 'process',
    limits: UNLIMITED,
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  try {
    const t = deviceTransport(relay.url, a);
    await t.connect();
    const envelope = new Uint8Array(1024).fill(1);
    const n = 3000;
    const window = 64;
    const start = performance.now();
    for (let i = 0; i < n; i += window) {
      await Promise.all(
        Array.from({ length: Math.min(window, n - i) }, (_, k) =>
          t.publish(channelId, `evtpub${String(i + k).padStart(6, '0')}`, envelope),
        ),
      );
    }
    const rate = n / ((performance.now() - start) / 1000);
    await t.close();
    return {
      suite: SUITE,
      name: `publish throughput, ${label} (1 KB, 64 in flight, acked = durable)`,
      value: rate,
      unit: 'publishes/s',
    };
  } finally {
    await relay.dispose();
  }
}

async function catchUp(): Promise<BenchResult> {
  const org = await TestOrg.create();
  const [ua, ub] = [org.addUser(), org.addUser()];
  const a = org.addDevice(ua);
  const b = org.addDevice(ub);
  const channelId = testId('chan');
  org.setRoster(channelId, [ua, ub]);
  const relay = await startTestRelay({ org, mode: 'process', limits: UNLIMITED });
  try {
    const alice = deviceTransport(relay.url, a);
    await alice.connect();
    const envelope = new Uint8Array(1024).fill(5);
    const n = 10_000;
    for (let i = 0; i < n; i += 250) {
      await Promise.all(
        Array.from({ length: 250 }, (_, k) =>
          alice.publish(channelId, `evtcu${String(i + k).padStart(6, '0')}`, envelope),
        ),
      );
    }
    await alice.close();
    const bob = deviceTransport(relay.url, b);
    await bob.connect();
    const start = performance.now();
    const heads = await bob.changedChannels({});
    let got = 0;
    for (let cursor = 0; cursor < heads[channelId]!;) {
      const page = await bob.fetchPage(channelId, cursor, 500);
      got += page.length;
      cursor = page.at(-1)!.seq;
    }
    const ms = performance.now() - start;
    await bob.close();
    if (got !== n) throw new Error(`catch-up got ${got} of ${n}`);
    return {
      suite: SUITE,
      name: 'catch-up transfer: 10,000 envelopes of 1 KB into an empty client, pages of 500 (transport only)',
      value: ms,
      unit: 'ms',
      target: '< 2 s with verify+decrypt+apply',
      ok: ms < 2000,
    };
  } finally {
    await relay.dispose();
  }
}

async function latency(): Promise<BenchResult[]> {
  const org = await TestOrg.create();
  const [ua, ub] = [org.addUser(), org.addUser()];
  const a = org.addDevice(ua);
  const b = org.addDevice(ub);
  const channelId = testId('chan');
  org.setRoster(channelId, [ua, ub]);
  const relay = await startTestRelay({ org, mode: 'process' });
  try {
    const alice = deviceTransport(relay.url, a);
    const bob = deviceTransport(relay.url, b);
    await Promise.all([alice.connect(), bob.connect()]);
    const sentAt = new Map<number, number>();
    const times: number[] = [];
    let waiting: (() => void) | null = null;
    bob.onPush((e) => {
      const t0 = sentAt.get(e.seq);
      if (t0 !== undefined) times.push(performance.now() - t0);
      waiting?.();
    });
    const envelope = new Uint8Array(1024).fill(3);
    for (let i = 0; i < 600; i++) {
      const got = new Promise<void>((r) => (waiting = r));
      const t0 = performance.now();
      const { seq } = await alice.publish(channelId, `evtlat${String(i).padStart(6, '0')}`, envelope);
      sentAt.set(seq, t0);
      await got;
    }
    await Promise.all([alice.close(), bob.close()]);
    const measured = times.slice(100).sort((x, y) => x - y);
    const pct = (p: number) => measured[Math.min(measured.length - 1, Math.floor(p * measured.length))]!;
    return [
      {
        suite: SUITE,
        name: 'publish -> push at the other client, SQLite, p50 (transport only)',
        value: pct(0.5),
        unit: 'ms',
        target: '< 15 ms (whole path)',
        ok: pct(0.5) < 15,
      },
      {
        suite: SUITE,
        name: 'publish -> push at the other client, SQLite, p99 (transport only)',
        value: pct(0.99),
        unit: 'ms',
        target: '< 50 ms (whole path)',
        ok: pct(0.99) < 50,
      },
    ];
  } finally {
    await relay.dispose();
  }
}

/** Documented in docs/security.md (issue 14, item 8). */
export const HOSTILE_RSS_CEILING_MIB = 512;

/** 2,000 hostile sockets (half never authenticate, half of 20 member devices reading no blob data) while 200 devices exchange. */
export async function hostile(): Promise<BenchResult[]> {
  const r = await hostileLoad({
    honestDevices: 200,
    hostileSockets: 2000,
    hostileDevices: 20,
    messagesPerDevice: 5,
    silentPerAddress: 50,
    blobBytes: 4 * 1024 * 1024,
  });
  const note = `idle ${r.idleRssMiB} MiB; silent sockets ended ${JSON.stringify(r.hostileClosed)}; relay holds ${r.relayConnections} sockets at the end; ${r.delivered}/${r.expected} events delivered`;
  return [
    {
      suite: SUITE,
      name: 'relay RSS under 2,000 hostile sockets while 200 devices exchange (highest sample)',
      value: r.loadRssMiB,
      unit: 'MiB',
      target: `< ${HOSTILE_RSS_CEILING_MIB} MiB, every event delivered`,
      ok: r.loadRssMiB < HOSTILE_RSS_CEILING_MIB && r.delivered === r.expected,
      note,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  results.push(...(await hostile()));
  results.push(...(await fanOut()));
  results.push(await publishRate('SQLite (synchronous=FULL)'));
  const cluster = await startPostgres({ fsync: true });
  try {
    results.push(await publishRate('PostgreSQL 15 (fsync on)', await cluster.createDatabase()));
  } finally {
    await cluster.stop();
  }
  results.push(await catchUp());
  results.push(...(await latency()));
  return results;
}
