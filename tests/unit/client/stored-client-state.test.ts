// What a messaging client reads from its store before it is made (MessagingClient.load): the kept
// directory records in the order they were learned, the remembered relay clock offset (ignored with
// a warning when unreadable, never fatal), and the org-wide channel marked in a store from before
// discovery existed.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { directoryChannelId } from '../../../apps/desktop/electron/core/client/channel-directory.ts';
import { MessagingClient } from '../../../apps/desktop/electron/core/client/messaging-client.ts';
import { orgIdOf } from '@klinikfunk/crypto/records.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { TestOrg } from '../../harness/relay.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

it('reads the records, the offset and marks the org-wide channel', async () => {
  const org = await TestOrg.create();
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  const orgWide = directoryChannelId(orgIdOf(org.org.publicKey));
  testDatabase(store)
    .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Allgemein', 0)`)
    .run(orgWide);
  await store.directory.keep(
    {
      v: 1,
      type: 'device',
      body: { deviceId: 'dev-1', userId: 'usr-1', label: 'PC 1' },
      signer: { kind: 'org', id: 'x' },
      sig: 's1',
    } as never,
    'dev-1',
    { orgWideChannelId: orgWide, orgWideName: 'Allgemein' },
    1,
  );
  await store.setSetting('sync.relayClockOffset', -1500);
  const { logger, records } = createMemoryLogger();

  const stored = await MessagingClient.load({ store, orgPublicKey: org.org.publicKey, log: logger });
  expect(stored.relayClockOffset).toBe(-1500);
  expect(stored.directoryRecords.map((r) => r.type)).toEqual(['device']);
  expect((await store.channels.settings(orgWide))?.orgWide).toBe(true);
  expect(records.filter((r) => r.level === 'warn')).toEqual([]);
  store.close();
});

it('an unreadable relay clock offset is ignored with a warning', async () => {
  const org = await TestOrg.create();
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  testDatabase(store).prepare(`INSERT INTO settings VALUES ('sync.relayClockOffset', '{not json')`).run();
  const { logger, records } = createMemoryLogger();
  const stored = await MessagingClient.load({ store, orgPublicKey: org.org.publicKey, log: logger });
  expect(stored.relayClockOffset).toBeNull();
  expect(records.map((r) => r.message)).toContain('remembered relay clock offset ignored: not JSON');
  store.close();
});
