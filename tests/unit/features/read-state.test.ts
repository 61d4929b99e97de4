// Read status of an own message where read receipts are on (features/messages/message-views.ts):
// "Gelesen von n von m" counts the other members the message could reach, so it never claims a
// delivery to nobody ("Zugestellt" in a chat whose other member has no device, "0 von 0" in a
// channel of one) and never reads more than it counts (a reader whose device was revoked since).
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { toMessageViews } from '../../../apps/desktop/electron/core/features/messages/message-views.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const CH = 'chn-station-3b';
const ANNA = 'usr-anna-0001';
const BEN = 'usr-ben-00001';
const CARLA = 'usr-carla-001';
const T0 = Date.UTC(2026, 10, 23, 7, 0);
let store: ProfileStore;
let n = 0;

const ev = (payload: ChannelEventPayload, senderUserId: string): ChannelEvent => {
  n++;
  return {
    eventId: `evt${String(n).padStart(8, '0')}`,
    channelId: CH,
    seq: n,
    senderUserId,
    senderDeviceId: `dev-${senderUserId}`,
    createdAt: T0 + n * 1000,
    payload,
  };
};
const msg = (body: string, from: string) =>
  ev({ type: 'message.create', body, mentions: [], replyTo: null, urgent: false }, from);

async function apply(events: ChannelEvent[]) {
  await store.sync.applyBatch(CH, {
    events: events.map((e) => ({ ...e, seq: e.seq ?? 0, contentType: 'message' })),
    pending: [],
    newCursor: n,
  });
}

async function channel(kind: 'channel' | 'direct', members: string[]) {
  await store.channels.upsert(
    { channelId: CH, kind, name: '', topic: '', historyForNewMembers: false, retentionDays: null, createdAt: T0 },
    members.map((userId) => ({ userId, role: userId === ANNA ? 'admin' : 'member' })),
  );
}

const device = (userId: string, revoked = false) =>
  testDatabase(store)
    .prepare('INSERT INTO devices (device_id, user_id, label, revoked) VALUES (?, ?, ?, ?)')
    .run(`dev-${userId}`, userId, 'PC', revoked ? 1 : 0);

async function readBy(messageId: string) {
  const row = await store.messages.get(CH, messageId);
  const [view] = await toMessageViews({ store, myUserId: ANNA, unknownName: '?', readReceipts: true }, CH, [row!]);
  return view!.readBy;
}

describe('read status counts who the message could reach', () => {
  beforeEach(() => {
    n = 0;
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    testDatabase(store)
      .prepare(
        `INSERT INTO users VALUES (?, 'Anna Berger', 'admin', NULL, 1), (?, 'Ben Öztürk', 'member', NULL, 1), (?, 'Carla Sommer', 'member', NULL, 1)`,
      )
      .run(ANNA, BEN, CARLA);
    device(ANNA);
  });

  it('a direct chat whose other member has no device yet says nothing about delivery', async () => {
    await channel('direct', [ANNA, BEN]);
    const mine = msg('Bitte zurückrufen', ANNA);
    await apply([mine]);
    expect(await readBy(mine.eventId)).toBeNull();
    // Once the other person has a device, the message is delivered to it ("Zugestellt").
    device(BEN);
    expect(await readBy(mine.eventId)).toEqual({ read: 0, total: 1 });
  });

  it('a channel with no other member: no "Gelesen von 0 von 0"', async () => {
    await channel('channel', [ANNA]);
    const mine = msg('Notiz für mich', ANNA);
    await apply([mine]);
    expect(await readBy(mine.eventId)).toBeNull();
  });

  it('a group counts members with a device, and a reader is counted even after their device was revoked', async () => {
    await channel('channel', [ANNA, BEN, CARLA]);
    device(BEN);
    const mine = msg('Übergabe um 14 Uhr', ANNA);
    await apply([mine]);
    // Carla has no device: the message reached one person.
    expect(await readBy(mine.eventId)).toEqual({ read: 0, total: 1 });
    await apply([ev({ type: 'read.receipt', upToSeq: mine.seq! }, BEN)]);
    expect(await readBy(mine.eventId)).toEqual({ read: 1, total: 1 });
    testDatabase(store).prepare('UPDATE devices SET revoked = 1 WHERE user_id = ?').run(BEN);
    expect(await readBy(mine.eventId)).toEqual({ read: 1, total: 1 });
  });
});
