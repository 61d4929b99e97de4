// Opening a channel lists its pins and its reactions; both join their rows with the channel's
// messages (a deleted message's pin or reaction is not shown). The plan must start from the pins or
// reactions, a handful of rows, and look each message up by its key: starting from the messages
// walks the whole channel (in the ui bench, 100,000 lookups and 150-450 ms of blocked main process
// per pins.list, twice per channel open, before the messages page could answer).
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

/** A channel of 500 messages, the newest pinned and reacted to. */
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
  return prepared.map((text) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(CH) as Array<{ detail: string }>).map((r) => r.detail),
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

  it('the check sees a walk over the channel (control)', async () => {
    const { store, db } = channelStore();
    const plans = await plansOf(db, async () =>
      db.prepare('SELECT m.body FROM messages m WHERE m.channel_id = ? ORDER BY m.sort_key').all(CH),
    );
    expect(plans.flatMap(walksChannel)).not.toEqual([]);
    store.close();
  });
});
