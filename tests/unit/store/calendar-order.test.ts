// Who may change or cancel a calendar entry (its creator or a channel admin, authorise.ts) must be
// decided alike on every device, whatever order it opened the envelopes in (a key that came late,
// a new member reading history): the creator is the author of the entry's first put in the log,
// not of the put this device happened to open first. Through a real SQLCipher store.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { applyRetention } from '../../../apps/desktop/electron/core/store/retention.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const CH = 'chn-station-3b';
const ANNA = 'usr-anna-0001';
const BEN = 'usr-ben-00001';
const CLARA = 'usr-clara-001';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 7, 12);
const T0 = Date.UTC(2026, 11, 14, 6);
const UID = 'evt-handover-01';
const OTHER = 'evt-visit-0001';

const put = (title: string, uid = UID): ChannelEventPayload => ({
  type: 'calendar.put',
  uid,
  title,
  start: T0,
  end: T0 + HOUR / 2,
  allDay: false,
  timeZone: 'Europe/Berlin',
  rrule: 'FREQ=DAILY;COUNT=5',
  attendees: [
    { userId: ANNA, name: 'Anna' },
    { userId: BEN, name: 'Ben' },
  ],
});

/** One channel's log, by relay seq: Anna creates the entry, Ben (a member) tries to take it over. */
const LOG: ReadonlyArray<{ from: string; payload: ChannelEventPayload; epoch?: number }> = [
  { from: ANNA, payload: put('Übergabe') },
  { from: BEN, payload: put('Übergabe (Ben)') },
  { from: BEN, payload: { type: 'calendar.rsvp', uid: UID, rsvp: 'yes' } },
  { from: BEN, payload: { type: 'calendar.occurrence.cancel', uid: UID, recurrenceId: T0 + DAY } },
  {
    from: ANNA,
    payload: {
      type: 'calendar.occurrence.put',
      uid: UID,
      recurrenceId: T0 + 2 * DAY,
      title: 'Übergabe (Raum 2)',
      start: T0 + 2 * DAY,
      end: T0 + 2 * DAY + HOUR,
    },
  },
  // Sealed in epoch 2, where Clara is admin; the relay's clock is behind the roster's issuer's.
  { from: CLARA, payload: put('Übergabe 3B'), epoch: 2 },
  { from: BEN, payload: { type: 'calendar.cancel', uid: UID } },
  // A cancel before its entry in the log refuses itself; the entry stays.
  { from: BEN, payload: { type: 'calendar.cancel', uid: OTHER } },
  { from: BEN, payload: put('Angehörigengespräch', OTHER) },
  { from: ANNA, payload: { type: 'calendar.cancel', uid: OTHER } },
  { from: BEN, payload: { type: 'calendar.cancel', uid: OTHER } },
];

const stores: ProfileStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function freshStore(): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  stores.push(store);
  testDatabase(store)
    .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', 0)`)
    .run(CH);
  const roster = (epoch: number, issuedAt: number, clara: 'admin' | 'member') =>
    testDatabase(store)
      .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`)
      .run(
        CH,
        JSON.stringify({
          v: 1,
          type: 'roster',
          body: {
            channelId: CH,
            epoch,
            issuedAt,
            members: [
              { userId: ANNA, role: 'member' },
              { userId: BEN, role: 'member' },
              { userId: CLARA, role: clara },
            ],
          },
        }),
      );
  roster(1, NOW - DAY, 'member');
  roster(2, NOW + 60_000, 'admin');
  for (const userId of [ANNA, BEN])
    testDatabase(store).prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, userId, 'member');
  testDatabase(store).prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, CLARA, 'admin');
  return store;
}

const event = (index: number): ChannelEvent => {
  const e = LOG[index]!;
  return {
    eventId: `evt-seq-${String(index + 1).padStart(6, '0')}`,
    channelId: CH,
    seq: index + 1,
    senderUserId: e.from,
    senderDeviceId: `dev-${e.from}`,
    createdAt: NOW,
    relayAt: NOW,
    epoch: e.epoch ?? 1,
    payload: e.payload,
  };
};

/** Applies the log's events in this order, in batches as the sync store does (the cursor moves past each). */
function openInOrder(order: readonly number[], batchSize: number): ProfileStore {
  const store = freshStore();
  for (let i = 0; i < order.length; i += batchSize) {
    const batch = order.slice(i, i + batchSize).map(event);
    testDatabase(store).transaction(() => {
      applyEvents(testDatabase(store), batch);
      testDatabase(store)
        .prepare(
          'INSERT INTO sync_cursors (channel_id, seq) VALUES (?, ?) ON CONFLICT (channel_id) DO UPDATE SET seq = max(seq, excluded.seq)',
        )
        .run(CH, Math.max(...batch.map((e) => e.seq!)));
    })();
  }
  return store;
}

function calendarState(store: ProfileStore) {
  return {
    entries: testDatabase(store)
      .prepare('SELECT uid, data, start, last_seq, created_by, cancelled FROM calendar_events ORDER BY uid')
      .all(),
    rsvps: testDatabase(store)
      .prepare('SELECT uid, user_id, rsvp, seq FROM calendar_rsvps ORDER BY uid, user_id')
      .all(),
    overrides: testDatabase(store)
      .prepare('SELECT uid, recurrence_id, data, seq FROM calendar_overrides ORDER BY uid, recurrence_id')
      .all(),
  };
}

const inLogOrder = LOG.map((_, i) => i);

describe('calendar verdicts do not depend on the order envelopes are opened in', () => {
  it('in log order: the first put makes its author the creator; a member may not take the entry over', () => {
    const state = calendarState(openInOrder(inLogOrder, 1));
    const entry = (uid: string) =>
      state.entries.find((e) => (e as { uid: string }).uid === uid) as {
        data: string;
        created_by: string;
        cancelled: number;
      };
    expect(entry(UID).created_by).toBe(ANNA);
    expect(JSON.parse(entry(UID).data)).toMatchObject({ title: 'Übergabe 3B', cancelled: false });
    expect(entry(OTHER)).toMatchObject({ created_by: BEN, cancelled: 1 });
    expect(state.rsvps).toEqual([{ uid: UID, user_id: BEN, rsvp: 'yes', seq: 3 }]);
    expect(state.overrides.map((o) => (o as { recurrence_id: number }).recurrence_id)).toEqual([T0 + 2 * DAY]);
  });

  it("Ben's put opened before Anna's (her key came late) does not make him the creator", () => {
    const late = calendarState(openInOrder([1, 0, ...inLogOrder.slice(2)], 1));
    expect(late).toEqual(calendarState(openInOrder(inLogOrder, 1)));
  });

  it('every order of opening, in any batches, ends in the same calendar', () => {
    const expected = calendarState(openInOrder(inLogOrder, 1));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(inLogOrder, { minLength: LOG.length, maxLength: LOG.length }),
        fc.integer({ min: 1, max: 4 }),
        (order, batchSize) => {
          const store = openInOrder(order, batchSize);
          expect(calendarState(store)).toEqual(expected);
          store.close();
          stores.splice(stores.indexOf(store), 1);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('an event opened late after retention removed older events of the entry from the log does not recompute the entry from what is left', () => {
    const store = freshStore();
    const at = (index: number, createdAt: number) =>
      testDatabase(store).transaction(() => applyEvents(testDatabase(store), [{ ...event(index), createdAt }]))();
    at(0, NOW - 40 * DAY);
    at(2, NOW);
    // The organisation keeps 30 days: Anna's put leaves the log, her entry stays.
    applyRetention(testDatabase(store), 30, NOW);
    expect(testDatabase(store).prepare(`SELECT count(*) FROM events WHERE seq = 1`).pluck().get()).toBe(0);
    at(1, NOW - DAY);
    const state = calendarState(store);
    expect(state.entries).toHaveLength(1);
    expect(state.entries[0]).toMatchObject({ created_by: ANNA, last_seq: 1 });
    expect(JSON.parse((state.entries[0] as { data: string }).data)).toMatchObject({ title: 'Übergabe' });
    expect(state.rsvps).toEqual([{ uid: UID, user_id: BEN, rsvp: 'yes', seq: 3 }]);
  });
});
