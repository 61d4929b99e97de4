// The fan-out drivers shared by the relay and peers benches: one publisher, every other member of a
// group receiving. "Saturated" keeps a fixed number of publishes in flight (each freed by its ack)
// and measures deliveries/s until the last receiver has the last message. "Paced" sends at a fixed
// rate below saturation and times every delivery from the moment its message was sent, whatever
// the order of ack and delivery: no sample is dropped, and any delivery that matches no sent
// message is counted and reported. Both give up with an error after a deadline.
import type { SealedEvent } from './sealer.ts';

export interface Group {
  /** Relay channel id (mosquitto topic `kf/<id>`). */
  channelId: string;
  /** Members including the publisher. */
  members: number;
}

/** One system under test with its receivers connected. */
export interface Fleet {
  readonly label: string;
  /** What an ack means, stated next to every number of this system. */
  readonly guarantee: string;
  /** Set by the driver: called for every delivery at any receiver, with its key when `keyed`. */
  onDelivery: (key: string | null) => void;
  keyed: boolean;
  /** Sends one message to the group; resolves when the system acknowledged it. */
  send(group: Group, event: SealedEvent): Promise<void>;
  close(): Promise<void>;
}

/** The key a receiver can read back from a delivery: the envelope's last 24 base64url characters (its signature's tail). */
export const envelopeKey = (envelope: Uint8Array): string =>
  Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength).toString('base64url').slice(-24);

function deadline<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what())), ms)));
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export interface SaturatedRun {
  deliveries: number;
  seconds: number;
  perSecond: number;
}

export async function saturated(
  fleet: Fleet,
  group: Group,
  events: readonly SealedEvent[],
  inFlight: number,
  deadlineMs: number,
): Promise<SaturatedRun> {
  const expected = events.length * (group.members - 1);
  let delivered = 0;
  let lastAt = 0;
  let allDelivered!: () => void;
  const all = new Promise<void>((resolve) => (allDelivered = resolve));
  fleet.keyed = false;
  fleet.onDelivery = () => {
    if (++delivered === expected) {
      lastAt = performance.now();
      allDelivered();
    }
  };
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < events.length) await fleet.send(group, events[next++]!);
  };
  const what = () =>
    `${fleet.label}: ${delivered} of ${expected} deliveries, ${next} of ${events.length} sent after ${deadlineMs} ms`;
  await deadline(Promise.all(Array.from({ length: inFlight }, lane)), deadlineMs, what);
  await deadline(all, Math.max(1, deadlineMs - (performance.now() - start)), what);
  fleet.onDelivery = () => {};
  const seconds = (lastAt - start) / 1000;
  return { deliveries: expected, seconds, perSecond: expected / seconds };
}

export interface PacedRun {
  /** Send → delivery in ms, one per delivery at every receiver. */
  latencies: number[];
  /** Deliveries whose key matched no message sent in this run (expected 0). */
  unmatched: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function paced(
  fleet: Fleet,
  group: Group,
  events: readonly SealedEvent[],
  perSecond: number,
  deadlineMs: number,
): Promise<PacedRun> {
  const expected = events.length * (group.members - 1);
  const keys = events.map((e) => envelopeKey(e.envelope));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let unmatched = 0;
  let allDelivered!: () => void;
  const all = new Promise<void>((resolve) => (allDelivered = resolve));
  fleet.keyed = true;
  fleet.onDelivery = (key) => {
    const t0 = key === null ? undefined : sentAt.get(key);
    if (t0 === undefined) unmatched++;
    else latencies.push(performance.now() - t0);
    if (latencies.length + unmatched === expected) allDelivered();
  };
  const start = performance.now();
  const acks: Promise<void>[] = [];
  for (let i = 0; i < events.length; i++) {
    const wait = start + (i * 1000) / perSecond - performance.now();
    if (wait >= 1) await sleep(wait);
    sentAt.set(keys[i]!, performance.now());
    const ack = fleet.send(group, events[i]!);
    // Observed at once so a failed send is not an unhandled rejection while later ones go out;
    // Promise.all below still fails the run with it.
    ack.catch(() => {});
    acks.push(ack);
  }
  const what = () => `${fleet.label}: ${latencies.length + unmatched} of ${expected} deliveries after ${deadlineMs} ms`;
  await deadline(Promise.all(acks), deadlineMs, what);
  await deadline(all, Math.max(1, deadlineMs - (performance.now() - start)), what);
  fleet.onDelivery = () => {};
  return { latencies, unmatched };
}
