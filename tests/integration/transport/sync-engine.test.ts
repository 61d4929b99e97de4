// The lead's sync engine (apps/desktop/electron/core/sync) running on the real relay transport against a real
// relay: the Transport plugs into the engine's SyncTransport port unchanged. Offline outbox,
// catch-up, live pushes and recovery after a dropped socket, end to end over WebSockets.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { SyncEngine } from '../../../apps/desktop/electron/core/sync/engine.ts';
import { MemorySyncStore } from '../../../apps/desktop/electron/core/sync/memory-store.ts';
import type { SyncTransport } from '../../../apps/desktop/electron/core/sync/ports.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { FakeSyncCrypto } from '../../unit/sync/fakes.ts';
import { deviceTransport, startTestRelay, TestOrg, testId, type TestDevice } from '../../harness/relay.ts';
import { until } from './contract.ts';

function client(url: string, device: TestDevice) {
  const transport: RelayTransport = deviceTransport(url, device);
  const port: SyncTransport = transport; // compiles only while Transport satisfies the engine's port
  const store = new MemorySyncStore();
  const engine = new SyncEngine({
    transport: port,
    crypto: new FakeSyncCrypto(device.deviceId),
    store,
    clock: systemClock,
    log: createMemoryLogger('warn').logger,
    pageSize: 25,
  });
  return { transport, store, engine };
}

describe('sync engine over the relay transport', () => {
  it(
    'sends from the outbox, catches up a late device, follows live, and recovers after a drop',
    { timeout: 30_000 },
    async () => {
      const org = await TestOrg.create();
      const [ua, ub] = [org.addUser(), org.addUser()];
      const a = org.addDevice(ua);
      const b = org.addDevice(ub);
      const channelId = testId('chan');
      org.setRoster(channelId, [ua, ub]);
      const relay = await startTestRelay({ org });
      const alice = client(relay.url, a);
      const bob = client(relay.url, b);
      const queue = (n: number, from: number) => {
        for (let i = from; i < from + n; i++) {
          alice.store.enqueue({
            clientEventId: `evtsync${String(i).padStart(5, '0')}`,
            channelId,
            contentType: 'message',
            payload: { text: `m${i}` },
            createdAt: Date.now(),
          });
        }
      };
      const texts = () => (bob.store.events.get(channelId) ?? []).map((e) => (e.payload as { text: string }).text);
      try {
        // Written while offline, sent once connected.
        queue(60, 0);
        await alice.engine.start();
        await alice.transport.connect();
        await until(() => alice.store.sent.size === 60, 10_000);
        // Bob arrives late: catch-up in pages.
        await bob.engine.start();
        await bob.transport.connect();
        await until(() => texts().length === 60, 10_000);
        // Live.
        queue(10, 60);
        await alice.engine.notifyQueued();
        await until(() => texts().length === 70, 10_000);
        // Bob's socket drops while Alice keeps sending: nothing lost, nothing doubled.
        bob.transport.dropConnection();
        queue(20, 70);
        await alice.engine.notifyQueued();
        await until(() => texts().length === 90, 10_000);
        expect(texts()).toEqual(Array.from({ length: 90 }, (_, i) => `m${i}`));
        expect((bob.store.events.get(channelId) ?? []).map((e) => e.seq)).toEqual(
          Array.from({ length: 90 }, (_, i) => i + 1),
        );
      } finally {
        alice.engine.stop();
        bob.engine.stop();
        await Promise.all([alice.transport.close(), bob.transport.close()]);
        await relay.dispose();
      }
    },
  );

  it(
    'a socket dropped in the middle of a catch-up: the engine resumes from the stored cursor, nothing missed or doubled',
    { timeout: 30_000 },
    async () => {
      const org = await TestOrg.create();
      const [ua, ub] = [org.addUser(), org.addUser()];
      const a = org.addDevice(ua);
      const b = org.addDevice(ub);
      const channelId = testId('chan');
      org.setRoster(channelId, [ua, ub]);
      const relay = await startTestRelay({ org });
      const alice = deviceTransport(relay.url, a);
      const bob = client(relay.url, b);
      const total = 600;
      try {
        await alice.connect();
        for (let i = 0; i < total; i += 50) {
          await Promise.all(
            Array.from({ length: 50 }, (_, k) => {
              const id = `evtdrop${String(i + k).padStart(5, '0')}`;
              return alice.publish(
                channelId,
                id,
                new TextEncoder().encode(
                  JSON.stringify({ id, sender: a.deviceId, epoch: 1, body: { text: `d${i + k}` } }),
                ),
              );
            }),
          );
        }
        // The fourth page applied cuts Bob's socket: the pull in flight fails, the reconnect resumes.
        let pages = 0;
        let handedOver = 0;
        const applyBatch = bob.store.applyBatch.bind(bob.store);
        bob.store.applyBatch = async (channel, batch) => {
          handedOver += batch.events.length;
          await applyBatch(channel, batch);
          if (++pages === 4) bob.transport.dropConnection();
        };
        const states: string[] = [];
        bob.transport.onState((state) => states.push(state));
        await bob.engine.start();
        await bob.transport.connect();
        const events = () => bob.store.events.get(channelId) ?? [];
        await until(() => events().length >= total, 15_000);
        expect(pages).toBeGreaterThan(4);
        expect(states.filter((state) => state === 'online')).toHaveLength(2);
        // Resumed, not restarted: no page was applied twice.
        expect(handedOver).toBe(total);
        expect(events().map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
        expect(events().map((e) => (e.payload as { text: string }).text)).toEqual(
          Array.from({ length: total }, (_, i) => `d${i}`),
        );
        expect(await bob.store.cursors()).toEqual({ [channelId]: total });
      } finally {
        bob.engine.stop();
        await Promise.all([alice.close(), bob.transport.close()]);
        await relay.dispose();
      }
    },
  );
});
