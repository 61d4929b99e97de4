// Escalations held by the relay (issue 20 item 4): 200 devices connected, each hands the relay 50
// escalations of one pre-sealed step to another device (10,000 pending), with deadlines spread
// over 20 s; the relay clock jumps to just before the first once all are held. Measured: how late each step reaches its recipient
// (arrival of the mail_push minus the deadline, on the relay's clock), p50/p99/max, budget p99 < 2 s. The deadline is
// taken as the moment the put was sent plus its delay, which is at most the put's round trip
// before the relay's own, so lateness is overstated by that much, never understated. In-process
// relay on SQLite (fsync per put, as in production); relay and devices share the 2 cores.
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { startTestRelay, TestOrg, type TestDevice } from '../tests/harness/relay.ts';
import { RawClient } from '../tests/integration/relay/raw-client.ts';
import { percentile } from './lib/stats.ts';
import type { BenchResult } from './types.ts';

const SUITE = 'escalation';
const DEVICES = 200;
const PER_DEVICE = 50;
/**
 * Deadlines lie this far after each put (far beyond the put phase: every put is one fsynced
 * transaction, under 100 a second on the loaded 2-core machine) and spread over SPREAD_MS. Once all
 * 10,000 are held, the relay's clock jumps forward so that the first deadline is LEAD_MS away: the
 * release depends on the relay's clock alone, so what follows is measured in real time.
 */
const DELAY_MS = 600_000;
const LEAD_MS = 5_000;
const SPREAD_MS = 20_000;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

export async function run(): Promise<BenchResult[]> {
  const org = await TestOrg.create();
  const devices: TestDevice[] = Array.from({ length: DEVICES }, (_, i) => org.addDevice(org.addUser(`Nutzer ${i}`)));
  let offset = 0;
  const relayNow = () => Date.now() + offset;
  const relay = await startTestRelay({ org, now: relayNow, limits: { maxPendingEscalationsPerDevice: PER_DEVICE } });
  const clients: RawClient[] = [];
  try {
    for (const d of devices) {
      const raw = await RawClient.open(relay.url);
      await raw.authenticate(d);
      clients.push(raw);
    }
    const deadlines = new Map<string, number>();
    const arrivals = new Map<string, number>();
    for (const raw of clients)
      raw.ws.on('message', (data: WebSocket.RawData, binary: boolean) => {
        if (binary) return;
        const at = relayNow();
        const frame = JSON.parse(String(data)) as { t: string; item?: { messageId: string } };
        if (frame.t === 'mail_push' && frame.item) arrivals.set(frame.item.messageId, at);
      });

    const putStart = Date.now();
    await Promise.all(
      clients.map(async (raw, d) => {
        for (let k = 0; k < PER_DEVICE; k++) {
          const n = d * PER_DEVICE + k;
          const messageId = `esc${String(n).padStart(6, '0')}m`;
          const delayMs = DELAY_MS + Math.floor((n / (DEVICES * PER_DEVICE)) * SPREAD_MS);
          deadlines.set(messageId, relayNow() + delayMs);
          const answer = await raw.request(
            {
              t: 'esc_put',
              escalationId: `esc${String(n).padStart(6, '0')}`,
              tokenHash: b64(randomBytes(32)),
              steps: [
                {
                  delayMs,
                  items: [
                    { toDeviceId: devices[(d + 1) % DEVICES]!.deviceId, messageId, payload: b64(randomBytes(256)) },
                  ],
                },
              ],
            },
            60_000,
          );
          if (answer.t !== 'ok') throw new Error(`esc_put refused: ${JSON.stringify(answer)}`);
        }
      }),
    );
    const putMs = Date.now() - putStart;
    const pending = await relay.store!.escalations.pendingItems();
    const firstDeadline = Math.min(...deadlines.values());
    if (relayNow() >= firstDeadline) throw new Error(`the put phase outlasted DELAY_MS (${DELAY_MS} ms)`);
    offset = firstDeadline - LEAD_MS - Date.now();

    // Wait for every step, bounded: the last deadline plus a minute.
    const lastDeadline = Math.max(...deadlines.values());
    while (arrivals.size < deadlines.size && relayNow() < lastDeadline + 60_000)
      await new Promise((r) => setTimeout(r, 200));
    const lateness = [...deadlines]
      .map(([id, deadline]) => (arrivals.get(id) ?? Infinity) - deadline)
      .sort((a, b) => a - b);
    const missing = deadlines.size - arrivals.size;
    const p99 = percentile(lateness, 99);
    return [
      {
        suite: SUITE,
        name: `pending escalations held (${DEVICES} devices connected, put in ${(putMs / 1000).toFixed(1)} s)`,
        value: pending,
        unit: 'items',
        target: '10,000',
        ok: pending === DEVICES * PER_DEVICE,
      },
      {
        suite: SUITE,
        name: 'release lateness p50 (mail_push at the recipient minus the deadline)',
        value: percentile(lateness, 50),
        unit: 'ms',
        samples: lateness.length,
      },
      {
        suite: SUITE,
        name: 'release lateness p99',
        value: p99,
        unit: 'ms',
        samples: lateness.length,
        target: '< 2000 ms',
        ok: p99 < 2000 && missing === 0,
        ...(missing > 0 ? { note: `${missing} never arrived` } : {}),
      },
      { suite: SUITE, name: 'release lateness max', value: lateness.at(-1)!, unit: 'ms', samples: lateness.length },
    ];
  } finally {
    clients.forEach((c) => c.close());
    await relay.dispose();
  }
}
