// A messages.changed event's polls, files and calendar entries applied to the overviews that list
// them (live-overview.ts): the list a polls.list, files.list or calendar.range call would answer
// now, without the call. Changed rows replace theirs by id, new ones join in the list's order (and
// filter), removed ones go. The calendar derives an entry's occurrences itself only where no rule
// is to be expanded: a single entry, or a series whose times and rule stayed (its occurrences take
// the new title); a new series or one whose times changed answers null (read the range again).
import type { CalendarPatch, SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { CalendarEntryView, OccurrenceView } from '@klinikfunk/protocol/api/features/calendar.ts';
import {
  FILES_LIST_LIMIT,
  fileMatches,
  fileOrder,
  type FileFilter,
  type FileSort,
} from '@klinikfunk/protocol/api/features/file-list.ts';
import type { FileView } from '@klinikfunk/protocol/api/features/files.ts';
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';

type Patch = Pick<SharedPatch, 'polls' | 'removedPolls' | 'files' | 'removedFiles'>;

/** Polls newest first, as polls.list lists them: a new poll goes on top. */
export function patchPolls(polls: readonly PollView[], patch: Pick<Patch, 'polls' | 'removedPolls'>): PollView[] {
  if (patch.polls.length + patch.removedPolls.length === 0) return [...polls];
  const removed = new Set(patch.removedPolls);
  const changed = new Map(patch.polls.map((p) => [p.pollId, p]));
  const fresh = patch.polls.filter((p) => !polls.some((q) => q.pollId === p.pollId));
  return [...fresh.sort((a, b) => b.createdAt - a.createdAt), ...polls.map((p) => changed.get(p.pollId) ?? p)].filter(
    (p) => !removed.has(p.pollId),
  );
}

/** Files as files.list answers them for this filter and order, at most as many. */
export function patchFiles(
  files: readonly FileView[],
  patch: Pick<Patch, 'files' | 'removedFiles'>,
  view: FileFilter & { sort: FileSort },
): FileView[] {
  if (patch.files.length + patch.removedFiles.length === 0) return [...files];
  const named = new Set([...patch.removedFiles, ...patch.files.map((f) => f.fileId)]);
  return [...files.filter((f) => !named.has(f.fileId)), ...patch.files.filter((f) => fileMatches(f, view))]
    .sort(fileOrder(view.sort))
    .slice(0, FILES_LIST_LIMIT);
}

export interface CalendarState {
  /** The range the occurrences were read for, [from, to). */
  from: number;
  to: number;
  entries: readonly CalendarEntryView[];
  occurrences: readonly OccurrenceView[];
}

const sameTimes = (a: CalendarEntryView, b: CalendarEntryView) =>
  a.start === b.start && a.end === b.end && a.allDay === b.allDay && a.rrule === b.rrule;

/** The entries and occurrences calendar.range would answer for the state's range; null: read it again. */
export function patchCalendar(state: CalendarState, patch: CalendarPatch): CalendarState | null {
  if (patch.entries.length + patch.removedUids.length + patch.occurrences.length === 0) return state;
  const overlaps = (o: { start: number; end: number }) => o.start < state.to && o.end > state.from;
  const removed = new Set(patch.removedUids);
  let occurrences = state.occurrences.filter((o) => !removed.has(o.uid));
  for (const entry of patch.entries) {
    const before = state.entries.find((e) => e.uid === entry.uid);
    if (entry.rrule === '') {
      const own: OccurrenceView = {
        uid: entry.uid,
        start: entry.start,
        end: entry.end,
        recurrenceId: null,
        changed: false,
        title: entry.title,
        location: entry.location,
        description: entry.description,
      };
      occurrences = [...occurrences.filter((o) => o.uid !== entry.uid), ...(overlaps(own) ? [own] : [])];
    } else if (before && sameTimes(before, entry)) {
      // The series' occurrences stay where they are; those not changed on their own take its text.
      occurrences = occurrences.map((o) =>
        o.uid === entry.uid && !o.changed
          ? { ...o, title: entry.title, location: entry.location, description: entry.description }
          : o,
      );
    } else return null;
  }
  const entries = [
    ...state.entries.filter((e) => !removed.has(e.uid)).map((e) => patch.entries.find((p) => p.uid === e.uid) ?? e),
    ...patch.entries.filter((p) => !state.entries.some((e) => e.uid === p.uid)),
  ];
  for (const { uid, recurrenceId, occurrence } of patch.occurrences) {
    if (removed.has(uid)) continue;
    occurrences = occurrences.filter((o) => !(o.uid === uid && o.recurrenceId === recurrenceId));
    if (occurrence && overlaps(occurrence)) occurrences.push(occurrence);
  }
  return { ...state, entries, occurrences: occurrences.sort((a, b) => a.start - b.start) };
}
