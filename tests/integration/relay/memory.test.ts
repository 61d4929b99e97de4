// Relay memory with connected idle devices (issue 21 item 4): a relay process started as the
// service unit starts it (apps/relay/node-flags.ts), its RSS idle with a directory of 200 devices
// and with all 200 authenticated and idle. The ceilings are generous (measured: about 111 MiB, 139 without the node flags, and
// 7-13 KiB per connection; docs/performance.md): they catch a gross regression (a buffer
// allocated per socket, the young generation back at V8's default), not a few MiB of noise.
import { describe, expect, it } from 'vitest';
import { startTestRelay, TestOrg, testId } from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';
import { rssMiB } from './hostile-sockets.ts';

const DEVICES = 200;
const CONNECTED_CEILING_MIB = 128;
const PER_CONNECTION_CEILING_KIB = 64;

describe('relay memory', () => {
  it(
    `holds ${DEVICES} connected idle devices under ${CONNECTED_CEILING_MIB} MiB, under ${PER_CONNECTION_CEILING_KIB} KiB each`,
    { timeout: 120_000 },
    async () => {
      const org = await TestOrg.create();
      const devices = Array.from({ length: DEVICES }, (_, i) => org.addDevice(org.addUser(`Nutzer ${i}`)));
      org.setRoster(
        testId('chan'),
        devices.map((d) => d.userId),
      );
      const relay = await startTestRelay({ org, mode: 'process' });
      const sockets: RawClient[] = [];
      try {
        const idle = rssMiB(relay.pid!).rss;
        for (const device of devices) {
          const socket = await RawClient.open(relay.url);
          sockets.push(socket);
          expect((await socket.authenticate(device, device.sign, undefined)).t).toBe('auth_ok');
        }
        const connected = rssMiB(relay.pid!).rss;
        const perConnectionKiB = ((connected - idle) * 1024) / DEVICES;
        expect(connected).toBeLessThan(CONNECTED_CEILING_MIB);
        expect(perConnectionKiB).toBeLessThan(PER_CONNECTION_CEILING_KIB);
      } finally {
        sockets.forEach((s) => s.close());
        await relay.dispose();
      }
    },
  );
});
