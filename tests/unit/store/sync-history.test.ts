// The encrypted store's side of gaps, history start and relay incarnations (SQLCipher, real
// migrations): what a device keeps so that a restored relay gets back the own events it lost.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { historyStart } from '../../../apps/desktop/electron/core/store/sync-history.ts';
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { outboxEventId, outboxMessage } from '../../integration/transport/outbox-kill-fixtures.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const CH = 'chn-history-0001';

async function storeWithChannel(): Promise<ProfileStore> {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  await store.channels.upsert(
    {
      channelId: CH,
      kind: 'conversation',
      name: 'Station 1',
      topic: '',
      historyForNewMembers: false,
      retentionDays: null,
      createdAt: 0,
    },
    [],
  );
  return store;
}

const delivery = (store: ProfileStore) =>
  testDatabase(store).prepare('SELECT message_id, delivery, seq FROM messages ORDER BY message_id').all();

describe('sync store: relay incarnations', () => {
  it('keeps sent events with seq and incarnation; a restore puts those above the restore point back in the outbox, first and in order', async () => {
    const store = await storeWithChannel();
    for (let i = 1; i <= 3; i++) await store.messages.queueLocal(outboxMessage(CH, 'dev-a', i), 'message');
    const [one, two, three] = await store.sync.dueOutbox(Date.now(), 10);
    for (const [item, seq] of [
      [one!, 5],
      [two!, 6],
      [three!, 7],
    ] as const) {
      await store.sync.saveSealed(item.clientEventId, { envelope: new Uint8Array([seq]), epoch: 1 });
      await store.sync.markSent(item.clientEventId, seq, 1000 + seq, 'incarnation-1');
    }
    await store.messages.queueLocal(outboxMessage(CH, 'dev-a', 4), 'message');
    await store.sync.applyBatch(CH, {
      events: [],
      pending: [{ channelId: CH, seq: 7, envelope: new Uint8Array([1]) }],
      newCursor: 8,
      gaps: [
        { from: 3, to: 3 },
        { from: 6, to: 7 },
      ],
    });
    await store.sync.adoptIncarnation('incarnation-1', null);
    expect(await store.sync.incarnation()).toBe('incarnation-1');

    // Restored to a backup whose head was 5: seqs 6 and 7 are gone.
    expect(await store.sync.adoptIncarnation('incarnation-2', { [CH]: 5 })).toEqual({ requeued: 2 });
    expect(await store.sync.incarnation()).toBe('incarnation-2');
    expect(await store.sync.cursors()).toEqual({ [CH]: 5 });
    expect(await store.sync.gaps()).toEqual({ [CH]: [{ from: 3, to: 3 }] });
    expect(await store.sync.pending(CH)).toEqual([]);
    const due = await store.sync.dueOutbox(Date.now(), 10);
    expect(due.map((i) => i.clientEventId)).toEqual([
      two!.clientEventId,
      three!.clientEventId,
      outboxMessage(CH, 'dev-a', 4).eventId,
    ]);
    // The very same bytes go out again (the relay keeps one per client event id).
    expect(due[0]!.sealed).toEqual({ envelope: new Uint8Array([6]), epoch: 1 });
    expect(delivery(store)).toEqual([
      { message_id: one!.clientEventId, delivery: 'sent', seq: 5 },
      { message_id: two!.clientEventId, delivery: 'sending', seq: 6 },
      { message_id: three!.clientEventId, delivery: 'sending', seq: 7 },
      { message_id: outboxMessage(CH, 'dev-a', 4).eventId, delivery: 'sending', seq: null },
    ]);
    // Sent again in the new incarnation: a later restore to the same point leaves them alone.
    await store.sync.markSent(two!.clientEventId, 6, 2000, 'incarnation-2');
    expect(await store.sync.adoptIncarnation('incarnation-2', { [CH]: 5 })).toEqual({ requeued: 0 });
    store.close();
  });

  it('a channel the restored relay does not list counts as restore point 0', async () => {
    const store = await storeWithChannel();
    await store.messages.queueLocal(outboxMessage(CH, 'dev-a', 1), 'message');
    const [item] = await store.sync.dueOutbox(Date.now(), 10);
    await store.sync.markSent(item!.clientEventId, 1, 1, 'incarnation-1');
    await store.sync.applyBatch(CH, { events: [], pending: [], newCursor: 4 });
    expect(await store.sync.adoptIncarnation('incarnation-2', {})).toEqual({ requeued: 1 });
    expect(await store.sync.cursors()).toEqual({ [CH]: 0 });
    store.close();
  });

  it('remembers the declared history start (never lowered) and the gaps per channel', async () => {
    const store = await storeWithChannel();
    expect(historyStart(testDatabase(store), CH)).toBeNull();
    await store.sync.applyBatch(CH, {
      events: [],
      pending: [],
      newCursor: 9,
      historyStart: 7,
      gaps: [{ from: 8, to: 8 }],
    });
    await store.sync.applyBatch(CH, { events: [], pending: [], newCursor: 9, historyStart: 4 });
    expect(historyStart(testDatabase(store), CH)).toBe(7);
    expect(await store.sync.gaps()).toEqual({ [CH]: [{ from: 8, to: 8 }] });
    await store.sync.applyBatch(CH, { events: [], pending: [], newCursor: 9, gaps: [] });
    expect(await store.sync.gaps()).toEqual({});
    store.close();
  });

  it('no history start when the skipped seqs are all events the device has (its own)', async () => {
    const store = await storeWithChannel();
    const own = outboxMessage(CH, 'dev-a', 1);
    // The device's own event, in its log with the seq the relay gave it; its cursor is still behind.
    await store.sync.applyBatch(CH, {
      events: [{ ...own, seq: 1, contentType: 'message' }],
      pending: [],
      newCursor: 0,
    });
    await store.sync.applyBatch(CH, { events: [], pending: [], newCursor: 1, historyStart: 2 });
    expect(historyStart(testDatabase(store), CH)).toBeNull();
    // A seq it never had: the notice goes there.
    await store.sync.applyBatch(CH, { events: [], pending: [], newCursor: 4, historyStart: 4 });
    expect(historyStart(testDatabase(store), CH)).toBe(4);
    store.close();
  });

  it('a message its sender deleted for everyone is not sent again to a restored relay, only the delete (sent before or after the delete)', async () => {
    const store = await storeWithChannel();
    store.sync.setSelf({ userId: 'dev-a', deviceId: 'dev-a' });
    const own = (i: number, payload: ChannelEvent['payload']): ChannelEvent => ({
      ...outboxMessage(CH, 'dev-a', i),
      eventId: outboxEventId(i),
      payload,
    });
    // As MessagingClient.send does: queued and applied in one transaction.
    const send = (event: ChannelEvent) =>
      testDatabase(store).transaction(() => {
        queueOutbox(testDatabase(store), event, 'message');
        applyEvents(testDatabase(store), [event]);
      })();
    const sent = async (event: ChannelEvent, seq: number) => {
      await store.sync.saveSealed(event.eventId, { envelope: new Uint8Array([seq]), epoch: 1 });
      await store.sync.markSent(event.eventId, seq, 1000 + seq, 'incarnation-1');
    };
    const text = (i: number) => ({
      type: 'message.create' as const,
      body: `Zimmer ${i} Geheimtext`,
      mentions: [],
      replyTo: null,
      urgent: false,
    });
    // Message 1 left before its delete; message 3 was deleted while it still waited in the outbox.
    const one = own(1, text(1));
    send(one);
    await sent(one, 5);
    const edit = own(2, {
      type: 'message.edit',
      messageId: one.eventId,
      body: 'Zimmer 1 Geheimtext neu',
      mentions: [],
    });
    send(edit);
    await sent(edit, 6);
    const deleteOne = own(4, { type: 'message.delete', messageId: one.eventId });
    send(deleteOne);
    const three = own(3, text(3));
    send(three);
    send(own(5, { type: 'message.delete', messageId: three.eventId }));
    await sent(deleteOne, 7);
    await sent(three, 8);
    await sent(own(5, { type: 'message.delete', messageId: three.eventId }), 9);
    expect(testDatabase(store).prepare('SELECT client_event_id FROM sent_log ORDER BY seq').pluck().all()).toEqual([
      deleteOne.eventId,
      outboxEventId(5),
    ]);

    expect(await store.sync.adoptIncarnation('incarnation-2', { [CH]: 4 })).toEqual({ requeued: 2 });
    expect((await store.sync.dueOutbox(Date.now(), 10)).map((i) => i.clientEventId)).toEqual([
      deleteOne.eventId,
      outboxEventId(5),
    ]);
    expect((delivery(store) as Array<{ delivery: string }>).filter((m) => m.delivery === 'sending')).toEqual([]);
    store.close();
  });

  it('retention and deleting a conversation remove the kept sent events too', async () => {
    const store = await storeWithChannel();
    await store.messages.queueLocal(outboxMessage(CH, 'dev-a', 1), 'message');
    const [item] = await store.sync.dueOutbox(Date.now(), 10);
    await store.sync.markSent(item!.clientEventId, 1, 1, 'incarnation-1');
    const kept = () => testDatabase(store).prepare('SELECT count(*) FROM sent_log').pluck().get();
    expect(kept()).toBe(1);
    await store.applyRetention(30, outboxMessage(CH, 'dev-a', 1).createdAt + 40 * 86_400_000);
    expect(kept()).toBe(0);
    store.close();
  });
});
