// Opening a channel lists its pins and its reactions; both join their rows with the channel's
// messages (a deleted message's pin or reaction is not shown). The plan must start from the pins or
// reactions, a handful of rows, and look each message up by its key: starting from the messages
// walks the whole channel (in the ui bench, 100,000 lookups and 150-450 ms of blocked main process
// per pins.list, twice per channel open, before the messages page could answer). The page a
// channel opens with (features/channel-page.ts) reads the reactions of its messages and the polls
// of its items by their keys, never every reaction or poll of the channel.
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import type { Db } from '../../../apps/desktop/electron/core/store/database.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { pinRepository } from '../../../apps/desktop/electron/core/features/pins/repository.ts';
import { reactionRepository } from '../../../apps/desktop/electron/core/features/reactions/repository.ts';
import { pollRepository } from '../../../apps/desktop/electron/core/features/polls/repository.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const CH = 'chn-station-3b';
const ANNA = 'usr-anna-0001';

function event(
  seq: number,
  payload: ChannelEventPayload,
  eventId = `evt${String(seq).padStart(8, '0')}`,
): ChannelEvent {
  return { eventId, channelId: CH, seq, senderUserId: ANNA, senderDeviceId: 'dev-anna', createdAt: seq, payload };
}

/** A channel of 500 messages, the newest pinned and reacted to, and 50 polls. */
function channelStore(): { store: ProfileStore; db: Db } {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  const db = testDatabase(store);
  db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station', 0)`).run(CH);
  db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, ANNA, 'admin');
  const events = Array.from({ length: 500 }, (_, i) =>
    event(i + 1, { type: 'message.create', body: `Nr. ${i}`, mentions: [], replyTo: null, urgent: false }, `msg${i}`),
  );
  events.push(event(501, { type: 'pin.add', messageId: 'msg499' }));
  events.push(event(502, { type: 'reaction.add', messageId: 'msg499', reaction: '👍' }));
  for (let i = 0; i < 50; i++)
    events.push(
      event(
        503 + i,
        {
          type: 'poll.create',
          question: `Frage ${i}?`,
          options: [
            { id: 'o1', label: 'Ja' },
            { id: 'o2', label: 'Nein' },
          ],
          multipleChoice: false,
          deadline: null,
          hideVoters: false,
        },
        `poll${String(i).padStart(8, '0')}`,
      ),
    );
  const result = db.transaction(() => applyEvents(db, events))();
  expect(result.refused).toEqual([]);
  return { store, db };
}

/** The plan rows of every statement `read` prepares on a fresh connection cache. */
async function plansOf(db: Db, read: () => Promise<unknown>): Promise<string[][]> {
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  const spy = vi.spyOn(db, 'prepare').mockImplementation((text: string) => {
    prepared.push(text);
    return prepare(text);
  });
  await read();
  spy.mockRestore();
  expect(prepared).not.toEqual([]);
  // The channel, then nulls for the other parameters (ids as JSON, a user): the plan is the same.
  return prepared.map((text) =>
    (
      db
        .prepare(`EXPLAIN QUERY PLAN ${text}`)
        .all(CH, ...Array<null>((text.match(/\?/g)?.length ?? 1) - 1).fill(null)) as Array<{ detail: string }>
    ).map((r) => r.detail),
  );
}

/** Plan rows that visit the channel's messages by channel alone (a walk over all of them). */
const walksChannel = (plan: string[]) => plan.filter((d) => /^SCAN m\b|^SEARCH m USING .*\(channel_id=\?\)$/.test(d));

describe('the lists a channel open reads start from their own rows', () => {
  beforeAll(() => registerStoreFeatures());

  it('pins: each pinned message is looked up by its key', async () => {
    const { store, db } = channelStore();
    const repository = store.repository(pinRepository);
    for (const plan of await plansOf(db, () => repository.list(CH)))
      expect(walksChannel(plan), plan.join(' | ')).toEqual([]);
    expect((await repository.list(CH)).map((p) => p.messageId)).toEqual(['msg499']);
    store.close();
  });

  it('reactions: each reacted-to message is looked up by its key', async () => {
    const { store, db } = channelStore();
    const repository = store.repository(reactionRepository);
    for (const plan of await plansOf(db, () => repository.list(CH)))
      expect(walksChannel(plan), plan.join(' | ')).toEqual([]);
    expect((await repository.list(CH)).map((r) => r.messageId)).toEqual(['msg499']);
    store.close();
  });

  it("a page's reactions: each message's looked up by its key", async () => {
    const { store, db } = channelStore();
    const repository = store.repository(reactionRepository);
    const plans = await plansOf(db, () => repository.ofMessages(CH, ['msg499', 'msg498']));
    for (const plan of plans)
      expect(
        plan.filter((d) => /^(SCAN|SEARCH) reactions\b/.test(d) && !/message_id=\?/.test(d)),
        plan.join(' | '),
      ).toEqual([]);
    expect((await repository.ofMessages(CH, ['msg499', 'msg498'])).map((r) => r.messageId)).toEqual(['msg499']);
    expect(await repository.ofMessages(CH, ['msg1'])).toEqual([]);
    store.close();
  });

  it("a page's polls: each looked up by its key with this user's vote", async () => {
    const { store, db } = channelStore();
    const repository = store.repository(pollRepository);
    const ids = ['poll00000049', 'poll00000003'];
    const read = async () => {
      await repository.details(CH, ANNA, ids);
      return repository.polls(CH, 0, ids);
    };
    for (const plan of await plansOf(db, read))
      expect(
        plan.filter((d) => /^(SCAN|SEARCH) (polls|poll_votes)\b/.test(d) && !/poll_id=\?/.test(d)),
        plan.join(' | '),
      ).toEqual([]);
    expect((await repository.polls(CH, 0, ids)).map((p) => p.pollId)).toEqual(ids);
    expect(await repository.polls(CH, 0)).toHaveLength(50);
    store.close();
  });

  it('the check sees a walk over the channel (control)', async () => {
    const { store, db } = channelStore();
    const plans = await plansOf(db, async () =>
      db.prepare('SELECT m.body FROM messages m WHERE m.channel_id = ? ORDER BY m.sort_key').all(CH),
    );
    expect(plans.flatMap(walksChannel)).not.toEqual([]);
    store.close();
  });
});
