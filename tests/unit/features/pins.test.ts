// Pinned messages through the store, as every client applies them: any member pins, only the
// pinner or a channel admin unpins (the rule table), a deleted message cannot be pinned, the first
// pin stands, a redelivered event changes nothing, and a pin opened before its message waits for it.
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { authorise } from '../../../apps/desktop/electron/core/store/authorise.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { pinRepository } from '../../../apps/desktop/electron/core/features/pins/repository.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const ANNA = 'usr-anna-0001'; // channel admin
const BEN = 'usr-ben-00001';
const CARL = 'usr-carl-0001';
const CH = 'chn-station-3b';
const MSG = 'msg-visite-001';
let store: ProfileStore;
let seq = 0;

function event(from: string, payload: ChannelEventPayload, eventId?: string): ChannelEvent {
  seq++;
  return {
    eventId: eventId ?? `evt${String(seq).padStart(8, '0')}`,
    channelId: CH,
    seq,
    senderUserId: from,
    senderDeviceId: `dev-${from}`,
    createdAt: 1_000 + seq,
    epoch: 1,
    payload,
  };
}

function applyAll(events: ChannelEvent[]) {
  const db = testDatabase(store);
  const result = db.transaction(() => applyEvents(db, events))();
  return { ...result, refused: result.refused.map((r) => r.reason) };
}
const apply = (from: string, payload: ChannelEventPayload) => applyAll([event(from, payload)]);
const message = (): ChannelEventPayload => ({
  type: 'message.create',
  body: 'Visite um 9',
  mentions: [],
  replyTo: null,
  urgent: false,
});
const pins = async () =>
  (await store.repository(pinRepository).list(CH)).map((p) => ({ messageId: p.messageId, pinnedBy: p.pinnedBy }));

describe('pinned messages', () => {
  beforeAll(() => registerStoreFeatures());

  beforeEach(() => {
    seq = 0;
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    const db = testDatabase(store);
    db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station', 0)`).run(CH);
    const members = [
      { userId: ANNA, role: 'admin' },
      { userId: BEN, role: 'member' },
      { userId: CARL, role: 'member' },
    ];
    db.prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`).run(
      CH,
      JSON.stringify({ v: 1, type: 'roster', body: { channelId: CH, epoch: 1, members } }),
    );
    for (const m of members) db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, m.userId, m.role);
    applyAll([event(CARL, message(), MSG)]);
  });

  it('the rule table: any member pins a message that is here; its pinner or a channel admin unpins', () => {
    const member = { senderUserId: BEN, channelRole: 'member' as const, orgWide: false, orgAdmin: false };
    expect(authorise('pin.add', { ...member, author: CARL })).toBeNull();
    expect(authorise('pin.add', { ...member, author: null })).toBe('unknown_target');
    expect(authorise('pin.remove', { ...member, author: BEN })).toBeNull();
    expect(authorise('pin.remove', { ...member, author: CARL })).toBe('not_author');
    expect(authorise('pin.remove', { ...member, channelRole: 'admin', author: CARL })).toBeNull();
    expect(authorise('pin.remove', { ...member, author: null })).toBe('unknown_target');
  });

  it('any member pins; the first pin stands; a redelivered pin changes nothing', async () => {
    const pin = event(BEN, { type: 'pin.add', messageId: MSG });
    expect(applyAll([pin]).refused).toEqual([]);
    expect(await pins()).toEqual([{ messageId: MSG, pinnedBy: BEN }]);
    expect(apply(CARL, { type: 'pin.add', messageId: MSG }).refused).toEqual(['already_pinned']);
    expect(applyAll([pin])).toMatchObject({ applied: 0, duplicates: 1, refused: [] });
    expect(await pins()).toEqual([{ messageId: MSG, pinnedBy: BEN }]);
  });

  it("another member cannot unpin someone else's pin; the pinner and a channel admin can", async () => {
    apply(BEN, { type: 'pin.add', messageId: MSG });
    expect(apply(CARL, { type: 'pin.remove', messageId: MSG }).refused).toEqual(['not_author']);
    expect(await pins()).toEqual([{ messageId: MSG, pinnedBy: BEN }]);
    expect(apply(ANNA, { type: 'pin.remove', messageId: MSG }).refused).toEqual([]);
    expect(await pins()).toEqual([]);
    apply(BEN, { type: 'pin.add', messageId: MSG });
    expect(apply(BEN, { type: 'pin.remove', messageId: MSG }).refused).toEqual([]);
    expect(await pins()).toEqual([]);
    // Nothing pinned: an unpin has no target.
    expect(apply(ANNA, { type: 'pin.remove', messageId: MSG }).refused).toEqual(['unknown_target']);
  });

  it('a deleted message cannot be pinned, and a pinned one leaves the list when deleted', async () => {
    apply(BEN, { type: 'pin.add', messageId: MSG });
    apply(CARL, { type: 'message.delete', messageId: MSG });
    expect(await pins()).toEqual([]);
    applyAll([event(CARL, message(), 'msg-visite-002')]);
    apply(CARL, { type: 'message.delete', messageId: 'msg-visite-002' });
    expect(apply(BEN, { type: 'pin.add', messageId: 'msg-visite-002' }).refused).toEqual(['deleted_message']);
    expect(await pins()).toEqual([]);
  });

  it('a pin opened before its message (its key came late) waits for it and then applies', async () => {
    const cursor = (value: number) =>
      testDatabase(store).prepare('INSERT OR REPLACE INTO sync_cursors (channel_id, seq) VALUES (?, ?)').run(CH, value);
    const late = event(CARL, message(), 'msg-late-0001');
    const pin = event(BEN, { type: 'pin.add', messageId: 'msg-late-0001' });
    cursor(pin.seq!);
    expect(applyAll([pin]).refused).toEqual([]);
    expect(await pins()).toEqual([]);
    expect(applyAll([late]).refused).toEqual([]);
    expect(await pins()).toEqual([{ messageId: 'msg-late-0001', pinnedBy: BEN }]);
  });
});
