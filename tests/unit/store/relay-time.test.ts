// Poll deadlines are decided by the relay's acceptance time (relay_at), not by the sender's
// signed clock (created_at): a sender whose clock is wrong cannot vote late, on any client. Rows
// from before relays stamped events fall back to created_at.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { pollRepository } from '../../../apps/desktop/electron/core/features/polls/repository.ts';

const CH = 'chn-station-3b';
const DEADLINE = Date.UTC(2026, 10, 23, 12, 0);
const HOUR = 3_600_000;
const ANNA = { userId: 'usr-anna-0001', deviceId: 'dev-anna-0001' };
const BEN = { userId: 'usr-ben-00001', deviceId: 'dev-ben-00001' };

function openClient(self: { userId: string; deviceId: string }): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  store.sync.setSelf(self);
  return store;
}

const event = (
  eventId: string,
  seq: number,
  from: { userId: string; deviceId: string },
  payload: ChannelEventPayload,
  times: { createdAt: number; relayAt?: number | null },
): ChannelEvent => ({
  eventId,
  channelId: CH,
  seq,
  senderUserId: from.userId,
  senderDeviceId: from.deviceId,
  ...times,
  payload,
});

const pollCreate = event(
  'poll-sommerfest-01',
  1,
  ANNA,
  {
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
  { createdAt: DEADLINE - 5 * HOUR, relayAt: DEADLINE - 5 * HOUR },
);
const vote = (eventId: string, seq: number, from: typeof BEN, times: { createdAt: number; relayAt?: number | null }) =>
  event(eventId, seq, from, { type: 'poll.vote', pollId: pollCreate.eventId, optionIds: ['a'] }, times);

async function apply(store: ProfileStore, events: ChannelEvent[]): Promise<void> {
  const newCursor = Math.max(...events.map((e) => e.seq ?? 0));
  await store.sync.applyBatch(CH, {
    events: events.map((e) => ({ ...e, seq: e.seq ?? 0, contentType: 'poll' })),
    pending: [],
    newCursor,
  });
}
const voters = async (store: ProfileStore) =>
  (await store.repository(pollRepository).polls(CH, DEADLINE - HOUR))[0]!.totalVoters;

describe('poll deadlines by relay time', () => {
  let anna: ProfileStore;
  let ben: ProfileStore;
  beforeEach(() => {
    anna = openClient(ANNA);
    ben = openClient(BEN);
  });

  it('rejects a vote whose sender clock says "before the deadline" when the relay accepted it after, on every client', async () => {
    // Ben's clock runs two hours behind: he signs 10:00, the relay takes the vote at 12:00:00.001.
    const late = vote('vote-ben-late-001', 2, BEN, { createdAt: DEADLINE - 2 * HOUR, relayAt: DEADLINE + 1 });
    for (const client of [anna, ben]) {
      await apply(client, [pollCreate, late]);
      expect(await voters(client)).toBe(0);
      expect(
        testDatabase(client).prepare('SELECT relay_at FROM events WHERE event_id = ?').pluck().get(late.eventId),
      ).toBe(DEADLINE + 1);
    }
  });

  it('accepts a vote the relay took before the deadline even when the sender clock runs ahead, and one exactly at it', async () => {
    const early = vote('vote-ben-early01', 2, BEN, { createdAt: DEADLINE + 3 * HOUR, relayAt: DEADLINE - 1 });
    const onTheDot = vote('vote-anna-dot001', 3, ANNA, { createdAt: DEADLINE, relayAt: DEADLINE });
    await apply(anna, [pollCreate, early, onTheDot]);
    expect(await voters(anna)).toBe(2);
  });

  it('falls back to the sender clock for events stored before relays stamped them', async () => {
    const legacy = vote('vote-ben-legacy1', 2, BEN, { createdAt: DEADLINE - HOUR, relayAt: null });
    const legacyLate = vote('vote-anna-legacy', 3, ANNA, { createdAt: DEADLINE + HOUR });
    await apply(anna, [pollCreate, legacy, legacyLate]);
    expect(await voters(anna)).toBe(1);
  });

  it("judges the sender's own queued vote by the relay time of its ack (an offline vote that arrives late is refused)", async () => {
    await apply(ben, [pollCreate]);
    // Cast offline before the deadline, by Ben's clock; the relay accepts it after the deadline.
    const queued = vote('vote-ben-offline', 0, BEN, { createdAt: DEADLINE - HOUR });
    queueOutbox(testDatabase(ben), { ...queued, seq: null }, 'poll');
    await ben.sync.markSent(queued.eventId, 2, DEADLINE + 60_000);
    expect(await voters(ben)).toBe(0);
    // The same event as every other member receives it: the same verdict.
    await apply(anna, [pollCreate, { ...queued, seq: 2, relayAt: DEADLINE + 60_000 }]);
    expect(await voters(anna)).toBe(0);
  });

  it('keeps the relay time of an envelope waiting for its key, so it is judged the same when opened later', async () => {
    await ben.sync.applyBatch(CH, {
      events: [],
      pending: [{ channelId: CH, seq: 2, envelope: new Uint8Array([7]), at: DEADLINE + 5 }],
      newCursor: 2,
    });
    await ben.sync.applyBatch(CH, {
      events: [],
      pending: [{ channelId: CH, seq: 3, envelope: new Uint8Array([8]) }],
      newCursor: 3,
    });
    expect((await ben.sync.pending(CH)).map((w) => [w.seq, w.at])).toEqual([
      [2, DEADLINE + 5],
      [3, undefined],
    ]);
  });
});
