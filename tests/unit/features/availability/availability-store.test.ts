// Availability in a real store (features/availability/): statuses travel only in the directory
// channel and only about their sender's own user; what is in force is the newest by the relay's
// order until its end (status.ts). A device of another user naming someone else, a status in any
// other channel and a cover line for someone else's message change nothing on any client.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { AvailabilitySetPayload } from '@klinikfunk/protocol/domain/availability-events.ts';
import { channelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../../apps/desktop/electron/core/store/apply.ts';
import { queueOutbox } from '../../../../apps/desktop/electron/core/store/messages.ts';
import { ProfileStore } from '../../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../../apps/desktop/electron/core/features/registry.ts';
import { availabilityRepository } from '../../../../apps/desktop/electron/core/features/availability/repository.ts';
import { statusAt, type StatusOp } from '../../../../apps/desktop/electron/core/features/availability/status.ts';
import { randomKey, tempDir } from '../../store/helpers.ts';

const DIR = 'chnorg-directory-0001';
const WARD = 'chn-ward-3-nord-01';
const ALT = { userId: 'usr-alt-000001', deviceId: 'dev-alt-000001' };
const BERG = { userId: 'usr-berg-00001', deviceId: 'dev-berg-00001' };
const MALLORY = { userId: 'usr-mallory-01', deviceId: 'dev-mallory-01' };
const H = 3_600_000;
const T = Date.UTC(2026, 11, 7, 6, 0);

beforeAll(() => registerStoreFeatures());

function openClient(): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  store.sync.setSelf(BERG);
  const db = testDatabase(store);
  db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at, org_wide) VALUES (?, 'channel', '', 0, 1)`).run(
    DIR,
  );
  db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at, org_wide) VALUES (?, 'channel', '', 0, 0)`).run(
    WARD,
  );
  const members = [ALT, BERG, MALLORY].map((m) => ({ userId: m.userId, role: 'member' as const }));
  const record = (type: string, subject: string, body: object) =>
    db
      .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES (?, ?, ?, 0)`)
      .run(type, subject, JSON.stringify({ v: 1, type, body }));
  for (const channelId of [DIR, WARD]) {
    record('roster', channelId, { channelId, epoch: 1, members, issuedAt: 0 });
    for (const m of members)
      db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(channelId, m.userId, m.role);
  }
  for (const u of [ALT, BERG, MALLORY])
    record('user', u.userId, { userId: u.userId, role: 'member', active: true, ward: 'Innere', issuedAt: 0 });
  return store;
}

const event = (
  channelId: string,
  from: { userId: string; deviceId: string },
  seq: number,
  payload: ChannelEventPayload,
): ChannelEvent => ({
  eventId: `evt-${channelId.slice(-4)}-${String(seq).padStart(6, '0')}`,
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

const dnd = (userId: string, cover: string, until: number | null = null): AvailabilitySetPayload => ({
  type: 'availability.set',
  userId,
  state: 'dnd',
  cover: { kind: 'user', userId: cover },
  until,
});

const op = (seq: number | null, payload: AvailabilitySetPayload): StatusOp => ({
  seq,
  relayAt: seq === null ? null : T + seq * 1_000,
  createdAt: T + (seq ?? 99) * 1_000,
  payload,
});

describe('the status in force', () => {
  const away = (until: number): AvailabilitySetPayload => ({
    type: 'availability.set',
    userId: ALT.userId,
    state: 'away',
    cover: null,
    until,
  });

  it('"abwesend bis" ends by itself at its end, and nothing is in force after it', () => {
    const ops = [op(1, away(T + 2 * H))];
    expect(statusAt(ops, T + H)).toMatchObject({ state: 'away', until: T + 2 * H, since: T + 1_000 });
    expect(statusAt(ops, T + 2 * H - 1)?.state).toBe('away');
    expect(statusAt(ops, T + 2 * H)).toBeNull();
  });

  it('the newest by the relay wins, an own unsent one last; "none" clears it', () => {
    const onDuty: AvailabilitySetPayload = { ...away(0), state: 'on_duty', until: null };
    expect(statusAt([op(1, dnd(ALT.userId, BERG.userId)), op(2, onDuty)], T + H)?.state).toBe('on_duty');
    expect(statusAt([op(2, onDuty), op(null, dnd(ALT.userId, BERG.userId))], T + H)?.state).toBe('dnd');
    const none: AvailabilitySetPayload = { ...onDuty, state: 'none' };
    expect(statusAt([op(1, onDuty), op(2, none)], T + H)).toBeNull();
    expect(statusAt([], T)).toBeNull();
  });

  it('the schema refuses a "nicht stören" without a cover, a cover without it, and "abwesend" without an end', () => {
    const refused = (p: object) => !channelEventPayload.safeParse(p).success;
    expect(refused({ ...dnd(ALT.userId, BERG.userId), cover: null })).toBe(true);
    expect(refused({ ...dnd(ALT.userId, BERG.userId), state: 'on_duty' })).toBe(true);
    expect(refused(away(T))).toBe(false);
    expect(refused({ ...away(T), until: null })).toBe(true);
    expect(refused(dnd(ALT.userId, BERG.userId))).toBe(false);
  });
});

describe('statuses in the store', () => {
  it("a status from another user's device is refused: it names someone other than its signed sender", async () => {
    const store = openClient();
    await received(store, DIR, [
      event(DIR, ALT, 1, dnd(ALT.userId, BERG.userId)),
      // Mallory's device, a member of the directory channel like everyone, claims Alt is on duty.
      event(DIR, MALLORY, 2, {
        type: 'availability.set',
        userId: ALT.userId,
        state: 'on_duty',
        cover: null,
        until: null,
      }),
    ]);
    const repo = store.repository(availabilityRepository);
    expect(repo.opsOf(ALT.userId).map((o) => o.seq)).toEqual([1]);
    expect(statusAt(repo.opsOf(ALT.userId), T + H)?.state).toBe('dnd');
    expect(repo.opsOf(MALLORY.userId)).toEqual([]);
  });

  it('a status outside the directory channel changes nothing', async () => {
    const store = openClient();
    await received(store, WARD, [event(WARD, ALT, 1, dnd(ALT.userId, BERG.userId))]);
    expect(store.repository(availabilityRepository).opsOf(ALT.userId)).toEqual([]);
  });

  it("a cover line counts only from the urgent message's own author", async () => {
    const store = openClient();
    const message = (urgent: boolean): ChannelEventPayload => ({
      type: 'message.create',
      body: 'Zimmer 12 bitte',
      mentions: [],
      replyTo: null,
      urgent,
    });
    const line = (messageId: string): ChannelEventPayload => ({
      type: 'availability.forward',
      messageId,
      absentUserId: ALT.userId,
      coverUserIds: [BERG.userId],
      coverRoleId: null,
    });
    const urgent = event(WARD, BERG, 1, message(true));
    const plain = event(WARD, BERG, 2, message(false));
    await received(store, WARD, [
      urgent,
      plain,
      event(WARD, MALLORY, 3, line(urgent.eventId)),
      event(WARD, BERG, 4, line(plain.eventId)),
      event(WARD, BERG, 5, line(urgent.eventId)),
    ]);
    expect(store.repository(availabilityRepository).forwards(WARD)).toEqual([
      { messageId: urgent.eventId, absentUserId: ALT.userId, coverUserIds: [BERG.userId], coverRoleId: null },
    ]);
  });

  it('a cover line opened before its message (its key came later) waits for it and then counts', async () => {
    const store = openClient();
    const urgent = event(WARD, BERG, 1, {
      type: 'message.create',
      body: 'Zimmer 3: Sättigung 84 %',
      mentions: [],
      replyTo: null,
      urgent: true,
    });
    const line = event(WARD, BERG, 2, {
      type: 'availability.forward',
      messageId: urgent.eventId,
      absentUserId: ALT.userId,
      coverUserIds: [BERG.userId],
      coverRoleId: null,
    });
    await received(store, WARD, [line]);
    const repo = store.repository(availabilityRepository);
    expect(repo.forwards(WARD)).toEqual([]);
    await received(store, WARD, [urgent]);
    expect(repo.forwards(WARD)).toEqual([
      { messageId: urgent.eventId, absentUserId: ALT.userId, coverUserIds: [BERG.userId], coverRoleId: null },
    ]);
  });

  it('an own status follows the relay: its place when acknowledged, gone when refused for good', async () => {
    const store = openClient();
    const db = testDatabase(store);
    const queue = (eventId: string, payload: AvailabilitySetPayload) => {
      const own: ChannelEvent = {
        eventId,
        channelId: DIR,
        seq: null,
        senderUserId: BERG.userId,
        senderDeviceId: BERG.deviceId,
        createdAt: T,
        relayAt: null,
        payload,
      };
      db.transaction(() => {
        queueOutbox(db, own, 'channel');
        applyEvents(db, [own]);
      })();
    };
    const repo = store.repository(availabilityRepository);
    queue('evt-own-status-01', dnd(BERG.userId, ALT.userId));
    expect(repo.opsOf(BERG.userId)).toMatchObject([{ seq: null, relayAt: null }]);
    await store.sync.markSent('evt-own-status-01', 3, T + H);
    expect(repo.opsOf(BERG.userId)).toMatchObject([{ seq: 3, relayAt: T + H }]);
    queue('evt-own-status-02', { ...dnd(BERG.userId, ALT.userId), state: 'on_duty', cover: null });
    expect(statusAt(repo.opsOf(BERG.userId), T + H)?.state).toBe('on_duty');
    await store.sync.markRefused('evt-own-status-02', 'not_member');
    expect(statusAt(repo.opsOf(BERG.userId), T + H)?.state).toBe('dnd');
  });
});
