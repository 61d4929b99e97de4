// A device's frame budget is the device's, not its socket's: closing every socket and
// reconnecting must not refill it (else the rate limit is one burst per reconnect).
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, TestOrg, type TestDevice } from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';
import { RawClient, type RawAnswer } from './raw-client.ts';

async function pings(raw: RawClient, count: number): Promise<RawAnswer[]> {
  return Promise.all(Array.from({ length: count }, () => raw.request({ t: 'ping' })));
}

describe('per-device rate limits across reconnects', () => {
  let org: TestOrg;
  let device: TestDevice;
  beforeAll(async () => {
    org = await TestOrg.create();
    device = org.addDevice(org.addUser('Mallory'));
  });

  it('keeps a spent frame bucket when the device closes all its sockets and comes back', async () => {
    const relay = await startTestRelay({ org, limits: { framesPerSecond: 1, frameBurst: 20 } });
    try {
      const first = await RawClient.open(relay.url);
      await first.authenticate(device);
      const spent = await pings(first, 30);
      expect(spent.filter((a) => a.code === 'rate_limited').length).toBeGreaterThanOrEqual(5);
      first.close();
      await until(() => relay.relay!.stats().authenticated === 0, 5000);
      const again = await RawClient.open(relay.url);
      await again.authenticate(device);
      // A second or so has passed: one or two tokens, not a fresh burst of 20.
      const answers = await pings(again, 10);
      expect(answers.filter((a) => a.t === 'pong').length).toBeLessThanOrEqual(4);
      again.close();
    } finally {
      await relay.dispose();
    }
  });
});
