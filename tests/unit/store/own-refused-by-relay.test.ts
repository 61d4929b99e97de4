// An own event the relay refuses for good (the sender was removed from the channel, the event is
// too large, it names a blob the sender may not use) can never be sent: it leaves the outbox,
// holds back nothing after it, and its queued effect is undone. An own message stays with the
// reason and can be queued again by the user.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { requeueRefusedMessage } from '../../../apps/desktop/electron/core/features/messages/own-repository.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const CH = 'chn-station-3b';
const BEN = { userId: 'usr-ben-00001', deviceId: 'dev-ben-00001' };
const T0 = Date.UTC(2026, 11, 7, 8);

let ben: ProfileStore;

function queueOwn(eventId: string, payload: ChannelEventPayload, createdAt = T0): ChannelEvent {
  const event: ChannelEvent = {
    eventId,
    channelId: CH,
    seq: null,
    senderUserId: BEN.userId,
    senderDeviceId: BEN.deviceId,
    createdAt,
    payload,
  };
  testDatabase(ben).transaction(() => {
    queueOutbox(testDatabase(ben), event, 'x');
    applyEvents(testDatabase(ben), [event]);
  })();
  return event;
}

const message = (body: string): ChannelEventPayload => ({
  type: 'message.create',
  body,
  mentions: [],
  replyTo: null,
  urgent: false,
});
const outboxIds = () =>
  testDatabase(ben).prepare('SELECT client_event_id FROM outbox ORDER BY queue_order').pluck().all();

describe('an own event the relay refuses for good', () => {
  beforeEach(() => {
    ben = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    ben.sync.setSelf(BEN);
    testDatabase(ben)
      .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station 3B', 0)`)
      .run(CH);
    testDatabase(ben).prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, BEN.userId, 'member');
  });

  it('a message leaves the queue, stays with its reason and text, and the next one is due at once', async () => {
    queueOwn('msg-refused-0001', message('Zimmer 12: Verband wechseln'));
    queueOwn('msg-after-00001', message('Übergabe 14:30'));
    await ben.sync.markRefused('msg-refused-0001', 'not_member');
    expect(outboxIds()).toEqual(['msg-after-00001']);
    expect((await ben.sync.dueOutbox(T0, 10)).map((i) => i.clientEventId)).toEqual(['msg-after-00001']);
    const refused = await ben.messages.get(CH, 'msg-refused-0001');
    expect(refused).toMatchObject({
      delivery: 'failed',
      refusedCode: 'not_member',
      body: 'Zimmer 12: Verband wechseln',
    });
  });

  it('sent again by the user, it is queued anew with its time of writing and its reason cleared', async () => {
    queueOwn('msg-refused-0001', message('Zimmer 12: Verband wechseln'), T0 - 60_000);
    await ben.sync.markRefused('msg-refused-0001', 'not_member');
    expect(requeueRefusedMessage(testDatabase(ben), CH, 'msg-refused-0001')).toBe(true);
    const [item] = await ben.sync.dueOutbox(T0, 10);
    expect(item).toMatchObject({
      clientEventId: 'msg-refused-0001',
      createdAt: T0 - 60_000,
      payload: { type: 'message.create', body: 'Zimmer 12: Verband wechseln' },
    });
    expect(await ben.messages.get(CH, 'msg-refused-0001')).toMatchObject({ delivery: 'sending', refusedCode: null });
    // Only a refused message can be: one still queued or one that was sent is not queued twice.
    expect(requeueRefusedMessage(testDatabase(ben), CH, 'msg-refused-0001')).toBe(false);
  });

  it('a refused message edited meanwhile keeps the text last written, and is sent again with it', async () => {
    // Written offline, corrected before it went out, then removed from the channel: both refused.
    queueOwn('msg-refused-0001', message('Zimmer 12: Verband wechseln'));
    queueOwn('edit-refused-01', {
      type: 'message.edit',
      messageId: 'msg-refused-0001',
      body: 'Zimmer 14: Verband wechseln',
      mentions: [],
    });
    await ben.sync.markRefused('msg-refused-0001', 'not_member');
    await ben.sync.markRefused('edit-refused-01', 'not_member');
    expect(await ben.messages.get(CH, 'msg-refused-0001')).toMatchObject({
      delivery: 'failed',
      refusedCode: 'not_member',
      body: 'Zimmer 14: Verband wechseln',
    });
    expect(requeueRefusedMessage(testDatabase(ben), CH, 'msg-refused-0001')).toBe(true);
    const [item] = await ben.sync.dueOutbox(T0, 10);
    expect(item).toMatchObject({
      clientEventId: 'msg-refused-0001',
      payload: { type: 'message.create', body: 'Zimmer 14: Verband wechseln' },
    });
  });

  it('a refused edit of a message the relay took leaves the text as written: the earlier one is gone from this store', async () => {
    const sent = {
      eventId: 'msg-sent-000001',
      channelId: CH,
      seq: 1,
      senderUserId: BEN.userId,
      senderDeviceId: BEN.deviceId,
      createdAt: T0 - 60_000,
      relayAt: T0 - 60_000,
      payload: message('Übergabe um 14 Uhr'),
    } as const;
    await ben.sync.applyBatch(CH, { events: [{ ...sent, contentType: 'message' }], pending: [], newCursor: 1 });
    queueOwn('edit-refused-01', {
      type: 'message.edit',
      messageId: 'msg-sent-000001',
      body: 'Übergabe um 14:30 Uhr',
      mentions: [],
    });
    await ben.sync.markRefused('edit-refused-01', 'not_member');
    expect(outboxIds()).toEqual([]);
    expect((await ben.messages.get(CH, 'msg-sent-000001'))?.body).toBe('Übergabe um 14:30 Uhr');
  });

  it('an own event the relay had taken before a restore lost it is not undone when refused on sending it again', async () => {
    const CARA = 'usr-cara-0001';
    testDatabase(ben).prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, CARA, 'member');
    queueOwn('msg-taken-00001', message('Zimmer 12: Verband wechseln'));
    queueOwn('poll-taken-0001', {
      type: 'poll.create',
      question: 'Dienstplan tauschen?',
      options: [
        { id: 'a', label: 'Ja' },
        { id: 'b', label: 'Nein' },
      ],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    await ben.sync.markSent('msg-taken-00001', 1, T0, 'incarnation-1');
    await ben.sync.markSent('poll-taken-0001', 2, T0, 'incarnation-1');
    const vote = {
      eventId: 'vote-cara-00001',
      channelId: CH,
      seq: 3,
      senderUserId: CARA,
      senderDeviceId: 'dev-cara-00001',
      createdAt: T0,
      relayAt: T0,
      payload: { type: 'poll.vote', pollId: 'poll-taken-0001', optionIds: ['b'] },
    } as const;
    await ben.sync.applyBatch(CH, { events: [{ ...vote, contentType: 'poll' }], pending: [], newCursor: 3 });
    expect(testDatabase(ben).prepare('SELECT count(*) FROM poll_votes').pluck().get()).toBe(1);
    // The relay is restored from a backup without them: they go out again, and are refused for good
    // (Ben was removed since). Everyone who had them keeps them, and so does Ben.
    expect((await ben.sync.adoptIncarnation('incarnation-2', { [CH]: 0 })).requeued).toBe(2);
    await ben.sync.markRefused('msg-taken-00001', 'not_member');
    await ben.sync.markRefused('poll-taken-0001', 'not_member');
    expect(outboxIds()).toEqual([]);
    expect(await ben.messages.get(CH, 'msg-taken-00001')).toMatchObject({
      delivery: 'sent',
      refusedCode: null,
      body: 'Zimmer 12: Verband wechseln',
    });
    expect(testDatabase(ben).prepare('SELECT count(*) FROM polls').pluck().get()).toBe(1);
    expect(testDatabase(ben).prepare('SELECT count(*) FROM poll_votes').pluck().get()).toBe(1);
  });

  it('a poll the relay refused disappears with the own vote on it', async () => {
    queueOwn('poll-refused-001', {
      type: 'poll.create',
      question: 'Dienstplan tauschen?',
      options: [
        { id: 'a', label: 'Ja' },
        { id: 'b', label: 'Nein' },
      ],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    queueOwn('vote-on-refused1', { type: 'poll.vote', pollId: 'poll-refused-001', optionIds: ['a'] });
    await ben.sync.markRefused('poll-refused-001', 'not_member');
    await ben.sync.markRefused('vote-on-refused1', 'not_member');
    expect(testDatabase(ben).prepare('SELECT count(*) FROM polls').pluck().get()).toBe(0);
    expect(testDatabase(ben).prepare('SELECT count(*) FROM poll_votes').pluck().get()).toBe(0);
    expect(testDatabase(ben).prepare('SELECT count(*) FROM events WHERE seq IS NULL').pluck().get()).toBe(0);
    expect(outboxIds()).toEqual([]);
  });

  it('a rename the relay refused gives the channel back its name', async () => {
    testDatabase(ben).prepare(`UPDATE channel_members SET role = 'admin' WHERE channel_id = ?`).run(CH);
    const named = {
      eventId: 'name-first-0001',
      channelId: CH,
      seq: 1,
      senderUserId: BEN.userId,
      senderDeviceId: BEN.deviceId,
      createdAt: T0 - 60_000,
      relayAt: T0 - 60_000,
      payload: {
        type: 'channel.update',
        name: 'Station 3B',
        topic: '',
        historyForNewMembers: true,
        retentionDays: null,
      },
    } as const;
    await ben.sync.applyBatch(CH, { events: [{ ...named, contentType: 'channel' }], pending: [], newCursor: 1 });
    queueOwn('rename-refused1', {
      type: 'channel.update',
      name: 'Station 3B – Isolierung',
      topic: '',
      historyForNewMembers: true,
      retentionDays: null,
    });
    expect(testDatabase(ben).prepare('SELECT name FROM channels WHERE channel_id = ?').pluck().get(CH)).toBe(
      'Station 3B – Isolierung',
    );
    await ben.sync.markRefused('rename-refused1', 'not_permitted');
    expect(outboxIds()).toEqual([]);
    expect(
      testDatabase(ben).prepare(`SELECT count(*) FROM events WHERE event_id = 'rename-refused1'`).pluck().get(),
    ).toBe(0);
    expect(testDatabase(ben).prepare('SELECT name FROM channels WHERE channel_id = ?').pluck().get(CH)).toBe(
      'Station 3B',
    );
  });

  it('a shared file the relay refused (a blob the sender may not use) is gone from the files list', async () => {
    queueOwn('file-refused-001', {
      type: 'file.share',
      name: 'Entlassbrief.pdf',
      mimeType: 'application/pdf',
      size: 1000,
      blobId: 'a'.repeat(64),
      keyB64: 'k'.repeat(43),
      hashB64: 'h'.repeat(43),
      thumbnailBlobId: null,
      caption: '',
    });
    await ben.sync.markRefused('file-refused-001', 'not_permitted');
    expect(testDatabase(ben).prepare('SELECT count(*) FROM files').pluck().get()).toBe(0);
  });
});
