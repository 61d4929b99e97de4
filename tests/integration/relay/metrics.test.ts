// Prometheus metrics: off unless configured; then on their own listener, with the documented
// names, moving with traffic, and without a user, device, channel or name in any label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';

const NAMES = [
  'klinikfunk_relay_connections',
  'klinikfunk_relay_connected_devices',
  'klinikfunk_relay_connected_clients',
  'klinikfunk_relay_publishes_total',
  'klinikfunk_relay_deliveries_total',
  'klinikfunk_relay_publish_to_push_seconds',
  'klinikfunk_relay_mailbox_items',
  'klinikfunk_relay_blob_bytes',
  'klinikfunk_relay_storage_errors_total',
  'klinikfunk_relay_failed_requests_total',
];

/** The value of one sample line (`name` with its labels as written), NaN when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

describe('relay metrics', () => {
  let org: TestOrg;
  let a: TestDevice;
  let b: TestDevice;
  let away: TestDevice;
  let channelId: string;
  let relay: TestRelay;
  let url: string;
  const scrape = async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    org = await TestOrg.create();
    const [ua, ub] = [org.addUser('Anna Pflege'), org.addUser('Ben Station')];
    a = org.addDevice(ua);
    b = org.addDevice(ub);
    away = org.addDevice(ub);
    channelId = testId('chan');
    org.setRoster(channelId, [ua, ub]);
    relay = await startTestRelay({ org, mode: 'process', args: ['--metrics-port', '0'] });
    const listening = /"msg":"metrics listening","url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/;
    // Logged right after "relay listening", where the harness stops waiting.
    await until(() => listening.test(relay.output()), 10_000);
    url = listening.exec(relay.output())![1]!;
  }, 60_000);
  afterAll(async () => {
    await relay?.dispose();
  });

  it('are off unless configured', { timeout: 30_000 }, async () => {
    const plain = await startTestRelay({ org, mode: 'process' });
    try {
      expect(plain.output()).not.toMatch(/metrics listening/);
      // Not on the relay's own port either.
      expect((await fetch(`http://127.0.0.1:${plain.port}/metrics`)).status).toBe(404);
    } finally {
      await plain.dispose();
    }
  });

  it(
    'serve the documented names on their own listener and move with publishes, mail and blobs',
    { timeout: 30_000 },
    async () => {
      const before = await scrape();
      for (const name of NAMES) expect(before).toContain(`# TYPE ${name} `);
      expect(sample(before, 'klinikfunk_relay_publishes_total')).toBe(0);
      // The relay's own port answers no metrics.
      expect((await fetch(`http://127.0.0.1:${relay.port}/metrics`)).status).toBe(404);

      const alice: RelayTransport = deviceTransport(relay.url, a);
      const bob: RelayTransport = deviceTransport(relay.url, b);
      try {
        await Promise.all([alice.connect(), bob.connect()]);
        let pushed = 0;
        bob.onPush(() => pushed++);
        for (let i = 0; i < 3; i++) await alice.publish(channelId, testId('evt'), new Uint8Array([i]));
        await until(() => pushed === 3, 10_000);
        await alice.sendMail(away.deviceId, testId('msg'), new Uint8Array([7, 7]));
        const blob = new Uint8Array(3000).fill(5);
        await alice.putBlob(blob);

        const after = await scrape();
        expect(sample(after, 'klinikfunk_relay_publishes_total')).toBe(3);
        expect(sample(after, 'klinikfunk_relay_deliveries_total')).toBeGreaterThanOrEqual(3);
        expect(sample(after, 'klinikfunk_relay_publish_to_push_seconds_count')).toBe(3);
        expect(sample(after, 'klinikfunk_relay_publish_to_push_seconds_bucket{le="+Inf"}')).toBe(3);
        expect(sample(after, 'klinikfunk_relay_connected_devices')).toBe(2);
        expect(sample(after, `klinikfunk_relay_connected_clients{protocol="${RELAY_PROTOCOL_VERSION}"}`)).toBe(2);
        expect(sample(after, 'klinikfunk_relay_mailbox_items')).toBe(1);
        expect(sample(after, 'klinikfunk_relay_blob_bytes')).toBe(blob.length);
        expect(sample(after, 'klinikfunk_relay_storage_errors_total')).toBe(0);

        // No ids or names anywhere, and no label but the histogram's bound and the protocol version.
        for (const secret of [
          org.orgId,
          a.deviceId,
          b.deviceId,
          away.deviceId,
          a.userId,
          b.userId,
          channelId,
          'Anna',
          'Ben',
        ])
          expect(after).not.toContain(secret);
        const labelNames = new Set([...after.matchAll(/[{,]([a-zA-Z_]+)="/g)].map((m) => m[1]));
        expect([...labelNames].sort()).toEqual(['le', 'protocol']);
      } finally {
        await Promise.all([alice.close(), bob.close()]);
      }
    },
  );
});
