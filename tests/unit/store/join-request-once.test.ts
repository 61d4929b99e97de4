// A join request waits in the outbox once per channel: asked twice at once (a double click on
// "Beitreten"), the second finds the first in the transaction that would queue it. Before the
// store went behind async repositories the handler's check and the queueing were one synchronous
// stretch; now the check reads in several awaits, so the outbox decides.
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { randomKey, tempDir } from './helpers.ts';

const DIRECTORY = 'chn-org-wide-01';
const BEN = { userId: 'usr-ben-00001', deviceId: 'dev-ben-00001' };
const T0 = Date.UTC(2026, 11, 7, 8);

let ben: ProfileStore;

const request = (eventId: string, channelId: string): ChannelEvent & { payload: { type: 'channel.join_request' } } => ({
  eventId,
  channelId: DIRECTORY,
  seq: null,
  senderUserId: BEN.userId,
  senderDeviceId: BEN.deviceId,
  createdAt: T0,
  payload: { type: 'channel.join_request', channelId, knownEpoch: 1 },
});

beforeEach(() => {
  ben = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  ben.sync.setSelf(BEN);
  testDatabase(ben)
    .prepare(
      `INSERT INTO channels (channel_id, kind, name, created_at, org_wide) VALUES (?, 'channel', 'Allgemein', 0, 1)`,
    )
    .run(DIRECTORY);
  testDatabase(ben).prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(DIRECTORY, BEN.userId, 'member');
});

it('queues a second request for the same channel only once the first left the outbox', async () => {
  const [first, second, other] = await Promise.all([
    ben.outbox.queueJoinRequest(request('join-hygiene-01', 'chn-hygiene-01'), 'x'),
    ben.outbox.queueJoinRequest(request('join-hygiene-02', 'chn-hygiene-01'), 'x'),
    ben.outbox.queueJoinRequest(request('join-wunde-0001', 'chn-wunde-0001'), 'x'),
  ]);
  expect([first, second, other]).toEqual([true, false, true]);
  expect(testDatabase(ben).prepare('SELECT client_event_id FROM outbox ORDER BY queue_order').pluck().all()).toEqual([
    'join-hygiene-01',
    'join-wunde-0001',
  ]);

  // Sent: asking again (after leaving, say) is a new request.
  await ben.sync.markSent('join-hygiene-01', 7);
  expect(await ben.outbox.queueJoinRequest(request('join-hygiene-03', 'chn-hygiene-01'), 'x')).toBe(true);
});
