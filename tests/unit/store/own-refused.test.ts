// An own event takes effect when queued (MessagingClient.send) and is judged again when the relay
// acknowledges it, with its seq and relay time (SqliteSyncStore.markSent). When that verdict is a
// refusal, the sender's state must become what every receiver has: the queued effect is undone.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { pollRepository } from '../../../apps/desktop/electron/core/features/polls/repository.ts';

const CH = 'chn-station-3b';
const HOUR = 3_600_000;
const DEADLINE = Date.UTC(2026, 10, 23, 12, 0);
const ANNA = { userId: 'usr-anna-0001', deviceId: 'dev-anna-0001' };
const BEN = { userId: 'usr-ben-00001', deviceId: 'dev-ben-00001' };

let ben: ProfileStore;
let anna: ProfileStore;

function openClient(self: { userId: string; deviceId: string }): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  store.sync.setSelf(self);
  testDatabase(store)
    .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', 0)`)
    .run(CH);
  return store;
}

function rosterRecord(
  store: ProfileStore,
  epoch: number,
  members: Array<{ userId: string; role: 'admin' | 'member' }>,
  issuedAt: number,
): void {
  testDatabase(store)
    .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`)
    .run(CH, JSON.stringify({ v: 1, type: 'roster', body: { channelId: CH, epoch, members, issuedAt } }));
  testDatabase(store).prepare('DELETE FROM channel_members WHERE channel_id = ?').run(CH);
  for (const m of members)
    testDatabase(store).prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, m.userId, m.role);
}

const received = (store: ProfileStore, events: ChannelEvent[]) =>
  store.sync.applyBatch(CH, {
    events: events.map((e) => ({ ...e, seq: e.seq ?? 0, contentType: 'x' })),
    pending: [],
    newCursor: Math.max(...events.map((e) => e.seq ?? 0)),
  });

/** What MessagingClient.send does: queue and apply in one transaction. */
function queueOwn(
  store: ProfileStore,
  self: typeof BEN,
  eventId: string,
  payload: ChannelEventPayload,
  createdAt: number,
  epoch = 1,
): ChannelEvent {
  const event: ChannelEvent = {
    eventId,
    channelId: CH,
    seq: null,
    senderUserId: self.userId,
    senderDeviceId: self.deviceId,
    createdAt,
    epoch,
    payload,
  };
  testDatabase(store).transaction(() => {
    queueOutbox(testDatabase(store), event, 'x');
    applyEvents(testDatabase(store), [event]);
  })();
  return event;
}

const pollCreate: ChannelEvent = {
  eventId: 'poll-sommerfest-01',
  channelId: CH,
  seq: 1,
  senderUserId: ANNA.userId,
  senderDeviceId: ANNA.deviceId,
  createdAt: DEADLINE - 5 * HOUR,
  relayAt: DEADLINE - 5 * HOUR,
  payload: {
    type: 'poll.create',
    question: 'Sommerfest am Freitag?',
    options: [
      { id: 'a', label: 'Ja' },
      { id: 'b', label: 'Nein' },
    ],
    multipleChoice: false,
    deadline: DEADLINE,
    hideVoters: false,
  },
};
const votePayload = (optionIds: string[]): ChannelEventPayload => ({
  type: 'poll.vote',
  pollId: pollCreate.eventId,
  optionIds,
});

describe("a sender's own event refused when the relay acknowledges it", () => {
  beforeEach(() => {
    ben = openClient(BEN);
    anna = openClient(ANNA);
  });

  it('a vote the relay took after the deadline is undone at the sender, like at every receiver', async () => {
    await received(ben, [pollCreate]);
    // Signed an hour before the deadline by Ben's clock; the relay takes it a minute after.
    const late = queueOwn(ben, BEN, 'vote-ben-late-001', votePayload(['a']), DEADLINE - HOUR);
    expect((await ben.repository(pollRepository).polls(CH, DEADLINE - HOUR))[0]!.totalVoters).toBe(1);
    await ben.sync.markSent(late.eventId, 2, DEADLINE + 60_000);
    expect((await ben.repository(pollRepository).polls(CH, DEADLINE - HOUR))[0]!.totalVoters).toBe(0);
    expect(testDatabase(ben).prepare('SELECT count(*) FROM poll_votes').pluck().get()).toBe(0);
    await received(anna, [pollCreate, { ...late, seq: 2, relayAt: DEADLINE + 60_000 }]);
    expect((await anna.repository(pollRepository).polls(CH, DEADLINE - HOUR))[0]!.totalVoters).toBe(0);
  });

  it('a refused change of vote leaves the earlier valid vote standing', async () => {
    await received(ben, [pollCreate]);
    const first = queueOwn(ben, BEN, 'vote-ben-first01', votePayload(['a']), DEADLINE - 2 * HOUR);
    await ben.sync.markSent(first.eventId, 2, DEADLINE - 2 * HOUR);
    const change = queueOwn(ben, BEN, 'vote-ben-change1', votePayload(['b']), DEADLINE - HOUR);
    await ben.sync.markSent(change.eventId, 3, DEADLINE + 60_000);
    expect(
      testDatabase(ben).prepare('SELECT option_ids, seq FROM poll_votes WHERE user_id = ?').get(BEN.userId),
    ).toEqual({ option_ids: '["a"]', seq: 2 });
    await received(anna, [
      pollCreate,
      { ...first, seq: 2, relayAt: DEADLINE - 2 * HOUR },
      { ...change, seq: 3, relayAt: DEADLINE + 60_000 },
    ]);
    expect(
      testDatabase(anna).prepare('SELECT option_ids, seq FROM poll_votes WHERE user_id = ?').get(BEN.userId),
    ).toEqual({ option_ids: '["a"]', seq: 2 });
  });

  it('a vote queued before the own close counts, one queued after it does not, at the sender as at every receiver', async () => {
    const own: ChannelEvent = {
      ...pollCreate,
      senderUserId: BEN.userId,
      senderDeviceId: BEN.deviceId,
      payload: { ...(pollCreate.payload as Extract<ChannelEventPayload, { type: 'poll.create' }>), deadline: null },
    };
    await received(ben, [own]);
    const before = queueOwn(ben, BEN, 'vote-ben-before1', votePayload(['a']), DEADLINE - 3 * HOUR);
    const close = queueOwn(
      ben,
      BEN,
      'close-ben-00001',
      { type: 'poll.close', pollId: own.eventId },
      DEADLINE - 3 * HOUR,
    );
    const after = queueOwn(ben, BEN, 'vote-ben-after01', votePayload(['b']), DEADLINE - 3 * HOUR);
    await ben.sync.markSent(before.eventId, 2, DEADLINE - 2 * HOUR);
    expect(
      testDatabase(ben).prepare('SELECT option_ids, seq FROM poll_votes WHERE user_id = ?').get(BEN.userId),
    ).toEqual({ option_ids: '["a"]', seq: 2 });
    await ben.sync.markSent(close.eventId, 3, DEADLINE - 2 * HOUR);
    await ben.sync.markSent(after.eventId, 4, DEADLINE - 2 * HOUR);
    const state = (store: ProfileStore) => ({
      votes: testDatabase(store).prepare('SELECT user_id, option_ids, seq FROM poll_votes').all(),
      closed: testDatabase(store).prepare('SELECT closed_seq FROM polls').pluck().get(),
    });
    expect(state(ben)).toEqual({ votes: [{ user_id: BEN.userId, option_ids: '["a"]', seq: 2 }], closed: 3 });
    const at = { relayAt: DEADLINE - 2 * HOUR };
    await received(anna, [own, { ...before, seq: 2, ...at }, { ...close, seq: 3, ...at }, { ...after, seq: 4, ...at }]);
    expect(state(anna)).toEqual(state(ben));
  });

  it('a rename queued by an admin who is demoted before the relay takes it is undone at the sender', async () => {
    const NOW = Date.UTC(2026, 11, 7, 12);
    const settings = (name: string): ChannelEventPayload => ({
      type: 'channel.update',
      name,
      topic: '',
      historyForNewMembers: false,
      retentionDays: null,
    });
    const named: ChannelEvent = {
      eventId: 'evt-name-00001',
      channelId: CH,
      seq: 1,
      senderUserId: ANNA.userId,
      senderDeviceId: ANNA.deviceId,
      createdAt: NOW - HOUR,
      relayAt: NOW - HOUR,
      epoch: 1,
      payload: settings('Station 3B'),
    };
    for (const store of [ben, anna]) {
      rosterRecord(
        store,
        1,
        [
          { userId: ANNA.userId, role: 'admin' },
          { userId: BEN.userId, role: 'admin' },
        ],
        NOW - 2 * HOUR,
      );
      await received(store, [named]);
    }
    const rename = queueOwn(ben, BEN, 'evt-rename-ben1', settings('Gekapert'), NOW);
    expect(testDatabase(ben).prepare('SELECT name FROM channels WHERE channel_id = ?').pluck().get(CH)).toBe(
      'Gekapert',
    );
    // Anna demotes Ben (roster epoch 2) before the relay takes his rename.
    for (const store of [ben, anna])
      rosterRecord(
        store,
        2,
        [
          { userId: ANNA.userId, role: 'admin' },
          { userId: BEN.userId, role: 'member' },
        ],
        NOW + 1_000,
      );
    await ben.sync.markSent(rename.eventId, 2, NOW + 60_000);
    expect(testDatabase(ben).prepare('SELECT name, settings_seq FROM channels WHERE channel_id = ?').get(CH)).toEqual({
      name: 'Station 3B',
      settings_seq: 1,
    });
    await received(anna, [{ ...rename, seq: 2, relayAt: NOW + 60_000 }]);
    expect(testDatabase(anna).prepare('SELECT name, settings_seq FROM channels WHERE channel_id = ?').get(CH)).toEqual({
      name: 'Station 3B',
      settings_seq: 1,
    });
  });
});
