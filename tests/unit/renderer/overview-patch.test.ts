// The overviews patched from a messages.changed event (renderer lib/overview-patch.ts): the list
// polls.list, files.list or calendar.range would answer now, without the call; null where only the
// core can say (a series whose rule must be expanded again).
import { describe, expect, it } from 'vitest';
import { EMPTY_SHARED_PATCH, type CalendarPatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { CalendarEntryView, OccurrenceView } from '@klinikfunk/protocol/api/features/calendar.ts';
import { FILES_LIST_LIMIT } from '@klinikfunk/protocol/api/features/file-list.ts';
import type { FileView } from '@klinikfunk/protocol/api/features/files.ts';
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import {
  patchCalendar,
  patchFiles,
  patchPolls,
  type CalendarState,
} from '../../../apps/desktop/renderer/src/lib/overview-patch.ts';

const anna = { userId: 'usr00000001', displayName: 'Anna Admin' };

const poll = (pollId: string, createdAt: number, totalVoters = 0): PollView => ({
  pollId,
  question: `Frage ${pollId}`,
  creator: anna,
  createdAt,
  multipleChoice: false,
  hideVoters: false,
  deadline: null,
  state: 'open',
  totalVoters,
  myOptionIds: [],
  myVotePending: false,
  canClose: false,
  options: [],
});

const file = (fileId: string, name: string, mimeType: string, createdAt: number, size = 10): FileView => ({
  fileId,
  name,
  mimeType,
  size,
  uploader: anna,
  createdAt,
  caption: '',
  hasThumbnail: false,
  cached: false,
  own: false,
});

describe('polls overview patch', () => {
  it('replaces a poll whose results changed, puts a new one on top and drops a removed one', () => {
    const shown = [poll('pollB', 20), poll('pollA', 10)];
    const next = patchPolls(shown, {
      polls: [poll('pollA', 10, 3), poll('pollC', 30)],
      removedPolls: ['pollB'],
    });
    expect(next.map((p) => [p.pollId, p.totalVoters])).toEqual([
      ['pollC', 0],
      ['pollA', 3],
    ]);
    // Nothing named: the same rows.
    expect(patchPolls(shown, EMPTY_SHARED_PATCH)).toEqual(shown);
  });
});

describe('files overview patch', () => {
  const shown = [
    file('f2', 'Übergabe.pdf', 'application/pdf', 20),
    file('f1', 'Dienstplan.xlsx', 'application/vnd.ms-excel', 10),
  ];

  it('puts a new file where the order puts it, and only when the search and kind let it in', () => {
    const added = { files: [file('f3', 'Befund.pdf', 'application/pdf', 30)], removedFiles: [] };
    expect(patchFiles(shown, added, { query: '', kind: 'all', sort: 'newest' }).map((f) => f.fileId)).toEqual([
      'f3',
      'f2',
      'f1',
    ]);
    expect(patchFiles(shown, added, { query: '', kind: 'all', sort: 'name' }).map((f) => f.name)).toEqual([
      'Befund.pdf',
      'Dienstplan.xlsx',
      'Übergabe.pdf',
    ]);
    // The same search as files.list: without accents or case.
    expect(patchFiles([shown[0]!], added, { query: 'uber', kind: 'all', sort: 'newest' })).toEqual([shown[0]]);
    expect(
      patchFiles(
        [],
        { files: [file('f4', 'Ubergabe 2.pdf', 'application/pdf', 40)], removedFiles: [] },
        {
          query: 'ÜBER',
          kind: 'pdf',
          sort: 'newest',
        },
      ).map((f) => f.fileId),
    ).toEqual(['f4']);
    expect(patchFiles(shown, added, { query: '', kind: 'image', sort: 'newest' }).map((f) => f.fileId)).toEqual([
      'f2',
      'f1',
    ]);
  });

  it('lists no more files than files.list answers: the newest 1000, the oldest one leaves for a new one', () => {
    const full = Array.from({ length: FILES_LIST_LIMIT }, (_, i) =>
      file(`f${i}`, `Befund ${i}.pdf`, 'application/pdf', FILES_LIST_LIMIT - i),
    );
    const next = patchFiles(
      full,
      { files: [file('fNew', 'Befund neu.pdf', 'application/pdf', 5_000)], removedFiles: [] },
      { query: '', kind: 'all', sort: 'newest' },
    );
    expect(next).toHaveLength(FILES_LIST_LIMIT);
    expect(next[0]!.fileId).toBe('fNew');
    expect(next.at(-1)!.fileId).toBe(`f${FILES_LIST_LIMIT - 2}`);
  });

  it('drops a removed file', () => {
    expect(
      patchFiles(shown, { files: [], removedFiles: ['f2'] }, { query: '', kind: 'all', sort: 'newest' }).map(
        (f) => f.fileId,
      ),
    ).toEqual(['f1']);
  });
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONDAY = Date.UTC(2026, 11, 7, 8); // 09:00 in Berlin

const entry = (uid: string, over: Partial<CalendarEntryView> = {}): CalendarEntryView => ({
  uid,
  title: `Termin ${uid}`,
  start: MONDAY,
  end: MONDAY + HOUR,
  allDay: false,
  location: '',
  description: '',
  meetingUrl: '',
  rrule: '',
  attendees: [],
  organizer: anna,
  cancelled: false,
  myRsvp: null,
  mayChange: true,
  ...over,
});

const occurrence = (uid: string, start: number, over: Partial<OccurrenceView> = {}): OccurrenceView => ({
  uid,
  start,
  end: start + HOUR,
  recurrenceId: start,
  changed: false,
  title: `Termin ${uid}`,
  location: '',
  description: '',
  ...over,
});

const calendar = (over: Partial<CalendarPatch>): CalendarPatch => ({
  entries: [],
  removedUids: [],
  occurrences: [],
  ...over,
});

describe('calendar overview patch', () => {
  const series = entry('uidseries', { rrule: 'FREQ=DAILY;COUNT=5' });
  // The week view: the series' five days.
  const week: CalendarState = {
    from: MONDAY - 8 * HOUR,
    to: MONDAY - 8 * HOUR + 7 * DAY,
    entries: [series],
    occurrences: [0, 1, 2, 3, 4].map((d) => occurrence('uidseries', MONDAY + d * DAY)),
  };

  it('takes an answer into the entry and leaves its occurrences as they are', () => {
    const answered = {
      ...series,
      attendees: [{ userId: 'usr00000002', displayName: 'Nora Nurse', rsvp: 'yes' as const }],
    };
    const next = patchCalendar(week, calendar({ entries: [answered] }));
    expect(next?.entries).toEqual([answered]);
    expect(next?.occurrences).toEqual(week.occurrences);
  });

  it('moves, changes and cancels single occurrences by their place in the series', () => {
    const tuesday = MONDAY + DAY;
    const wednesday = MONDAY + 2 * DAY;
    const moved = occurrence('uidseries', tuesday + 3 * HOUR, {
      recurrenceId: tuesday,
      changed: true,
      title: 'Später',
    });
    const next = patchCalendar(
      week,
      calendar({
        occurrences: [
          { uid: 'uidseries', recurrenceId: tuesday, occurrence: moved },
          { uid: 'uidseries', recurrenceId: wednesday, occurrence: null },
        ],
      }),
    );
    expect(next?.occurrences.map((o) => [o.recurrenceId, o.start, o.title])).toEqual([
      [MONDAY, MONDAY, 'Termin uidseries'],
      [tuesday, tuesday + 3 * HOUR, 'Später'],
      [MONDAY + 3 * DAY, MONDAY + 3 * DAY, 'Termin uidseries'],
      [MONDAY + 4 * DAY, MONDAY + 4 * DAY, 'Termin uidseries'],
    ]);
    // Moved out of the range: gone from the view.
    const away = occurrence('uidseries', tuesday + 30 * DAY, { recurrenceId: tuesday, changed: true });
    expect(
      patchCalendar(
        week,
        calendar({ occurrences: [{ uid: 'uidseries', recurrenceId: tuesday, occurrence: away }] }),
      )?.occurrences.map((o) => o.recurrenceId),
    ).toEqual([MONDAY, wednesday, MONDAY + 3 * DAY, MONDAY + 4 * DAY]);
  });

  it('gives a series its new title where no occurrence has its own, and keeps a cancelled one on screen', () => {
    const withOwn: CalendarState = {
      ...week,
      occurrences: week.occurrences.map((o, i) => (i === 1 ? { ...o, changed: true, title: 'Eigener Titel' } : o)),
    };
    const renamed = { ...series, title: 'Visite', cancelled: true };
    const next = patchCalendar(withOwn, calendar({ entries: [renamed] }));
    expect(next?.entries).toEqual([renamed]);
    expect(next?.occurrences.map((o) => o.title)).toEqual(['Visite', 'Eigener Titel', 'Visite', 'Visite', 'Visite']);
  });

  it('shows a new single entry in the range, and lists one outside it without an occurrence', () => {
    const inWeek = entry('uidsingle', { start: MONDAY + 2 * HOUR, end: MONDAY + 3 * HOUR, title: 'Besprechung' });
    const later = entry('uidlater', { start: MONDAY + 40 * DAY, end: MONDAY + 40 * DAY + HOUR });
    const next = patchCalendar(week, calendar({ entries: [inWeek, later] }));
    expect(next?.entries.map((e) => e.uid)).toEqual(['uidseries', 'uidsingle', 'uidlater']);
    expect(next?.occurrences.filter((o) => o.uid !== 'uidseries')).toEqual([
      {
        uid: 'uidsingle',
        start: MONDAY + 2 * HOUR,
        end: MONDAY + 3 * HOUR,
        recurrenceId: null,
        changed: false,
        title: 'Besprechung',
        location: '',
        description: '',
      },
    ]);
  });

  it('drops a removed entry with its occurrences', () => {
    expect(patchCalendar(week, calendar({ removedUids: ['uidseries'] }))).toEqual({
      ...week,
      entries: [],
      occurrences: [],
    });
  });

  it('cannot expand a rule: a new series or one whose times changed is read again', () => {
    expect(patchCalendar(week, calendar({ entries: [entry('uidnew', { rrule: 'FREQ=WEEKLY' })] }))).toBeNull();
    expect(
      patchCalendar(week, calendar({ entries: [{ ...series, start: MONDAY + HOUR, end: MONDAY + 2 * HOUR }] })),
    ).toBeNull();
    expect(patchCalendar(week, calendar({ entries: [{ ...series, rrule: 'FREQ=DAILY;COUNT=3' }] }))).toBeNull();
  });
});
