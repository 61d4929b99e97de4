// The open conversation's appointment items follow messages.changed (features/timeline/
// timeline-changes.ts, named by changes/channel-change.ts): patched with what the event carries,
// the items equal what timeline.items reads afresh. An own new appointment the relay refused for
// good is gone from the store; its item, shown as "Wird gesendet …", must go from the window too.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_SHARED_PATCH } from '@klinikfunk/protocol/api/change-events.ts';
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { ProfileRuntime } from '../../../apps/desktop/electron/core/app/profile-runtime.ts';
import { changeOfEvents } from '../../../apps/desktop/electron/core/changes/channel-change.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { queueOutbox } from '../../../apps/desktop/electron/core/store/messages.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { timelineItems } from '../../../apps/desktop/electron/core/features/timeline/items.ts';
import { timelineRepository } from '../../../apps/desktop/electron/core/features/timeline/repository.ts';
import { timelinePatch } from '../../../apps/desktop/electron/core/features/timeline/timeline-changes.ts';
import { applySharedPatch } from '../../../apps/desktop/renderer/src/lib/shared-patch.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const CH = 'chn-station-3b';
const ANNA = { userId: 'usr-anna-0001', deviceId: 'dev-anna-0001' };
const BEN = { userId: 'usr-ben-00001', deviceId: 'dev-ben-00001' };
const LIVE_END = { afterSortKey: null, upToSortKey: null };
let store: ProfileStore;

/** What timeline-changes.ts and items.ts use of the profile runtime: Ben's real store and his id. */
const runtime = () => ({ profile: { store }, identity: { userId: BEN.userId } }) as unknown as ProfileRuntime;

const appointment = (uid: string, title: string): ChannelEventPayload => ({
  type: 'calendar.put',
  uid,
  title,
  start: Date.UTC(2026, 11, 8, 6),
  end: Date.UTC(2026, 11, 8, 7),
  allDay: false,
  timeZone: 'Europe/Berlin',
  attendees: [],
});

function event(eventId: string, from: typeof BEN, payload: ChannelEventPayload, seq: number | null): ChannelEvent {
  return {
    eventId,
    channelId: CH,
    seq,
    senderUserId: from.userId,
    senderDeviceId: from.deviceId,
    createdAt: Date.UTC(2026, 11, 7, 8),
    payload,
  };
}

/** The items timeline.items answers for the live end now. */
async function fresh(): Promise<TimelineItem[]> {
  const { rows } = store.repository(timelineRepository).inRange(CH, { ...LIVE_END, limit: 200 });
  return timelineItems(runtime(), rows);
}

/** The window after the event the core sends for these events. */
async function patched(shown: TimelineItem[], events: ChannelEvent[]): Promise<readonly TimelineItem[]> {
  const { shared } = changeOfEvents(events, BEN.userId);
  expect(shared).not.toBeNull();
  const patch = await timelinePatch(runtime(), CH, shared!);
  return applySharedPatch({ items: shown, polls: [] }, LIVE_END, { ...EMPTY_SHARED_PATCH, ...patch }).items;
}

describe('appointment items patched from the change event', () => {
  beforeEach(() => {
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    store.sync.setSelf(BEN);
    const db = testDatabase(store);
    db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station 3B', 0)`).run(
      CH,
    );
    db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, BEN.userId, 'member');
    db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, ANNA.userId, 'admin');
  });

  it('an own new appointment the relay refused leaves the window, as a fresh read has it', async () => {
    const put = event('evt-put-000001', BEN, appointment('uid-visite-01', 'Visite'), null);
    const db = testDatabase(store);
    db.transaction(() => {
      queueOutbox(db, put, 'x');
      applyEvents(db, [put]);
    })();
    const shown = await fresh();
    expect(shown.map((i) => [i.eventId, i.delivery])).toEqual([[put.eventId, 'sending']]);

    await store.sync.markRefused(put.eventId, 'too_large');
    expect(await fresh()).toEqual([]);
    // What profile-runtime.ts reports for the refused item (changeOfOwn: the queued event itself).
    expect(await patched(shown, [put])).toEqual([]);
  });

  it("another member's new appointment joins the window once", async () => {
    const put = event('evt-put-000002', ANNA, appointment('uid-visite-02', 'Übergabe'), 1);
    const db = testDatabase(store);
    db.transaction(() => applyEvents(db, [put]))();
    expect(await patched([], [put])).toEqual(await fresh());
    expect(await fresh()).toHaveLength(1);
  });
});
