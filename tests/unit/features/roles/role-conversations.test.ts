// Conversations with a role: the roster they should have (caller and holders now, every one an
// admin so any member device can sign the handover), and the link that makes a channel one, in a
// real store through applyEvents: only a channel admin links, the first link counts, a later one
// (another role, another caller) is refused, and the directory channel is never a role's.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { ProfileStore } from '../../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../../apps/desktop/electron/core/features/registry.ts';
import { roleRepository } from '../../../../apps/desktop/electron/core/features/roles/repository.ts';
import { roleConversationMembers } from '../../../../apps/desktop/electron/core/features/roles/conversations.ts';
import { randomKey, tempDir } from '../../store/helpers.ts';

const ROLE_CH = 'chn-role-conv-0001';
const ORG_CH = 'chnorg-directory-0001';
const PLAIN_CH = 'chn-plain-conv-001';
const CALLER = { userId: 'usr-caller-001', deviceId: 'dev-caller-001' };
const HOLDER = { userId: 'usr-holder-001', deviceId: 'dev-holder-001' };
const OTHER = { userId: 'usr-other-0001', deviceId: 'dev-other-0001' };
const T = Date.UTC(2026, 11, 7, 6, 0);

beforeAll(() => registerStoreFeatures());

function openClient(): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  store.sync.setSelf(HOLDER);
  const db = testDatabase(store);
  const record = (type: string, subject: string, body: object, signer?: { kind: 'device'; id: string }) =>
    db
      .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES (?, ?, ?, 0)`)
      .run(type, subject, JSON.stringify({ v: 1, type, body, ...(signer ? { signer } : {}) }));
  db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at, org_wide) VALUES (?, 'channel', '', 0, 1)`).run(
    ORG_CH,
  );
  for (const channelId of [ROLE_CH, PLAIN_CH])
    db.prepare(
      `INSERT INTO channels (channel_id, kind, name, created_at, org_wide) VALUES (?, 'conversation', '', 0, 0)`,
    ).run(channelId);
  const everyone = [CALLER, HOLDER, OTHER].map((m) => ({ userId: m.userId, role: 'member' as const }));
  record('roster', ORG_CH, { channelId: ORG_CH, epoch: 1, members: everyone, issuedAt: 0 });
  // Made by the caller as a conversation with a role: every member an admin.
  const conversation = [CALLER, HOLDER, OTHER].map((m) => ({ userId: m.userId, role: 'admin' as const }));
  const byCaller = { kind: 'device' as const, id: CALLER.deviceId };
  const first = { epoch: 1, kind: 'conversation', issuedAt: 0 };
  record('roster', ROLE_CH, { ...first, channelId: ROLE_CH, members: conversation }, byCaller);
  // An ordinary conversation of the caller's: the others are plain members.
  const plain = [
    { userId: CALLER.userId, role: 'admin' as const },
    { userId: HOLDER.userId, role: 'member' as const },
    { userId: OTHER.userId, role: 'member' as const },
  ];
  record('roster', PLAIN_CH, { ...first, channelId: PLAIN_CH, members: plain }, byCaller);
  for (const u of [CALLER, HOLDER, OTHER]) {
    record('user', u.userId, { userId: u.userId, role: 'member', active: true, ward: 'Innere', issuedAt: 0 });
    record('device', u.userId, { userId: u.userId, deviceId: u.deviceId, issuedAt: 0 });
  }
  for (const m of everyone) db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(ORG_CH, m.userId, m.role);
  for (const m of conversation)
    db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(ROLE_CH, m.userId, m.role);
  for (const m of plain) db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(PLAIN_CH, m.userId, m.role);
  return store;
}

const event = (
  channelId: string,
  from: { userId: string; deviceId: string },
  seq: number,
  payload: ChannelEventPayload,
): ChannelEvent => ({
  eventId: `evt-link-${String(seq).padStart(6, '0')}`,
  channelId,
  seq,
  senderUserId: from.userId,
  senderDeviceId: from.deviceId,
  createdAt: T + seq * 1_000,
  relayAt: T + seq * 1_000,
  epoch: 1,
  payload,
});

const received = (store: ProfileStore, channelId: string, events: ChannelEvent[]) =>
  store.sync.applyBatch(channelId, {
    events: events.map((e) => ({ ...e, seq: e.seq!, contentType: 'channel' })),
    pending: [],
    newCursor: Math.max(...events.map((e) => e.seq!)),
  });

const link = (roleId: string): ChannelEventPayload => ({ type: 'role.conversation', roleId });

describe('the roster of a conversation with a role', () => {
  it('is the caller and the holders now, each once and an admin', () => {
    expect(roleConversationMembers('usr-b', ['usr-c', 'usr-b', 'usr-a'])).toEqual([
      { userId: 'usr-a', role: 'admin' },
      { userId: 'usr-b', role: 'admin' },
      { userId: 'usr-c', role: 'admin' },
    ]);
    // Nobody holds the role: the caller alone, the next holder is added at the handover.
    expect(roleConversationMembers('usr-b', [])).toEqual([{ userId: 'usr-b', role: 'admin' }]);
  });
});

describe('the link that makes a channel a conversation with a role', () => {
  it("counts the first from the channel's creator; another member cannot link, and a later link changes nothing", async () => {
    const store = openClient();
    const repo = store.repository(roleRepository);
    await received(store, ROLE_CH, [
      event(ROLE_CH, OTHER, 1, link('role-forged-0001')),
      event(ROLE_CH, CALLER, 2, link('role-innere-0001')),
      event(ROLE_CH, HOLDER, 3, link('role-other-00001')),
    ]);
    expect(repo.conversation(ROLE_CH)).toEqual({
      channelId: ROLE_CH,
      roleId: 'role-innere-0001',
      callerUserId: CALLER.userId,
      droppedAt: null,
    });
    expect(repo.conversations()).toHaveLength(1);
  });

  it('is refused in a channel not made for a role, even from its creator (whose members would be signed out)', async () => {
    const store = openClient();
    await received(store, PLAIN_CH, [event(PLAIN_CH, CALLER, 1, link('role-innere-0001'))]);
    expect(store.repository(roleRepository).conversations()).toEqual([]);
  });

  it('is refused in the directory channel', async () => {
    const store = openClient();
    await received(store, ORG_CH, [event(ORG_CH, CALLER, 1, link('role-innere-0001'))]);
    expect(store.repository(roleRepository).conversations()).toEqual([]);
  });
});
