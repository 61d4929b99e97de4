// An own edit of an urgent message races an acknowledgement: queued while nobody had confirmed the
// message, it reaches the relay after someone's ack (a lower seq), so every receiver refuses it
// (acknowledged_urgent: what they confirmed stays what they read). The sender must keep showing
// what they confirmed too, never the edited text nobody else has (queued, the edit shows at once).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const CH = 'chn-station-3b';
const ANNA = { userId: 'usr-anna-0001', deviceId: 'dev-anna-0001' };
const BEN = { userId: 'usr-ben-00001', deviceId: 'dev-ben-00001' };
const T = Date.UTC(2026, 10, 23, 12, 0);

function openClient(self: { userId: string; deviceId: string }): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  store.sync.setSelf(self);
  testDatabase(store)
    .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', 0)`)
    .run(CH);
  const members = [ANNA, BEN].map((m) => ({ userId: m.userId, role: 'member' as const }));
  testDatabase(store)
    .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`)
    .run(CH, JSON.stringify({ v: 1, type: 'roster', body: { channelId: CH, epoch: 1, members, issuedAt: 0 } }));
  for (const m of members)
    testDatabase(store).prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, m.userId, m.role);
  return store;
}

const received = (store: ProfileStore, events: ChannelEvent[]) =>
  store.sync.applyBatch(CH, {
    events: events.map((e) => ({ ...e, seq: e.seq ?? 0, contentType: 'x' })),
    pending: [],
    newCursor: Math.max(...events.map((e) => e.seq ?? 0)),
  });

function queueOwn(store: ProfileStore, eventId: string, payload: ChannelEventPayload, createdAt: number): ChannelEvent {
  const event: ChannelEvent = {
    eventId,
    channelId: CH,
    seq: null,
    senderUserId: BEN.userId,
    senderDeviceId: BEN.deviceId,
    createdAt,
    epoch: 1,
    payload,
  };
  testDatabase(store).transaction(() => {
    queueOutbox(testDatabase(store), event, 'x');
    applyEvents(testDatabase(store), [event]);
  })();
  return event;
}

const body = (store: ProfileStore, messageId: string) =>
  testDatabase(store)
    .prepare('SELECT body FROM messages WHERE channel_id = ? AND message_id = ?')
    .pluck()
    .get(CH, messageId);

it('an own edit of an urgent message that the relay orders after an acknowledgement is refused at the sender too, the confirmed text kept', async () => {
  const ben = openClient(BEN);
  const anna = openClient(ANNA);
  const alarm = queueOwn(
    ben,
    'msg-ben-urgent-01',
    { type: 'message.create', body: 'Reanimation Zimmer 4', mentions: [], replyTo: null, urgent: true },
    T,
  );
  await ben.sync.markSent(alarm.eventId, 1, T);
  // Ben corrects the room while Anna's confirmation is on its way: nobody has confirmed here yet.
  const edit = queueOwn(
    ben,
    'edit-ben-room-001',
    { type: 'message.edit', messageId: alarm.eventId, body: 'Reanimation Zimmer 14', mentions: [] },
    T + 1_000,
  );
  expect(body(ben, alarm.eventId)).toBe('Reanimation Zimmer 14');
  const ack: ChannelEvent = {
    eventId: 'ack-anna-00000001',
    channelId: CH,
    seq: 2,
    senderUserId: ANNA.userId,
    senderDeviceId: ANNA.deviceId,
    createdAt: T + 500,
    relayAt: T + 500,
    epoch: 1,
    payload: { type: 'message.ack', messageId: alarm.eventId },
  };
  await received(ben, [ack]);
  await ben.sync.markSent(edit.eventId, 3, T + 1_000);
  // Anna confirmed "Zimmer 4" and refuses the later edit.
  await received(anna, [{ ...alarm, seq: 1, relayAt: T }, ack, { ...edit, seq: 3, relayAt: T + 1_000 }]);
  expect(body(anna, alarm.eventId)).toBe('Reanimation Zimmer 4');
  expect(body(ben, alarm.eventId)).toBe('Reanimation Zimmer 4');
  expect(
    testDatabase(ben).prepare('SELECT edited_at FROM messages WHERE message_id = ?').pluck().get(alarm.eventId),
  ).toBeNull();
  // The refused text stays nowhere in the sender's log either.
  expect(testDatabase(ben).prepare(`SELECT count(*) FROM events WHERE payload LIKE '%Zimmer 14%'`).pluck().get()).toBe(
    0,
  );
  ben.close();
  anna.close();
});

it('an own edit of an urgent message nobody confirmed before it takes effect when the relay orders it', async () => {
  const ben = openClient(BEN);
  const alarm = queueOwn(
    ben,
    'msg-ben-urgent-02',
    { type: 'message.create', body: 'Reanimation Zimmer 4', mentions: [], replyTo: null, urgent: true },
    T,
  );
  await ben.sync.markSent(alarm.eventId, 1, T);
  const edit = queueOwn(
    ben,
    'edit-ben-room-002',
    { type: 'message.edit', messageId: alarm.eventId, body: 'Reanimation Zimmer 14', mentions: [] },
    T + 1_000,
  );
  expect(body(ben, alarm.eventId)).toBe('Reanimation Zimmer 14');
  await ben.sync.markSent(edit.eventId, 2, T + 1_000);
  expect(body(ben, alarm.eventId)).toBe('Reanimation Zimmer 14');
  // Ordered and accepted, the earlier text is gone from the log as for any edit.
  expect(
    testDatabase(ben)
      .prepare(`SELECT json_extract(payload, '$.body') FROM events WHERE event_id = ?`)
      .pluck()
      .get(alarm.eventId),
  ).toBe('');
  ben.close();
});
