// The calendar entries and single occurrences a messages.changed event carries
// (changes/change-feed.ts): the entries named (put, cancelled, answered) as calendar.range shows
// them, those no longer stored (an own new one refused) as removed, and each named occurrence as
// it stands now (null: cancelled on its own, or no longer one of the series), so the Kalender
// overview and the timeline's appointments patch without a calendar.range call.
import type { CalendarPatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import type { OccurrenceId } from '../../changes/channel-change.ts';
import { occurrenceAt } from '../../calendar/recurrence.ts';
import { calendarRepository } from './repository.ts';
import { entryViews, occurrenceView } from './service.ts';

export async function calendarPatch(
  runtime: ProfileRuntime,
  channelId: string,
  uids: readonly string[],
  occurrences: readonly OccurrenceId[],
): Promise<CalendarPatch> {
  if (uids.length + occurrences.length === 0) return { entries: [], removedUids: [], occurrences: [] };
  const wanted = new Set([...uids, ...occurrences.map((o) => o.uid)]);
  const entries = (await runtime.profile.store.repository(calendarRepository).entries(channelId)).filter((e) =>
    wanted.has(e.uid),
  );
  const byUid = new Map(entries.map((e) => [e.uid, e]));
  return {
    entries: await entryViews(
      runtime,
      channelId,
      entries.filter((e) => uids.includes(e.uid)),
    ),
    removedUids: uids.filter((uid) => !byUid.has(uid)),
    occurrences: occurrences.map(({ uid, recurrenceId }) => {
      const entry = byUid.get(uid);
      // A cancelled series keeps its occurrences on screen, struck through (as calendar.range).
      const found = entry ? occurrenceAt({ ...entry, cancelled: false }, recurrenceId) : null;
      return { uid, recurrenceId, occurrence: entry && found ? occurrenceView(entry, found) : null };
    }),
  };
}
