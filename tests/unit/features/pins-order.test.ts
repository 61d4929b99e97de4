// Pins decided in the relay's order on every client, also on the one that pinned: its own pin takes
// effect when queued, so events of others that arrive before the relay orders it meet a pin that
// other clients do not have yet. When the own pin gets its seq the message's pin is recomputed from
// the log (features/pins/repository.ts), which needs those events' content: refused at the time
// only because of the own pin, they may be accepted in the relay's order. Likewise a pin event
// opened after a later one of the same message (its key came late) is decided in the relay's order.
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { pinRepository } from '../../../apps/desktop/electron/core/features/pins/repository.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const CH = 'chn-station-3b';
const BEN = { userId: 'usr-ben-00001', deviceId: 'dev-ben-00001' };
const CARL = { userId: 'usr-carl-0001', deviceId: 'dev-carl-0001' };
const XAVER = { userId: 'usr-xaver-001', deviceId: 'dev-xaver-001' };
const MSG = 'msg-visite-001';
const T = Date.UTC(2026, 11, 7, 8, 0);

beforeAll(() => registerStoreFeatures());

function openClient(self: { userId: string; deviceId: string }): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  store.sync.setSelf(self);
  const db = testDatabase(store);
  db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', 0)`).run(CH);
  const members = [BEN, CARL, XAVER].map((m) => ({ userId: m.userId, role: 'member' as const }));
  db.prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`).run(
    CH,
    JSON.stringify({ v: 1, type: 'roster', body: { channelId: CH, epoch: 1, members, issuedAt: 0 } }),
  );
  for (const m of members) db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, m.userId, m.role);
  return store;
}

const event = (
  from: { userId: string; deviceId: string },
  seq: number | null,
  eventId: string,
  payload: ChannelEventPayload,
): ChannelEvent => ({
  eventId,
  channelId: CH,
  seq,
  senderUserId: from.userId,
  senderDeviceId: from.deviceId,
  createdAt: T + (seq ?? 9) * 1_000,
  relayAt: seq === null ? null : T + seq * 1_000,
  epoch: 1,
  payload,
});

const received = (store: ProfileStore, events: ChannelEvent[]) =>
  store.sync.applyBatch(CH, {
    events: events.map((e) => ({ ...e, seq: e.seq ?? 0, contentType: 'x' })),
    pending: [],
    newCursor: Math.max(...events.map((e) => e.seq ?? 0)),
  });

function queueOwn(store: ProfileStore, own: ChannelEvent): void {
  const db = testDatabase(store);
  db.transaction(() => {
    queueOutbox(db, own, 'x');
    applyEvents(db, [own]);
  })();
}

const pins = async (store: ProfileStore) =>
  (await store.repository(pinRepository).list(CH)).map((p) => ({ messageId: p.messageId, pinnedBy: p.pinnedBy }));

const message = event(CARL, 1, MSG, {
  type: 'message.create',
  body: 'Visite um 9',
  mentions: [],
  replyTo: null,
  urgent: false,
});

it("an own pin the relay orders after another member's pin and unpin ends as on every other client", async () => {
  const ben = openClient(BEN);
  const carl = openClient(CARL);
  await received(ben, [message]);
  // Ben pins; before the relay orders it, Xaver's pin and his unpin of it arrive.
  const own = event(BEN, null, 'pin-ben-000001', { type: 'pin.add', messageId: MSG });
  queueOwn(ben, own);
  const xaverPin = event(XAVER, 2, 'pin-xaver-00001', { type: 'pin.add', messageId: MSG });
  const xaverUnpin = event(XAVER, 3, 'unpin-xaver-001', { type: 'pin.remove', messageId: MSG });
  await received(ben, [xaverPin, xaverUnpin]);
  await ben.sync.markSent(own.eventId, 4, T + 4_000);
  // Carl sees them in the relay's order: Xaver pins, Xaver unpins, Ben pins.
  await received(carl, [message, xaverPin, xaverUnpin, { ...own, seq: 4, relayAt: T + 4_000 }]);
  expect(await pins(carl)).toEqual([{ messageId: MSG, pinnedBy: BEN.userId }]);
  expect(await pins(ben)).toEqual(await pins(carl));
  ben.close();
  carl.close();
});

it("an own pin the relay orders after another member's pin leaves that member's pin, as everywhere", async () => {
  const ben = openClient(BEN);
  const carl = openClient(CARL);
  await received(ben, [message]);
  const own = event(BEN, null, 'pin-ben-000002', { type: 'pin.add', messageId: MSG });
  queueOwn(ben, own);
  const xaverPin = event(XAVER, 2, 'pin-xaver-00002', { type: 'pin.add', messageId: MSG });
  await received(ben, [xaverPin]);
  await ben.sync.markSent(own.eventId, 3, T + 3_000);
  await received(carl, [message, xaverPin, { ...own, seq: 3, relayAt: T + 3_000 }]);
  expect(await pins(carl)).toEqual([{ messageId: MSG, pinnedBy: XAVER.userId }]);
  expect(await pins(ben)).toEqual(await pins(carl));
  ben.close();
  carl.close();
});

it('a pin opened after a later pin of the same message (its key came late) is decided as in the relay order', async () => {
  const carl = openClient(CARL);
  const xaverPin = event(XAVER, 2, 'pin-xaver-00003', { type: 'pin.add', messageId: MSG });
  const benPin = event(BEN, 3, 'pin-ben-000003', { type: 'pin.add', messageId: MSG });
  await received(carl, [message, benPin]);
  await received(carl, [xaverPin]);
  // In the relay's order Xaver pinned first; Ben's pin came to a pinned message.
  expect(await pins(carl)).toEqual([{ messageId: MSG, pinnedBy: XAVER.userId }]);
  carl.close();
});

it("an unpin opened after another member's later pin counts in the relay order", async () => {
  const carl = openClient(CARL);
  const xaverPin = event(XAVER, 2, 'pin-xaver-00004', { type: 'pin.add', messageId: MSG });
  const xaverUnpin = event(XAVER, 3, 'unpin-xaver-004', { type: 'pin.remove', messageId: MSG });
  const benPin = event(BEN, 4, 'pin-ben-000004', { type: 'pin.add', messageId: MSG });
  await received(carl, [message, xaverPin, benPin]);
  await received(carl, [xaverUnpin]);
  expect(await pins(carl)).toEqual([{ messageId: MSG, pinnedBy: BEN.userId }]);
  carl.close();
});
