// A client is SIGKILLed between publish and ack, then restarted from its own encrypted store: the
// durable outbox resends what was not acked with the same client event ids and the same sealed
// bytes, the relay answers the one it already had with its original seq, and the log holds every
// message exactly once, in order.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { asDbKey } from '@klinikfunk/crypto/keys.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { SyncEngine } from '../../../apps/desktop/electron/core/sync/engine.ts';
import { FakeSyncCrypto } from '../../unit/sync/fakes.ts';
import { deviceTransport, startTestRelay, TestOrg, testId } from '../../harness/relay.ts';
import { until } from './contract.ts';
import { outboxEventId } from './outbox-kill-fixtures.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

describe('client faults with the durable outbox', () => {
  it(
    'client SIGKILLed between publish and ack, restarted from its store: resent once, deduplicated, in order',
    { timeout: 30_000 },
    async () => {
      const org = await TestOrg.create();
      const [ua, ub] = [org.addUser(), org.addUser()];
      const a = org.addDevice(ua);
      const b = org.addDevice(ub);
      const channelId = testId('chan');
      org.setRoster(channelId, [ua, ub]);
      const relay = await startTestRelay({ org });
      const dir = mkdtempSync(join(tmpdir(), 'kf-outbox-kill-'));
      const storePath = join(dir, 'store.db');
      const key = randomBytes(32);
      const count = 20;
      const killAt = 8;
      try {
        const child = spawn(
          process.execPath,
          [
            fileURLToPath(new URL('./outbox-kill-child.ts', import.meta.url)),
            JSON.stringify({
              url: relay.url,
              deviceId: a.deviceId,
              secretKey: Buffer.from(a.keys.signing.secretKey).toString('base64url'),
              channelId,
              storePath,
              keyHex: key.toString('hex'),
              count,
              killAt,
            }),
          ],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        );
        const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
          child.once('exit', (_code, sig) => resolve(sig)),
        );
        expect(signal).toBe('SIGKILL');
        // The relay stored message `killAt` (its frame left before the kill), but its ack was never read.
        await expect
          .poll(async () => (await relay.store!.heads([channelId])).get(channelId), { timeout: 5_000 })
          .toBe(killAt);

        const store = ProfileStore.open(storePath, asDbKey(new Uint8Array(key)), { create: false });
        const outbox = () =>
          testDatabase(store)
            .prepare('SELECT client_event_id FROM outbox ORDER BY queue_order')
            .pluck()
            .all() as string[];
        expect(outbox()).toEqual(Array.from({ length: count - killAt + 1 }, (_, i) => outboxEventId(killAt - 1 + i)));
        expect((await store.messages.get(channelId, outboxEventId(killAt - 1)))!.delivery).toBe('sending');

        // Restart: the same store, a new engine and connection.
        const transport = deviceTransport(relay.url, a);
        const engine = new SyncEngine({
          transport,
          crypto: new FakeSyncCrypto(a.deviceId),
          store: store.sync,
          clock: systemClock,
          log: createMemoryLogger('error').logger,
        });
        try {
          await engine.start();
          await transport.connect();
          await until(() => outbox().length === 0, 10_000);
        } finally {
          engine.stop();
          await transport.close();
        }

        const bob = deviceTransport(relay.url, b);
        await bob.connect();
        const log = await bob.fetchPage(channelId, 0, 100);
        await bob.close();
        const ids = log.map((e) => (JSON.parse(new TextDecoder().decode(e.envelope)) as { id: string }).id);
        expect(log.map((e) => e.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
        expect(ids).toEqual(Array.from({ length: count }, (_, i) => outboxEventId(i)));
        // Every message is sent with the seq the relay gave it first (the resent one kept its number).
        const page = (await store.messages.page(channelId, { limit: 100 })).reverse();
        expect(page.map((m) => [m.messageId, m.seq, m.delivery])).toEqual(
          Array.from({ length: count }, (_, i) => [outboxEventId(i), i + 1, 'sent']),
        );
        store.close();
      } finally {
        await relay.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
