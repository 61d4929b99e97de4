// An own reaction takes effect when queued and is decided again when the relay refuses it for good
// (store/own-refused.ts asks the reactions feature to recompute from the log without it): a
// refused add goes, a refused remove gives the reaction back, as every receiver (who never saw
// the refused event) shows it. And a reaction opened before the remove that takes it off, or
// before its message, ends as on a device that opened them in the relay's order.
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { undoQueuedOwn } from '../../../apps/desktop/electron/core/store/own-refused.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { reactionRepository } from '../../../apps/desktop/electron/core/features/reactions/repository.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const BEN = 'usr-ben-00001';
const CARL = 'usr-carl-0001';
const CH = 'chn-station-3b';
const MSG = 'msg-visite-001';
let store: ProfileStore;
let n = 0;

function event(from: string, seq: number | null, payload: ChannelEventPayload, eventId?: string): ChannelEvent {
  n++;
  return {
    eventId: eventId ?? `evt${String(n).padStart(8, '0')}`,
    channelId: CH,
    seq,
    senderUserId: from,
    senderDeviceId: `dev-${from}`,
    createdAt: 1_000 + n,
    epoch: 1,
    payload,
  };
}
const thumbs = (type: 'reaction.add' | 'reaction.remove', messageId = MSG) =>
  ({ type, messageId, reaction: '👍' }) as const;
const message = (): ChannelEventPayload => ({
  type: 'message.create',
  body: 'Visite um 9',
  mentions: [],
  replyTo: null,
  urgent: false,
});
function applyAll(events: ChannelEvent[]): string[] {
  const db = testDatabase(store);
  return db
    .transaction(() => applyEvents(db, events))()
    .refused.map((r) => r.reason);
}
const reactions = async () =>
  (await store.repository(reactionRepository).list(CH)).map((r) => `${r.messageId} ${r.userId} ${r.reaction}`);

describe('own reactions refused by the relay, and reactions opened out of order', () => {
  beforeAll(() => registerStoreFeatures());

  beforeEach(() => {
    n = 0;
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    const db = testDatabase(store);
    db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station', 0)`).run(CH);
    const members = [
      { userId: BEN, role: 'member' },
      { userId: CARL, role: 'member' },
    ];
    db.prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`).run(
      CH,
      JSON.stringify({ v: 1, type: 'roster', body: { channelId: CH, epoch: 1, members } }),
    );
    for (const m of members) db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, m.userId, m.role);
    applyAll([event(CARL, 1, message(), MSG)]);
  });

  it('a refused own add goes; a refused own remove gives the ordered reaction back', async () => {
    const add = event(BEN, null, thumbs('reaction.add'));
    expect(applyAll([add])).toEqual([]);
    expect(await reactions()).toEqual([`${MSG} ${BEN} 👍`]);
    const db = testDatabase(store);
    db.transaction(() => undoQueuedOwn(db, add, 'not_member'))();
    expect(await reactions()).toEqual([]);

    expect(applyAll([event(BEN, 2, thumbs('reaction.add'))])).toEqual([]);
    const remove = event(BEN, null, thumbs('reaction.remove'));
    expect(applyAll([remove])).toEqual([]);
    expect(await reactions()).toEqual([]);
    db.transaction(() => undoQueuedOwn(db, remove, 'not_member'))();
    expect(await reactions()).toEqual([`${MSG} ${BEN} 👍`]);
  });

  it('a remove opened before the add it takes off, or both before their message, end as in order', async () => {
    const db = testDatabase(store);
    db.prepare('INSERT INTO sync_cursors (channel_id, seq) VALUES (?, ?)').run(CH, 20);
    const add = event(BEN, 2, thumbs('reaction.add'));
    const remove = event(BEN, 3, thumbs('reaction.remove'));
    expect(applyAll([remove])).toEqual(['unknown_target']);
    expect(applyAll([add])).toEqual([]);
    expect(await reactions()).toEqual([]);

    const late = event(CARL, 10, message(), 'msg-late-0001');
    const lateAdd = event(BEN, 11, thumbs('reaction.add', 'msg-late-0001'));
    const lateRemove = event(BEN, 12, thumbs('reaction.remove', 'msg-late-0001'));
    const again = event(BEN, 13, thumbs('reaction.add', 'msg-late-0001'));
    applyAll([again]);
    applyAll([lateRemove]);
    applyAll([lateAdd]);
    expect(await reactions()).toEqual([]);
    applyAll([late]);
    expect(await reactions()).toEqual([`msg-late-0001 ${BEN} 👍`]);
  });
});
