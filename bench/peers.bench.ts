// The relay next to a peer on the same machine: mosquitto 2.0 (C, MQTT QoS 1, Debian package) and
// the relay process, the same fan-out against both in alternating rounds (which system goes first
// swaps every round, so neither always gets the cooler machine): one publisher, groups of 50 and
// 200 members, 2,000 messages each run carrying the same sealed envelopes (what a client really
// sends), saturated (32 in flight) and paced (20,000 deliveries/s at either size, latency of every
// delivery from its send). The guarantees differ and are stated next to the numbers: the relay acks a publish after
// it is durable in SQLite (synchronous=FULL); mosquitto without persistence acks QoS 1 from memory.
// Opt-in (`npm run bench -- peers`), bounded in time (BUDGET_MS, DEADLINE_MS); recorded as skipped,
// with the reason, where mosquitto is not installed.
import { startTestRelay, TestOrg, testId } from '../tests/harness/relay.ts';
import { paced, saturated, type Fleet, type Group } from './lib/fanout.ts';
import { MOSQUITTO_PATH, startMosquitto } from './lib/mosquitto.ts';
import { mqttFleet } from './lib/mqtt-fleet.ts';
import { relayFleet } from './lib/relay-fleet.ts';
import { rssMiB } from './lib/rss.ts';
import { SuiteSkipped } from './lib/runner.ts';
import { channelSealer, type SealedEvent } from './lib/sealer.ts';
import { percentile, repeated, summarize } from './lib/stats.ts';
import type { BenchResult } from './types.ts';

const SUITE = 'peers';
const ROUNDS = Number(process.env.KF_BENCH_PEER_ROUNDS ?? 2);
const SIZES = [50, 200];
const MESSAGES = 2000;
const IN_FLIGHT = 32;
/** Paced runs offer the same delivery rate at both sizes: 400 messages/s to 50 members, 100/s to 200. */
const PACED_DELIVERIES_PER_SECOND = 20_000;
const pacedRate = (members: number) => Math.min(400, Math.round(PACED_DELIVERIES_PER_SECOND / (members - 1)));
const DEADLINE_MS = 90_000;
/** No new round starts after this long. */
const BUDGET_MS = 150_000;
const UNLIMITED = { framesPerSecond: 1_000_000, frameBurst: 1_000_000 };
const RELAY_GUARANTEE = 'ack = durable (SQLite synchronous=FULL), envelope check on';
const MQTT_GUARANTEE = 'QoS 1, persistence off: ack = in memory, not durable';

interface Tally {
  rates: number[];
  p50: number[];
  p99: number[];
  samples: number;
  unmatched: number;
}
const tally = (): Tally => ({ rates: [], p50: [], p99: [], samples: 0, unmatched: 0 });

export async function run(): Promise<BenchResult[]> {
  const broker = await startMosquitto();
  if (!broker)
    throw new SuiteSkipped(
      `mosquitto is not installed at ${MOSQUITTO_PATH} (Debian package mosquitto, which .ci/run installs); the peers bench needs it`,
    );
  const org = await TestOrg.create();
  const users = Array.from({ length: Math.max(...SIZES) }, (_, i) => org.addUser(`Nutzer ${i}`));
  const devices = users.map((u) => org.addDevice(u));
  const groups: Group[] = SIZES.map((members) => {
    const channelId = testId('chan');
    org.setRoster(channelId, users.slice(0, members));
    return { channelId, members };
  });
  const sealers = groups.map((g) => channelSealer(org, devices[0]!, g.channelId));
  const seal = (gi: number, n: number): SealedEvent[] => Array.from({ length: n }, () => sealers[gi]!());
  let relay: Awaited<ReturnType<typeof startTestRelay>> | null = null;
  const fleets: Fleet[] = [];
  try {
    relay = await startTestRelay({
      org,
      mode: 'process',
      envelopeCheck: true,
      limits: UNLIMITED,
      verbose: process.env.KF_BENCH_VERBOSE === '1',
    });
    const relayF = await relayFleet(relay.url, devices[0]!, devices.slice(1), RELAY_GUARANTEE);
    fleets.push(relayF);
    const mqttF = await mqttFleet(broker.port, groups, devices.length - 1, MQTT_GUARANTEE);
    fleets.push(mqttF);
    const tallies = new Map<string, Tally>();
    const of = (f: Fleet, g: Group) => {
      const key = `${f.label}/${g.members}`;
      if (!tallies.has(key)) tallies.set(key, tally());
      return tallies.get(key)!;
    };
    const ratios = new Map<number, { throughput: number[]; p50: number[] }>(
      SIZES.map((n) => [n, { throughput: [], p50: [] }]),
    );
    let envelopeBytes = 0;

    // Warm-up: connections, JIT and the relay's statements, not measured.
    for (const [gi, g] of groups.entries()) {
      const warm = seal(gi, 100);
      for (const f of fleets) await saturated(f, g, warm, IN_FLIGHT, DEADLINE_MS);
    }
    const began = performance.now();
    let rounds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Bounded: a loaded machine gets fewer rounds (stated in the notes), not a run without end.
      if (round > 0 && performance.now() - began > BUDGET_MS) break;
      rounds++;
      const order = round % 2 === 0 ? [relayF, mqttF] : [mqttF, relayF];
      for (const [gi, g] of groups.entries()) {
        const burst = seal(gi, MESSAGES);
        const steady = seal(gi, MESSAGES);
        envelopeBytes = burst[0]!.envelope.length;
        const rate = new Map<Fleet, number>();
        for (const f of order) {
          const r = await saturated(f, g, burst, IN_FLIGHT, DEADLINE_MS);
          of(f, g).rates.push(r.perSecond);
          rate.set(f, r.perSecond);
        }
        const p50 = new Map<Fleet, number>();
        for (const f of order) {
          const r = await paced(f, g, steady, pacedRate(g.members), DEADLINE_MS);
          const t = of(f, g);
          t.p50.push(percentile(r.latencies, 50));
          t.p99.push(percentile(r.latencies, 99));
          t.samples += r.latencies.length;
          t.unmatched += r.unmatched;
          p50.set(f, percentile(r.latencies, 50));
        }
        ratios.get(g.members)!.throughput.push(rate.get(relayF)! / rate.get(mqttF)!);
        ratios.get(g.members)!.p50.push(p50.get(relayF)! / p50.get(mqttF)!);
        process.stderr.write(
          `peers round ${round + 1}/${ROUNDS}, ${g.members} members: relay ${rate.get(relayF)!.toFixed(0)} vs mosquitto ${rate.get(mqttF)!.toFixed(0)} deliveries/s; paced p50 ${p50.get(relayF)!.toFixed(2)} vs ${p50.get(mqttF)!.toFixed(2)} ms\n`,
        );
      }
    }
    const relayMem = rssMiB(relay.pid!);
    const brokerMem = rssMiB(broker.pid);

    const results: BenchResult[] = [];
    const shared = `${rounds} alternating round${rounds === 1 ? '' : 's'}${rounds < ROUNDS ? ` (of ${ROUNDS}: the time budget ran out)` : ''}; ${MESSAGES.toLocaleString('en')} sealed envelopes of ${envelopeBytes} B per run; publisher and all receivers run in the bench process on the same 2 cores`;
    for (const g of groups) {
      const n = g.members;
      for (const f of [relayF, mqttF]) {
        const t = of(f, g);
        results.push(
          repeated(t.rates, {
            suite: SUITE,
            name: `fan-out ${n} members, saturated (${IN_FLIGHT} in flight): ${f.label}`,
            unit: 'deliveries/s',
            note: `${f.guarantee}; ${shared}`,
          }),
        );
      }
      const r = ratios.get(n)!;
      const ratio = summarize(r.throughput).median;
      results.push(
        repeated(r.throughput, {
          suite: SUITE,
          name: `fan-out ${n} members, saturated: relay / mosquitto`,
          unit: '×',
          target: '>= 1.3 (issue 21)',
          ok: ratio >= 1.3,
        }),
      );
      for (const f of [relayF, mqttF]) {
        const t = of(f, g);
        const unmatched =
          t.unmatched === 0
            ? 'every delivery matched a sent message'
            : `${t.unmatched} deliveries matched no sent message`;
        results.push(
          repeated(t.p50, {
            suite: SUITE,
            name: `fan-out ${n} members, paced ${pacedRate(n)} messages/s, send → delivery p50: ${f.label}`,
            unit: 'ms',
            samples: t.samples,
            note: `${f.guarantee}; ${unmatched}`,
          }),
        );
        results.push(
          repeated(t.p99, {
            suite: SUITE,
            name: `fan-out ${n} members, paced ${pacedRate(n)} messages/s, send → delivery p99: ${f.label}`,
            unit: 'ms',
            samples: t.samples,
          }),
        );
      }
      const latency = summarize(r.p50).median;
      results.push(
        repeated(r.p50, {
          suite: SUITE,
          name: `fan-out ${n} members, paced p50: relay / mosquitto`,
          unit: '×',
          target: '<= 1.0 (issue 21)',
          ok: latency <= 1,
        }),
      );
    }
    results.push(
      {
        suite: SUITE,
        name: 'relay RSS after the rounds (199 devices connected)',
        value: relayMem.rss,
        unit: 'MiB',
        note: `peak ${relayMem.peak.toFixed(0)} MiB`,
      },
      {
        suite: SUITE,
        name: `mosquitto ${broker.version} RSS after the rounds (200 clients connected)`,
        value: brokerMem.rss,
        unit: 'MiB',
        note: `peak ${brokerMem.peak.toFixed(0)} MiB`,
      },
    );
    return results;
  } finally {
    for (const f of fleets) await f.close();
    await relay?.dispose();
    await broker.stop();
  }
}
