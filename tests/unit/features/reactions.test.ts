// Quick reactions through the store, as every client applies them: any member reacts with a value
// from the fixed set (any other value, or free text, fails the event schema), takes only their own
// reaction off (a remove names the sender's own reaction, so another member's cannot be named: it
// is refused as `unknown_target` and the reaction stays), a deleted message takes none, a
// redelivered event changes nothing, and a reaction opened before its message waits for it.
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  channelEventPayload,
  type ChannelEvent,
  type ChannelEventPayload,
} from '@klinikfunk/protocol/domain/events.ts';
import { authorise } from '../../../apps/desktop/electron/core/store/authorise.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { reactionRepository } from '../../../apps/desktop/electron/core/features/reactions/repository.ts';
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
const add = (reaction: '👍' | '✅' | '👀' | '🙏', messageId = MSG) =>
  ({ type: 'reaction.add', messageId, reaction }) as const;
const remove = (reaction: '👍' | '✅' | '👀' | '🙏', messageId = MSG) =>
  ({ type: 'reaction.remove', messageId, reaction }) as const;
const message = (): ChannelEventPayload => ({
  type: 'message.create',
  body: 'Visite um 9',
  mentions: [],
  replyTo: null,
  urgent: false,
});
const reactions = async () =>
  (await store.repository(reactionRepository).list(CH)).map((r) => `${r.messageId} ${r.userId} ${r.reaction}`);

describe('quick reactions', () => {
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

  it('the event schema takes only the fixed set: any other value or free text is refused', () => {
    for (const reaction of ['👍', '✅', '👀', '🙏'])
      expect(channelEventPayload.safeParse({ type: 'reaction.add', messageId: MSG, reaction }).success).toBe(true);
    for (const reaction of ['😀', 'Danke!', '', '👍👍', '👍 '])
      expect(channelEventPayload.safeParse({ type: 'reaction.add', messageId: MSG, reaction }).success).toBe(false);
    // Strict: no text smuggled alongside a valid value.
    expect(
      channelEventPayload.safeParse({ type: 'reaction.add', messageId: MSG, reaction: '👍', text: 'x' }).success,
    ).toBe(false);
    expect(channelEventPayload.safeParse({ type: 'reaction.remove', messageId: MSG, reaction: '🔥' }).success).toBe(
      false,
    );
  });

  it('the rule table: any member reacts to a message that is here; only the reactor takes it off', () => {
    const member = { senderUserId: BEN, channelRole: 'member' as const, orgWide: false, orgAdmin: false };
    expect(authorise('reaction.add', { ...member, author: CARL })).toBeNull();
    expect(authorise('reaction.add', { ...member, author: null })).toBe('unknown_target');
    expect(authorise('reaction.remove', { ...member, author: BEN })).toBeNull();
    expect(authorise('reaction.remove', { ...member, author: null })).toBe('unknown_target');
    // Not even a channel admin takes another member's reaction off.
    expect(authorise('reaction.remove', { ...member, channelRole: 'admin', author: CARL })).toBe('not_author');
  });

  it('members react, each value once per member; a redelivered reaction changes nothing', async () => {
    const thumbs = event(BEN, add('👍'));
    expect(applyAll([thumbs]).refused).toEqual([]);
    expect(apply(ANNA, add('👍')).refused).toEqual([]);
    expect(apply(BEN, add('👀')).refused).toEqual([]);
    expect(apply(BEN, add('👍')).refused).toEqual(['already_reacted']);
    expect(applyAll([thumbs])).toMatchObject({ applied: 0, duplicates: 1, refused: [] });
    expect((await reactions()).sort()).toEqual([`${MSG} ${ANNA} 👍`, `${MSG} ${BEN} 👀`, `${MSG} ${BEN} 👍`].sort());
  });

  it('a member takes their own reaction off; a remove from anyone else never touches it (refused with a reason)', async () => {
    apply(BEN, add('✅'));
    // Carl (a forged or mistaken remove of Ben's reaction) can only name his own, which he has not given.
    expect(apply(CARL, remove('✅')).refused).toEqual(['unknown_target']);
    // Not even the channel admin.
    expect(apply(ANNA, remove('✅')).refused).toEqual(['unknown_target']);
    expect(await reactions()).toEqual([`${MSG} ${BEN} ✅`]);
    expect(apply(BEN, remove('✅')).refused).toEqual([]);
    expect(await reactions()).toEqual([]);
    // Toggling back on.
    expect(apply(BEN, add('✅')).refused).toEqual([]);
    expect(await reactions()).toEqual([`${MSG} ${BEN} ✅`]);
  });

  it('a deleted message takes no reaction, and its reactions go with it', async () => {
    apply(BEN, add('🙏'));
    apply(CARL, { type: 'message.delete', messageId: MSG });
    expect(await reactions()).toEqual([]);
    applyAll([event(CARL, message(), 'msg-visite-002')]);
    apply(CARL, { type: 'message.delete', messageId: 'msg-visite-002' });
    expect(apply(BEN, add('🙏', 'msg-visite-002')).refused).toEqual(['deleted_message']);
    expect(await reactions()).toEqual([]);
  });

  it('a reaction opened before its message (its key came late) waits for it and then applies', async () => {
    const cursor = (value: number) =>
      testDatabase(store).prepare('INSERT OR REPLACE INTO sync_cursors (channel_id, seq) VALUES (?, ?)').run(CH, value);
    const late = event(CARL, message(), 'msg-late-0001');
    const thumbs = event(BEN, add('👍', 'msg-late-0001'));
    cursor(thumbs.seq!);
    expect(applyAll([thumbs]).refused).toEqual([]);
    expect(await reactions()).toEqual([]);
    expect(applyAll([late]).refused).toEqual([]);
    expect(await reactions()).toEqual([`msg-late-0001 ${BEN} 👍`]);
  });
});
