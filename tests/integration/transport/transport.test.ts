// The Transport contract against the loopback hub and against a real relay (SQLite) over
// real WebSockets on 127.0.0.1.
import { LoopbackHub, type LoopbackTransport } from '../../../apps/desktop/electron/core/transport/loopback.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import type { Transport } from '../../../apps/desktop/electron/core/transport/transport.ts';
import { deviceTransport, startTestRelay, TestOrg, testId } from '../../harness/relay.ts';
import { transportContract } from './contract.ts';

transportContract('loopback', async () => {
  const channelId = testId('chan');
  const members = new Set(['devalice1', 'devbob001']);
  const hub = new LoopbackHub({ canAccess: (deviceId, channel) => channel !== channelId || members.has(deviceId) });
  const alice = hub.transport('devalice1');
  const bob = hub.transport('devbob001');
  const outsider = hub.transport('devcarol1');
  return {
    alice,
    bob,
    outsider,
    bobDeviceId: 'devbob001',
    channelId,
    record: { v: 1, type: 'roster', body: {}, signer: { kind: 'org', id: 'org00000' }, sig: 'c2lnbmF0dXJl' },
    drop: (t: Transport) => (t as LoopbackTransport).dropConnection(30),
    dispose: async () => {
      await Promise.all([alice.close(), bob.close(), outsider.close()]);
    },
  };
});

transportContract('relay (SQLite)', async () => {
  const org = await TestOrg.create();
  const [ua, ub, uc] = [org.addUser('Anna'), org.addUser('Ben'), org.addUser('Carla')];
  const [da, db, dc] = [org.addDevice(ua), org.addDevice(ub), org.addDevice(uc)];
  const channelId = testId('chan');
  org.setRoster(channelId, [ua, ub]);
  const relay = await startTestRelay({ org });
  // A record for the upload test: the first roster of another channel (not seeded).
  const record = org.sign('roster', {
    orgId: org.orgId,
    channelId: testId('chan'),
    epoch: 1,
    prevHash: null,
    kind: 'channel',
    members: [{ userId: uc, role: 'admin' }],
    historyForNewMembers: false,
    issuedAt: Date.now(),
  });
  const alice = deviceTransport(relay.url, da);
  const bob = deviceTransport(relay.url, db);
  const outsider = deviceTransport(relay.url, dc);
  return {
    alice,
    bob,
    outsider,
    bobDeviceId: db.deviceId,
    channelId,
    record: record as unknown as Record<string, unknown>,
    drop: (t: Transport) => (t as RelayTransport).dropConnection(),
    dispose: async () => {
      await Promise.all([alice.close(), bob.close(), outsider.close()]);
      await relay.dispose();
    },
  };
});
