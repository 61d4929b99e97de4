// Many honest workstations behind one address (a hospital's NAT, a terminal server, or the
// TLS-terminating reverse proxy and load balancer docs/operations.md recommends, where every
// client has the proxy's address): sockets that never authenticate from that same address must
// not lock them out of the relay, and the relay still holds only a bounded number of them.
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, TestOrg, type TestDevice } from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';
import { authenticatedSocket, silentSocket, type HostileSocket } from './hostile-sockets.ts';

describe('unauthenticated sockets sharing an address with honest devices', () => {
  let org: TestOrg;
  let honest: TestDevice[];
  beforeAll(async () => {
    org = await TestOrg.create();
    honest = Array.from({ length: 6 }, (_, i) => org.addDevice(org.addUser(`Station ${i}`)));
  });

  it('lets honest devices sign in from an address whose unauthenticated slots an attacker holds', async () => {
    const address = '127.0.0.7';
    const relay = await startTestRelay({ org, limits: { maxUnauthenticatedPerAddress: 8, authTimeoutMs: 5000 } });
    const idle: HostileSocket[] = [];
    const logins: HostileSocket[] = [];
    try {
      // The attacker fills the address's slots (and would renew them before the deadline).
      idle.push(...(await Promise.all(Array.from({ length: 8 }, () => silentSocket(relay.url, address)))));
      for (const device of honest) logins.push(await authenticatedSocket(relay.url, device, address));
      expect(logins.map((s) => s.closed)).toEqual(Array<null>(honest.length).fill(null));
      expect(relay.relay!.stats().authenticated).toBe(honest.length);
      // Still bounded: more idle sockets from the address leave at most 8 of them open.
      idle.push(...(await Promise.all(Array.from({ length: 20 }, () => silentSocket(relay.url, address)))));
      await until(() => idle.filter((s) => s.closed === null).length <= 8, 5000);
      expect(idle.filter((s) => s.closed !== null).every((s) => s.closed === 1013)).toBe(true);
      expect(logins.map((s) => s.closed)).toEqual(Array<null>(honest.length).fill(null));
    } finally {
      [...idle, ...logins].forEach((s) => s.ws.terminate());
      await relay.dispose();
    }
  });
});
