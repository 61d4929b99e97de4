// role_ops in a real store (features/roles/repository.ts through applyEvents and the sync store).
// An own event follows the relay: markSent gives its row the relay's seq and time, a refusal for
// good removes it (the registry's `ordered.recompute`).
//
// The event id is the sender's choice (the envelope header), and role_ops outlives the event log
// (retention, or the conversation's content deleted on this workstation). A member who seals a new
// event under the id of an admin's old roster must not move that roster to the new event's place
// in the relay's order: on a workstation whose log no longer holds the old event, that would make
// the old roster the newest and hand the role back to whom it named, while every workstation that
// still has the event counts the new one as a duplicate.
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../../apps/desktop/electron/core/store/apply.ts';
import { queueOutbox } from '../../../../apps/desktop/electron/core/store/messages.ts';
import { ProfileStore } from '../../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../../apps/desktop/electron/core/store/test-database.ts';
import { deleteChannelContent } from '../../../../apps/desktop/electron/core/store/retention.ts';
import { registerStoreFeatures } from '../../../../apps/desktop/electron/core/features/registry.ts';
import { roleRepository } from '../../../../apps/desktop/electron/core/features/roles/repository.ts';
import { foldRoles, holdersAt } from '../../../../apps/desktop/electron/core/features/roles/resolve.ts';
import { randomKey, tempDir } from '../../store/helpers.ts';

const CH = 'chnorg-directory-0001';
const ADMIN = { userId: 'usr-admin-0001', deviceId: 'dev-admin-0001' };
const NORA = { userId: 'usr-nora-00001', deviceId: 'dev-nora-00001' };
const XAVER = { userId: 'usr-xaver-0001', deviceId: 'dev-xaver-0001' };
const ROLE = 'role-innere-0001';
const H = 3_600_000;
const T = Date.UTC(2026, 11, 7, 6, 0);

beforeAll(() => registerStoreFeatures());

function openClient(): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  store.sync.setSelf(NORA);
  const db = testDatabase(store);
  db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at, org_wide) VALUES (?, 'channel', '', 0, 1)`).run(
    CH,
  );
  const members = [ADMIN, NORA, XAVER].map((m) => ({ userId: m.userId, role: 'member' as const }));
  const record = (type: string, subject: string, body: object) =>
    db
      .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES (?, ?, ?, 0)`)
      .run(type, subject, JSON.stringify({ v: 1, type, body }));
  record('roster', CH, { channelId: CH, epoch: 1, members, issuedAt: 0 });
  record('user', ADMIN.userId, { userId: ADMIN.userId, role: 'admin', active: true, ward: null, issuedAt: 0 });
  for (const u of [NORA, XAVER])
    record('user', u.userId, { userId: u.userId, role: 'member', active: true, ward: 'Innere', issuedAt: 0 });
  for (const m of members) db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, m.userId, m.role);
  return store;
}

const event = (
  from: { userId: string; deviceId: string },
  seq: number,
  eventId: string,
  payload: ChannelEventPayload,
): ChannelEvent => ({
  eventId,
  channelId: CH,
  seq,
  senderUserId: from.userId,
  senderDeviceId: from.deviceId,
  createdAt: T + seq * 1_000,
  relayAt: T + seq * 1_000,
  epoch: 1,
  payload,
});

const received = (store: ProfileStore, events: ChannelEvent[]) =>
  store.sync.applyBatch(CH, {
    events: events.map((e) => ({ ...e, seq: e.seq!, contentType: 'channel' })),
    pending: [],
    newCursor: Math.max(...events.map((e) => e.seq!)),
  });

const roster = (userId: string): ChannelEventPayload => ({
  type: 'role.schedule',
  roleId: ROLE,
  from: T,
  to: T + 24 * H,
  entries: [{ userId, start: T, end: T + 24 * H }],
  source: 'dienstplan.csv',
});

function holdersNow(store: ProfileStore): string[] {
  const repo = store.repository(roleRepository);
  const state = foldRoles(repo.ops(), repo).roles.get(ROLE)!;
  return holdersAt(state, T + 2 * H).userIds;
}

it("an event under the id of an admin's old roster does not make that roster the newest", async () => {
  const store = openClient();
  const define: ChannelEventPayload = {
    type: 'role.define',
    roleId: ROLE,
    name: 'Dienstarzt Innere',
    department: 'Innere',
    eligible: { userIds: [], departments: ['Innere'] },
    backupRoleId: null,
    retired: false,
  };
  await received(store, [
    event(ADMIN, 1, 'evt-define-000001', define),
    event(ADMIN, 2, 'evt-roster-old-01', roster(NORA.userId)),
    event(ADMIN, 3, 'evt-roster-new-01', roster(XAVER.userId)),
  ]);
  expect(holdersNow(store)).toEqual([XAVER.userId]);
  // This workstation's log loses the events (the conversation's content deleted here; retention
  // does the same by age); role_ops keeps them, as the roles still hold.
  deleteChannelContent(testDatabase(store), CH);
  expect(holdersNow(store)).toEqual([XAVER.userId]);
  // Nora seals a new event under the old roster's id; the relay orders it after the new roster.
  await received(store, [event(NORA, 4, 'evt-roster-old-01', { type: 'role.hold', roleId: ROLE, userId: null })]);
  expect(holdersNow(store)).toEqual([XAVER.userId]);
  const kept = store
    .repository(roleRepository)
    .ops()
    .find((o) => o.eventId === 'evt-roster-old-01')!;
  expect({ seq: kept.seq, sender: kept.senderUserId }).toEqual({ seq: 2, sender: ADMIN.userId });
});

it('an own role event follows the relay: its place and time when acknowledged, gone when refused for good', async () => {
  const store = openClient();
  const db = testDatabase(store);
  await received(store, [
    event(ADMIN, 1, 'evt-define-000001', {
      type: 'role.define',
      roleId: ROLE,
      name: 'Dienstarzt Innere',
      department: 'Innere',
      eligible: { userIds: [], departments: ['Innere'] },
      backupRoleId: null,
      retired: false,
    }),
  ]);
  const queue = (eventId: string, createdAt: number) => {
    const own: ChannelEvent = {
      eventId,
      channelId: CH,
      seq: null,
      senderUserId: NORA.userId,
      senderDeviceId: NORA.deviceId,
      createdAt,
      relayAt: null,
      payload: { type: 'role.hold', roleId: ROLE, userId: NORA.userId },
    };
    db.transaction(() => {
      queueOutbox(db, own, 'channel');
      applyEvents(db, [own]);
    })();
  };
  const op = (eventId: string) =>
    store
      .repository(roleRepository)
      .ops()
      .find((o) => o.eventId === eventId);
  queue('evt-take-000001', T + 5 * H);
  expect(op('evt-take-000001')).toMatchObject({ seq: null, relayAt: null });
  expect(holdersNow(store)).toEqual([]);
  await store.sync.markSent('evt-take-000001', 2, T + H);
  expect(op('evt-take-000001')).toMatchObject({ seq: 2, relayAt: T + H });
  expect(holdersNow(store)).toEqual([NORA.userId]);
  queue('evt-take-000002', T + H + 1);
  await store.sync.markRefused('evt-take-000002', 'not_member');
  expect(op('evt-take-000002')).toBeUndefined();
});
