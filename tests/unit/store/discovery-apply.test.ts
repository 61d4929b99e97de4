// Discovery events of the directory channel materialise into announcements and join requests:
// idempotent, newest by seq per key whatever the arrival order, and only from the org-wide channel.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { readAnnouncements, readJoinRequests } from '../../../apps/desktop/electron/core/store/channels.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const DIR = 'chnorg-directory-01';
const OTHER = 'chn-station-3b';
let store: ProfileStore;
let n = 0;

const ev = (payload: ChannelEventPayload, over: Partial<ChannelEvent> = {}): ChannelEvent => {
  n++;
  return {
    eventId: `evt${String(n).padStart(8, '0')}`,
    channelId: DIR,
    seq: n,
    senderUserId: 'usr-anna-0001',
    senderDeviceId: 'dev-anna-0001',
    createdAt: 1000 + n,
    payload,
    ...over,
  };
};
const announce = (name: string, over: Partial<ChannelEvent> = {}) =>
  ev(
    {
      type: 'channel.announce',
      channelId: 'chn-hygiene-01',
      name,
      topic: 'Händehygiene',
      kind: 'channel',
      historyForNewMembers: true,
    },
    over,
  );

async function apply(channelId: string, events: ChannelEvent[]) {
  await store.sync.applyBatch(channelId, {
    events: events.map((e) => ({ ...e, seq: e.seq ?? 0, contentType: 'channel' })),
    pending: [],
    newCursor: Math.max(...events.map((e) => e.seq ?? 0)),
  });
}

beforeEach(() => {
  n = 0;
  store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  testDatabase(store)
    .prepare(
      `INSERT INTO channels (channel_id, kind, name, created_at, org_wide) VALUES (?, 'channel', 'Allgemein', 0, 1), (?, 'channel', 'Station 3B', 0, 0)`,
    )
    .run(DIR, OTHER);
});

describe('discovery events', () => {
  it('keep the newest announcement per announcer by seq, whatever order the pages come in', async () => {
    const first = announce('Hygiene');
    const renamed = announce('Hygieneteam Nord');
    await apply(DIR, [renamed]);
    await apply(DIR, [first, renamed]);
    expect(readAnnouncements(testDatabase(store))).toEqual([
      {
        channelId: 'chn-hygiene-01',
        announcerUserId: 'usr-anna-0001',
        seq: renamed.seq,
        listed: true,
        name: 'Hygieneteam Nord',
        topic: 'Händehygiene',
        historyForNewMembers: true,
      },
    ]);
    await apply(DIR, [ev({ type: 'channel.unannounce', channelId: 'chn-hygiene-01' })]);
    expect(readAnnouncements(testDatabase(store))[0]).toMatchObject({ listed: false, name: '' });
  });

  it('keep one join request per user and channel, the newest, with the epoch it named', async () => {
    const ask = (epoch: number) =>
      ev(
        { type: 'channel.join_request', channelId: 'chn-hygiene-01', knownEpoch: epoch },
        { senderUserId: 'usr-ben-00001' },
      );
    const older = ask(1);
    const newer = ask(3);
    await apply(DIR, [newer]);
    await apply(DIR, [older]);
    expect(readJoinRequests(testDatabase(store))).toEqual([
      { channelId: 'chn-hygiene-01', userId: 'usr-ben-00001', seq: newer.seq, knownEpoch: 3 },
    ]);
  });

  it('count only in the org-wide channel: the same events in another channel change nothing', async () => {
    await apply(OTHER, [
      announce('Gefälscht', { channelId: OTHER }),
      ev({ type: 'channel.join_request', channelId: 'chn-hygiene-01', knownEpoch: 1 }, { channelId: OTHER }),
    ]);
    expect(readAnnouncements(testDatabase(store))).toEqual([]);
    expect(readJoinRequests(testDatabase(store))).toEqual([]);
    // The events stay in that channel's log (applied is not the same as effective).
    expect(testDatabase(store).prepare('SELECT count(*) FROM events WHERE channel_id = ?').pluck().get(OTHER)).toBe(2);
  });
});
