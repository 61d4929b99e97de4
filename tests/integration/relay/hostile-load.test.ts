// Honest devices keep exchanging while hostile sockets press on a relay process (issue 14,
// item 8), scaled down: 200 hostile sockets, 20 honest devices. The full size (2,000 and 200) is
// the relay bench case `hostile` (bench/relay.bench.ts); both ceilings are in docs/security.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '@klinikfunk/protocol/relay/frames.ts';
import { hostileLoad } from './hostile-load.ts';

describe('hostile load against a relay process', () => {
  let result: Awaited<ReturnType<typeof hostileLoad>>;
  beforeAll(async () => {
    result = await hostileLoad({
      honestDevices: 20,
      hostileSockets: 200,
      hostileDevices: 5,
      messagesPerDevice: 5,
      silentPerAddress: 50,
      blobBytes: 2 * 1024 * 1024,
    });
  }, 120_000);
  afterAll(() => {
    console.info('hostile load (scaled down):', JSON.stringify(result));
  });

  it('honest devices exchange every message while 200 hostile sockets press on the relay; its RSS stays under 320 MiB', () => {
    expect(result.delivered).toBe(result.expected);
    // 100 silent sockets from two addresses: 32 each are let in, then cut at the auth deadline.
    expect(result.hostileClosed).toEqual({ 1013: 100 - 2 * 32, [CLOSE_CODES.authTimeout]: 2 * 32 });
    // 100 member sockets of 5 devices: 4 each stay (the newest), the others were replaced.
    expect(result.relayConnections).toBe(20 + 5 * 4);
    expect(result.loadRssMiB).toBeLessThan(320);
  });
});
