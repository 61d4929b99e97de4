// Relay benchmarks, each against a real relay process on 127.0.0.1 (so its RSS is its own) with
// the envelope check on (the product default) and envelopes sealed as a client seals them
// (lib/sealer.ts): fan-out to 200 connected devices (deliveries/s and relay RSS), publish
// throughput on SQLite and PostgreSQL (fsync on), catch-up transfer, and publish -> push latency
// between two clients over SQLite. The clients run in the bench process on the same 2 cores, so
// the throughput figures are those of relay and load generator sharing the machine.
import { RELAY_NODE_FLAGS } from '../apps/relay/node-flags.ts';
import { startPostgres } from '../tests/harness/postgres.ts';
import { deviceTransport, startTestRelay, TestOrg, testId, type TestDevice } from '../tests/harness/relay.ts';
import { hostileLoad } from '../tests/integration/relay/hostile-load.ts';
import { envelopeKey, saturated } from './lib/fanout.ts';
import { relayFleet } from './lib/relay-fleet.ts';
import { rssMiB } from './lib/rss.ts';
import { channelSealer, type SealedEvent } from './lib/sealer.ts';
import { runParts } from './lib/runner.ts';
import { percentile, repeat, repeated } from './lib/stats.ts';
import type { BenchResult } from './types.ts';

const SUITE = 'relay';
/** Throughput runs measure the relay, not its per-device rate limit (default 500 frames/s). */
const UNLIMITED = { framesPerSecond: 1_000_000, frameBurst: 1_000_000 };
const ROUNDS = 5;
/** KF_BENCH_VERBOSE=1 prints the relays' logs. */
const VERBOSE = process.env.KF_BENCH_VERBOSE === '1';
/** The tests' 2 s heartbeat could call a busy bench process's relay link lost. */
const PATIENT = { heartbeatMs: 15_000, requestTimeoutMs: 60_000 };

/** Two members of a channel, with a sealer for the first. */
async function pair(): Promise<{
  org: TestOrg;
  a: TestDevice;
  b: TestDevice;
  channelId: string;
  seal: () => SealedEvent;
}> {
  const org = await TestOrg.create();
  const [ua, ub] = [org.addUser(), org.addUser()];
  const a = org.addDevice(ua);
  const b = org.addDevice(ub);
  const channelId = testId('chan');
  org.setRoster(channelId, [ua, ub]);
  return { org, a, b, channelId, seal: channelSealer(org, a, channelId) };
}

/** Publishes `events` keeping `inFlight` unacknowledged (each ack frees a slot). */
async function publishAll(
  publish: (e: SealedEvent) => Promise<unknown>,
  events: readonly SealedEvent[],
  inFlight: number,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < events.length) await publish(events[next++]!);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

export async function fanOut(): Promise<BenchResult[]> {
  const org = await TestOrg.create();
  const devices = Array.from({ length: 200 }, (_, i) => org.addDevice(org.addUser(`Nutzer ${i}`)));
  const channelId = testId('chan');
  org.setRoster(
    channelId,
    devices.map((d) => d.userId),
  );
  const seal = channelSealer(org, devices[0]!, channelId);
  const relay = await startTestRelay({
    org,
    mode: 'process',
    envelopeCheck: true,
    limits: UNLIMITED,
    verbose: VERBOSE,
  });
  try {
    const idle = rssMiB(relay.pid!);
    const fleet = await relayFleet(relay.url, devices[0]!, devices.slice(1), 'ack = durable');
    const connected = rssMiB(relay.pid!);
    const perConnectionKiB = ((connected.rss - idle.rss) * 1024) / devices.length;
    const group = { channelId, members: devices.length };
    const events = 400;
    let bytes = 0;
    try {
      await saturated(
        fleet,
        group,
        Array.from({ length: 40 }, () => seal()),
        32,
        60_000,
      );
      const rates = await repeat(ROUNDS, async () => {
        const batch = Array.from({ length: events }, () => seal());
        bytes = batch[0]!.envelope.length;
        return (await saturated(fleet, group, batch, 32, 120_000)).perSecond;
      });
      const mem = rssMiB(relay.pid!);
      const result = repeated(rates, {
        suite: SUITE,
        name: 'fan-out, 200 devices, sealed envelopes, 32 in flight (relay process and the load generator share the 2 cores)',
        unit: 'deliveries/s',
        target: '>= 5,000/s',
        note: `${events} publishes of ${bytes} B x 199 receivers per run; publisher and receivers run in the bench process next to the relay`,
      });
      return [
        { ...result, ok: result.value >= 5000 },
        { suite: SUITE, name: 'relay RSS idle (directory of 200 devices loaded)', value: idle.rss, unit: 'MiB' },
        {
          suite: SUITE,
          name: 'relay RSS with 200 connected idle devices (authenticated, before the fan-out)',
          value: connected.rss,
          unit: 'MiB',
          target: '< 80 MiB (issue 21)',
          ok: connected.rss < 80,
          note: `relay started with ${RELAY_NODE_FLAGS.join(' ') || 'no Node flags'} (apps/relay/node-flags.ts)`,
        },
        {
          suite: SUITE,
          name: 'relay RSS per connected idle device ((connected - idle) / 200)',
          value: perConnectionKiB,
          unit: 'KiB',
          target: '< 20 KiB (issue 21)',
          ok: perConnectionKiB < 20,
        },
        {
          suite: SUITE,
          name: 'relay RSS with 200 connected devices (after fan-out)',
          value: mem.rss,
          unit: 'MiB',
          note: `peak ${mem.peak.toFixed(0)} MiB`,
        },
      ];
    } finally {
      await fleet.close();
    }
  } finally {
    await relay.dispose();
  }
}

export async function publishRate(label: string, databaseUrl?: string): Promise<BenchResult> {
  const { org, a, channelId, seal } = await pair();
  const relay = await startTestRelay({
    org,
    mode: 'process',
    envelopeCheck: true,
    limits: UNLIMITED,
    verbose: VERBOSE,
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  try {
    const t = deviceTransport(relay.url, a, PATIENT);
    await t.connect();
    const publish = (e: SealedEvent) => t.publish(channelId, e.clientEventId, e.envelope);
    const n = 2000;
    await publishAll(
      publish,
      Array.from({ length: 200 }, () => seal()),
      64,
    );
    const rates = await repeat(ROUNDS, async () => {
      const events = Array.from({ length: n }, () => seal());
      const start = performance.now();
      await publishAll(publish, events, 64);
      return n / ((performance.now() - start) / 1000);
    });
    await t.close();
    return repeated(rates, {
      suite: SUITE,
      name: `publish throughput, ${label} (sealed envelopes, 64 in flight, acked = durable)`,
      unit: 'publishes/s',
      note: `${n.toLocaleString('en')} publishes per run`,
    });
  } finally {
    await relay.dispose();
  }
}

/**
 * Two relay processes on one PostgreSQL database, each with its own publishing device (64 in
 * flight each) on its own channel: the publishes per second of both together, against one relay
 * measured the same way in the same run.
 */
export async function publishRateShared(databaseUrl: string, oneRelay: number): Promise<BenchResult[]> {
  const org = await TestOrg.create();
  const users = [org.addUser(), org.addUser()];
  const devices = users.map((u) => org.addDevice(u));
  const channels = users.map(() => testId('chan'));
  channels.forEach((c) => org.setRoster(c, users));
  const seals = devices.map((d, i) => channelSealer(org, d, channels[i]!));
  const relays = [];
  for (let i = 0; i < 2; i++)
    relays.push(
      await startTestRelay({
        org,
        mode: 'process',
        envelopeCheck: true,
        limits: UNLIMITED,
        verbose: VERBOSE,
        databaseUrl,
      }),
    );
  try {
    const ts = relays.map((r, i) => deviceTransport(r.url, devices[i]!, PATIENT));
    await Promise.all(ts.map((t) => t.connect()));
    const publishers = ts.map((t, i) => (e: SealedEvent) => t.publish(channels[i]!, e.clientEventId, e.envelope));
    await Promise.all(
      publishers.map((p, i) =>
        publishAll(
          p,
          Array.from({ length: 200 }, () => seals[i]!()),
          64,
        ),
      ),
    );
    const n = 2000;
    const rates = await repeat(ROUNDS, async () => {
      const batches = seals.map((seal) => Array.from({ length: n }, () => seal()));
      const start = performance.now();
      await Promise.all(publishers.map((p, i) => publishAll(p, batches[i]!, 64)));
      return (2 * n) / ((performance.now() - start) / 1000);
    });
    await Promise.all(ts.map((t) => t.close()));
    const result = repeated(rates, {
      suite: SUITE,
      name: 'publish throughput, PostgreSQL 15 (fsync on), two relay processes on one database (one publisher each, 64 in flight each)',
      unit: 'publishes/s',
      note: `${n.toLocaleString('en')} publishes per relay per run`,
    });
    const ratio = result.value / oneRelay;
    return [
      result,
      {
        suite: SUITE,
        name: 'publish throughput, PostgreSQL: two relays / one relay',
        value: ratio,
        unit: '×',
        target: '>= 1.3 (issue 21)',
        ok: ratio >= 1.3,
      },
    ];
  } finally {
    for (const r of relays) await r.dispose();
  }
}

export async function catchUp(): Promise<BenchResult> {
  const { org, a, b, channelId, seal } = await pair();
  const relay = await startTestRelay({
    org,
    mode: 'process',
    envelopeCheck: true,
    limits: UNLIMITED,
    verbose: VERBOSE,
  });
  try {
    const alice = deviceTransport(relay.url, a, PATIENT);
    await alice.connect();
    const n = 10_000;
    await publishAll(
      (e) => alice.publish(channelId, e.clientEventId, e.envelope),
      Array.from({ length: n }, () => seal()),
      250,
    );
    await alice.close();
    const bob = deviceTransport(relay.url, b, PATIENT);
    await bob.connect();
    const times = await repeat(ROUNDS, async () => {
      const start = performance.now();
      const heads = await bob.changedChannels({});
      let got = 0;
      for (let cursor = 0; cursor < heads[channelId]!;) {
        const page = await bob.fetchPage(channelId, cursor, 500);
        got += page.length;
        cursor = page.at(-1)!.seq;
      }
      const ms = performance.now() - start;
      if (got !== n) throw new Error(`catch-up got ${got} of ${n}`);
      return ms;
    });
    await bob.close();
    const result = repeated(times, {
      suite: SUITE,
      name: 'catch-up transfer: 10,000 sealed envelopes into an empty client, pages of 500 (transport only)',
      unit: 'ms',
      target: '< 2 s with verify+decrypt+apply',
    });
    return { ...result, ok: result.value < 2000 };
  } finally {
    await relay.dispose();
  }
}

/**
 * One message at a time from Alice to Bob; each is timed from just before Alice sends it until Bob's
 * push, whichever of Alice's ack and Bob's push comes first. The first 100 warm up and are left out
 * (counted in the note); every other one is a sample, and a push that matches no sent message is
 * counted, not ignored.
 */
export async function latency(): Promise<BenchResult[]> {
  const { org, a, b, channelId, seal } = await pair();
  const relay = await startTestRelay({ org, mode: 'process', envelopeCheck: true, verbose: VERBOSE });
  try {
    const alice = deviceTransport(relay.url, a, PATIENT);
    const bob = deviceTransport(relay.url, b, PATIENT);
    await Promise.all([alice.connect(), bob.connect()]);
    const sentAt = new Map<string, number>();
    const times: number[] = [];
    let unmatched = 0;
    let pushed: (() => void) | null = null;
    bob.onPush((e) => {
      const t0 = sentAt.get(envelopeKey(e.envelope));
      if (t0 === undefined) unmatched++;
      else times.push(performance.now() - t0);
      pushed?.();
    });
    const warmUp = 100;
    const total = 600;
    for (let i = 0; i < total; i++) {
      const event = seal();
      const got = new Promise<void>((resolve) => (pushed = resolve));
      sentAt.set(envelopeKey(event.envelope), performance.now());
      await Promise.all([alice.publish(channelId, event.clientEventId, event.envelope), got]);
      if (i === warmUp - 1) times.length = 0;
    }
    await Promise.all([alice.close(), bob.close()]);
    if (times.length !== total - warmUp)
      throw new Error(`latency: ${times.length} samples of ${total - warmUp}, ${unmatched} unmatched pushes`);
    const note = `${warmUp} warm-up messages before; ${unmatched} pushes matched no sent message`;
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    return [
      {
        suite: SUITE,
        name: 'publish -> push at the other client, SQLite, p50 (transport only)',
        value: p50,
        unit: 'ms',
        samples: times.length,
        target: '< 15 ms (whole path)',
        ok: p50 < 15,
        note,
      },
      {
        suite: SUITE,
        name: 'publish -> push at the other client, SQLite, p99 (transport only)',
        value: p99,
        unit: 'ms',
        samples: times.length,
        target: '< 50 ms (whole path)',
        ok: p99 < 50,
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
  return runParts([
    ['hostile', hostile],
    ['fan-out', fanOut],
    ['publish SQLite', async () => [await publishRate('SQLite (synchronous=FULL)')]],
    [
      'publish PostgreSQL',
      async () => {
        const cluster = await startPostgres({ fsync: true });
        try {
          const one = await publishRate('PostgreSQL 15 (fsync on)', await cluster.createDatabase());
          const target = { target: '>= 8,000/s (issue 21)', ok: one.value >= 8000 };
          return [{ ...one, ...target }, ...(await publishRateShared(await cluster.createDatabase(), one.value))];
        } finally {
          await cluster.stop();
        }
      },
    ],
    ['catch-up', async () => [await catchUp()]],
    ['latency', latency],
  ]);
}
