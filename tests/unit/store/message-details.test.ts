// What a message page shows besides its rows (store/message-details.ts), read for the whole page in
// one query: the quoted message (missing, or by whom), who acknowledged an urgent one, and how many
// members read an own one, only while read receipts are on.
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { randomKey, tempDir } from './helpers.ts';

const CH = 'chn-station-3b';
const ANNA = 'usr-anna-0001';
const BEN = 'usr-ben-00001';
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
const msg = (body: string, from: string, over: { replyTo?: string; urgent?: boolean } = {}) =>
  ev({ type: 'message.create', body, mentions: [], replyTo: over.replyTo ?? null, urgent: over.urgent ?? false }, from);

async function apply(events: ChannelEvent[]) {
  await store.sync.applyBatch(CH, {
    events: events.map((e) => ({ ...e, seq: e.seq ?? 0, contentType: 'message' })),
    pending: [],
    newCursor: n,
  });
}

beforeEach(async () => {
  n = 0;
  store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  await store.channels.upsert(
    {
      channelId: CH,
      kind: 'channel',
      name: 'Station 3B',
      topic: '',
      historyForNewMembers: false,
      retentionDays: null,
      createdAt: T0,
    },
    [
      { userId: ANNA, role: 'admin' },
      { userId: BEN, role: 'member' },
    ],
  );
  testDatabase(store)
    .prepare(`INSERT INTO users VALUES (?, 'Anna Berger', 'admin', NULL, 1), (?, 'Ben Öztürk', 'member', NULL, 1)`)
    .run(ANNA, BEN);
});

it('gives each message of the page its quote, ackers and readers', async () => {
  const question = msg('Wer übernimmt Zimmer 12?', BEN);
  const urgent = msg('Ich, sofort', ANNA, { replyTo: question.eventId, urgent: true });
  const orphan = msg('Antwort auf etwas Altes', BEN, { replyTo: 'evt-not-here' });
  await apply([
    question,
    urgent,
    orphan,
    ev({ type: 'message.ack', messageId: urgent.eventId }, BEN),
    ev({ type: 'read.receipt', upToSeq: urgent.seq! }, BEN),
  ]);

  const { memberCount, details } = await store.messageDetails.of(
    CH,
    [question.eventId, urgent.eventId, orphan.eventId],
    { userId: ANNA, readReceipts: true },
  );
  expect(memberCount).toBe(2);
  expect(details.get(urgent.eventId)).toMatchObject({
    quote: { body: 'Wer übernimmt Zimmer 12?', deletedAt: null, senderName: 'Ben Öztürk' },
    ackers: [BEN],
    readers: 1,
  });
  // Not urgent, not mine: nothing to count.
  expect(details.get(question.eventId)).toMatchObject({ quote: null, ackers: [], readers: null });
  expect(details.get(orphan.eventId)?.quote).toBeNull();

  const off = await store.messageDetails.of(CH, [urgent.eventId], { userId: ANNA, readReceipts: false });
  expect(off.details.get(urgent.eventId)?.readers).toBeNull();
  expect([...off.details.keys()]).toEqual([urgent.eventId]);
});

it('a deleted quoted message is shown as deleted, with its sender', async () => {
  const original = msg('Bitte Blutdruck messen', BEN);
  const reply = msg('Erledigt', ANNA, { replyTo: original.eventId });
  await apply([original, reply, ev({ type: 'message.delete', messageId: original.eventId }, BEN)]);
  const { details } = await store.messageDetails.of(CH, [reply.eventId], { userId: ANNA, readReceipts: true });
  expect(details.get(reply.eventId)?.quote).toMatchObject({ senderName: 'Ben Öztürk' });
  expect(details.get(reply.eventId)?.quote?.deletedAt).not.toBeNull();
});
