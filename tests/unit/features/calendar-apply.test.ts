// Calendar events through the store: single occurrences are checked by the wire schema, decided
// by the reducer (independent of the series), kept in calendar_overrides across edits of the
// series and before it arrives, read back with the entry, and removed with the channel's content.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { MAX_OVERRIDES } from '../../../apps/desktop/electron/core/calendar/calendar-events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { calendarRepository } from '../../../apps/desktop/electron/core/features/calendar/repository.ts';
import { deleteChannelContent } from '../../../apps/desktop/electron/core/store/retention.ts';
import { toChannelEvents } from '../../../apps/desktop/electron/core/store/sync-store.ts';
import { randomKey, tempDir } from '../store/helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const CH = 'chn-station-3b';
const HOUR = 3_600_000;
// Monday 23 November 2026, 07:00 Berlin; daily, five times.
const T0 = Date.UTC(2026, 10, 23, 6);
const DAY = 24 * HOUR;
let store: ProfileStore;
let seq = 0;

function apply(...payloads: unknown[]) {
  const { valid, invalid } = toChannelEvents(
    payloads.map((payload) => {
      seq++;
      return {
        eventId: `evt${String(seq).padStart(8, '0')}`,
        channelId: CH,
        seq,
        senderUserId: 'usr-anna-0001',
        senderDeviceId: 'dev-anna-0001',
        createdAt: T0,
        payload,
        contentType: 'calendar',
      };
    }),
  );
  const result = testDatabase(store).transaction(() => applyEvents(testDatabase(store), valid))();
  return { invalid: invalid.map((i) => i.reason), refused: result.refused.map((r) => r.reason) };
}

const put = (over: Partial<Extract<ChannelEventPayload, { type: 'calendar.put' }>> = {}): ChannelEventPayload => ({
  type: 'calendar.put',
  uid: 'evt-handover-01',
  title: 'Übergabe',
  start: T0,
  end: T0 + HOUR / 2,
  allDay: false,
  timeZone: 'Europe/Berlin',
  rrule: 'FREQ=DAILY;COUNT=5',
  attendees: [],
  ...over,
});

beforeEach(async () => {
  seq = 0;
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
    [{ userId: 'usr-anna-0001', role: 'admin' }],
  );
});

describe('calendar occurrences in the store', () => {
  it('applies, keeps across an edit of the series, and reads back in order', async () => {
    expect(apply(put())).toEqual({ invalid: [], refused: [] });
    expect(
      apply(
        { type: 'calendar.occurrence.cancel', uid: 'evt-handover-01', recurrenceId: T0 + 2 * DAY },
        {
          type: 'calendar.occurrence.put',
          uid: 'evt-handover-01',
          recurrenceId: T0 + DAY,
          title: 'Übergabe (Raum 2)',
          start: T0 + DAY + HOUR,
          end: T0 + DAY + 2 * HOUR,
          location: 'Raum 2',
        },
        put({ title: 'Übergabe 3B' }),
      ),
    ).toEqual({ invalid: [], refused: [] });
    const [entry] = await store.repository(calendarRepository).entries(CH);
    expect(entry).toMatchObject({ title: 'Übergabe 3B', sequence: 1 });
    expect(entry!.overrides!.map((o) => [o.recurrenceId, o.cancelled])).toEqual([
      [T0 + DAY, false],
      [T0 + 2 * DAY, true],
    ]);
    const range = await store.repository(calendarRepository).range(CH, T0 - DAY, T0 + 10 * DAY);
    expect(range.map((o) => [(o.start - T0) / HOUR, o.changed?.title ?? null])).toEqual([
      [0, null],
      [25, 'Übergabe (Raum 2)'],
      [72, null],
      [96, null],
    ]);
  });

  it('refuses a malformed occurrence at the schema and in the reducer; keeps one the series does not have, unshown', async () => {
    apply(put());
    const result = apply(
      { type: 'calendar.occurrence.cancel', uid: 'evt-handover-01', recurrenceId: 'morgen' },
      { type: 'calendar.occurrence.cancel', uid: 'evt-handover-01', recurrenceId: T0, extra: true },
      { type: 'calendar.occurrence.cancel', uid: 'evt-handover-01', recurrenceId: Date.UTC(2300, 0, 1) },
      { type: 'calendar.occurrence.put', uid: 'evt-handover-01', recurrenceId: T0, title: 'X', start: T0, end: T0 - 1 },
      {
        type: 'calendar.occurrence.put',
        uid: 'evt-handover-01',
        recurrenceId: T0 + 7 * DAY,
        title: 'X',
        start: T0,
        end: T0 + 1,
      },
      { type: 'calendar.occurrence.cancel', uid: 'evt-unknown-01', recurrenceId: T0 },
    );
    expect(result.invalid).toHaveLength(3);
    expect(result.refused).toEqual(['invalid_event']);
    expect(testDatabase(store).prepare('SELECT count(*) FROM calendar_overrides').pluck().get()).toBe(2);
    // After COUNT=5: kept with the entry but not expanded.
    const range = await store.repository(calendarRepository).range(CH, T0 - DAY, T0 + 10 * DAY);
    expect(range.map((o) => [(o.start - T0) / HOUR, o.changed?.title ?? null])).toEqual(
      [0, 24, 48, 72, 96].map((h) => [h, null]),
    );
  });

  it("an occurrence applied before its series (its sender's own, on the relay ack) shows once the series arrives", async () => {
    seq = 5;
    expect(apply({ type: 'calendar.occurrence.cancel', uid: 'evt-handover-01', recurrenceId: T0 + DAY })).toEqual({
      invalid: [],
      refused: [],
    });
    expect(await store.repository(calendarRepository).entries(CH)).toEqual([]);
    seq = 0;
    apply(put());
    const range = await store.repository(calendarRepository).range(CH, T0 - DAY, T0 + 10 * DAY);
    expect(range.map((o) => (o.start - T0) / HOUR)).toEqual([0, 48, 72, 96]);
  });

  it("a series edit opened after a later one: the later one in the log is in force, and both count towards the entry's SEQUENCE", async () => {
    seq = 2;
    apply(put({ title: 'Übergabe 3B' }));
    seq = 0;
    // The entry is recomputed in log order (features/calendar/repository.ts, its `replayed` step): the earlier put created it, as on
    // a device that opened them in order, and the later one changed it.
    expect(apply(put()).refused).toEqual([]);
    const [entry] = await store.repository(calendarRepository).entries(CH);
    expect(entry).toMatchObject({ title: 'Übergabe 3B', sequence: 1 });
  });

  it('keeps at most MAX_OVERRIDES per entry: the lowest seq gives way, in the table too', () => {
    apply(put({ rrule: 'FREQ=DAILY' }));
    const cancels = Array.from({ length: MAX_OVERRIDES + 1 }, (_, i) => ({
      type: 'calendar.occurrence.cancel',
      uid: 'evt-handover-01',
      recurrenceId: T0 + i * DAY,
    }));
    expect(apply(...cancels).refused).toEqual([]);
    const ids = testDatabase(store)
      .prepare('SELECT recurrence_id FROM calendar_overrides ORDER BY recurrence_id')
      .pluck()
      .all() as number[];
    expect(ids).toHaveLength(MAX_OVERRIDES);
    expect(ids[0]).toBe(T0 + DAY);
  });

  it('removes the overrides with the channel content', () => {
    apply(put(), { type: 'calendar.occurrence.cancel', uid: 'evt-handover-01', recurrenceId: T0 });
    expect(testDatabase(store).prepare('SELECT count(*) FROM calendar_overrides').pluck().get()).toBe(1);
    deleteChannelContent(testDatabase(store), CH);
    expect(testDatabase(store).prepare('SELECT count(*) FROM calendar_overrides').pluck().get()).toBe(0);
  });
});
