// The overviews (Umfragen, Dateien, Kalender) follow another workstation's votes, files, answers
// and single occurrences from the change events alone: the nurse's lists, read once and then only
// patched with what each messages.changed carries (renderer lib/overview-patch.ts), equal what
// polls.list, files.list and calendar.range answer afterwards, without reading them again. Only a
// new series is read again (its rule is expanded in the core).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesChanged } from '@klinikfunk/protocol/api/change-events.ts';
import { FILE_CHUNK_MAX_BYTES, type FileView } from '@klinikfunk/protocol/api/features/files.ts';
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';
import {
  patchCalendar,
  patchFiles,
  patchPolls,
  type CalendarState,
} from '../../../apps/desktop/renderer/src/lib/overview-patch.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 5 January 2026, 07:00 in Berlin; the view is that week.
const MONDAY = Date.UTC(2026, 0, 5, 6);
const FILES = { query: '', kind: 'all', sort: 'newest' } as const;

let w: TwoWorkstations;

/** The nurse's three overviews of the channel, fed only by events after their first read. */
class Overviews {
  polls: PollView[] = [];
  files: FileView[] = [];
  calendar!: CalendarState;
  /** Why each list was read again. */
  readonly reads: string[] = [];
  #seen = 0;

  async open(): Promise<void> {
    this.#seen = w.nurse.events.length;
    this.polls = await w.nurse.value('polls.list', { channelId: w.channelId });
    this.files = await w.nurse.value('files.list', { channelId: w.channelId, ...FILES });
    this.calendar = await readWeek();
  }

  async follow(): Promise<void> {
    const fresh = w.nurse.events.slice(this.#seen);
    this.#seen += fresh.length;
    for (const { event, payload } of fresh) {
      const change = payload as MessagesChanged;
      if (event !== 'messages.changed' || change.channelId !== w.channelId || !change.collab) continue;
      const { shared } = change;
      if (shared.kind === 'reload' || shared.reloadOverviews) {
        this.reads.push(`reload v${change.version}`);
        await this.open();
        continue;
      }
      this.polls = patchPolls(this.polls, shared);
      this.files = patchFiles(this.files, shared, FILES);
      const calendar = patchCalendar(this.calendar, shared.calendar);
      if (calendar) this.calendar = calendar;
      else {
        this.reads.push(`series v${change.version}`);
        this.calendar = await readWeek();
      }
    }
  }
}

async function readWeek(): Promise<CalendarState> {
  const range = { from: MONDAY - 6 * HOUR, to: MONDAY - 6 * HOUR + 7 * DAY };
  return { ...range, ...(await w.nurse.value('calendar.range', { channelId: w.channelId, ...range })) };
}

const byUid = (view: Pick<CalendarState, 'entries' | 'occurrences'>) => ({
  entries: [...view.entries].sort((a, b) => a.uid.localeCompare(b.uid)),
  occurrences: [...view.occurrences].sort((a, b) => a.start - b.start || a.uid.localeCompare(b.uid)),
});

interface Lists {
  polls: PollView[];
  files: FileView[];
  calendar: CalendarState;
}

/** Waits until a fresh read of all three lists shows the change (`arrived`) and the patched overviews equal it. */
async function matches(screen: Overviews, label: string, arrived: (fresh: Lists) => boolean): Promise<void> {
  await eventually(
    async () => {
      const fresh: Lists = {
        polls: await w.nurse.value('polls.list', { channelId: w.channelId }),
        files: await w.nurse.value('files.list', { channelId: w.channelId, ...FILES }),
        calendar: await readWeek(),
      };
      // The events read after the lists: what they hold is at least what the lists hold.
      await screen.follow();
      return (
        arrived(fresh) &&
        JSON.stringify([screen.polls, screen.files, byUid(screen.calendar)]) ===
          JSON.stringify([fresh.polls, fresh.files, byUid(fresh.calendar)])
      );
    },
    30_000,
    label,
  );
}

beforeAll(async () => {
  w = await twoWorkstations();
  // The channel's own set-up (its roster and name: who may do what, so the overviews read again)
  // has reached the nurse's screen once a message ordered after it has.
  const { messageId } = await w.admin.value('messages.send', { channelId: w.channelId, body: 'Guten Morgen' });
  await eventually(
    async () => {
      const page = await w.nurse.value('messages.page', { channelId: w.channelId });
      const last = w.nurse.events
        .filter((e) => e.event === 'messages.changed')
        .map((e) => e.payload as MessagesChanged)
        .findLast((c) => c.channelId === w.channelId);
      return page.messages.some((m) => m.messageId === messageId) && last?.version === page.version;
    },
    20_000,
    'set-up at the nurse',
  );
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe('overviews from change events', () => {
  it('take a poll, a vote, a file, an appointment, an answer and single occurrences without reading again', async () => {
    const screen = new Overviews();
    await screen.open();
    const { channelId } = w;

    const { pollId } = await w.admin.value('polls.create', {
      channelId,
      question: 'Teamessen am Freitag?',
      options: ['Ja', 'Nein'],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    await matches(screen, 'the new poll', (f) => f.polls.length === 1);
    expect(screen.polls.map((p) => p.pollId)).toEqual([pollId]);
    const optionId = screen.polls[0]!.options[0]!.id;
    await w.admin.value('polls.vote', { channelId, pollId, optionIds: [optionId] });
    await matches(screen, 'the vote', (f) => f.polls[0]?.totalVoters === 1);
    expect(screen.polls[0]!.totalVoters).toBe(1);

    const bytes = Buffer.from('Befund vom Montag');
    const begun = await w.admin.value('files.beginUpload', {
      channelId,
      name: 'Befund.txt',
      mimeType: 'text/plain',
      size: bytes.length,
    });
    if (begun.status !== 'started') throw new Error(begun.reason);
    await w.admin.value('files.uploadChunk', {
      uploadId: begun.uploadId,
      offset: 0,
      data: bytes.subarray(0, FILE_CHUNK_MAX_BYTES),
    });
    await w.admin.value('files.finishUpload', { uploadId: begun.uploadId });
    await matches(screen, 'the new file', (f) => f.files.length === 1);
    expect(screen.files.map((f) => f.name)).toEqual(['Befund.txt']);

    const { uid } = await w.admin.value('calendar.put', {
      channelId,
      title: 'Fallbesprechung',
      start: MONDAY + 7 * HOUR,
      end: MONDAY + 8 * HOUR,
      allDay: false,
      attendeeUserIds: [w.adminUserId, w.nurseUserId],
    });
    await matches(screen, 'the new appointment', (f) => f.calendar.entries.some((e) => e.uid === uid));
    await w.admin.value('calendar.rsvp', { channelId, uid, rsvp: 'yes' });
    await matches(screen, 'the answer', (f) =>
      f.calendar.entries.some((e) => e.attendees.some((a) => a.userId === w.adminUserId && a.rsvp === 'yes')),
    );
    const admin = screen.calendar.entries.find((e) => e.uid === uid)?.attendees.find((a) => a.userId === w.adminUserId);
    expect(admin?.rsvp).toBe('yes');
    expect(screen.reads).toEqual([]);

    // A new series is read again (its rule is expanded in the core); its occurrences are not.
    const { uid: series } = await w.admin.value('calendar.put', {
      channelId,
      title: 'Visite',
      start: MONDAY,
      end: MONDAY + HOUR,
      allDay: false,
      rrule: 'FREQ=DAILY;COUNT=5',
    });
    await matches(screen, 'the new series', (f) => f.calendar.occurrences.filter((o) => o.uid === series).length === 5);
    expect(screen.reads).toHaveLength(1);
    await w.admin.value('calendar.putOccurrence', {
      channelId,
      uid: series,
      recurrenceId: MONDAY + DAY,
      title: 'Visite (später)',
      start: MONDAY + DAY + 2 * HOUR,
      end: MONDAY + DAY + 3 * HOUR,
    });
    await matches(screen, 'the moved occurrence', (f) => f.calendar.occurrences.some((o) => o.changed));
    await w.admin.value('calendar.cancelOccurrence', { channelId, uid: series, recurrenceId: MONDAY + 2 * DAY });
    await matches(
      screen,
      'the cancelled occurrence',
      (f) => f.calendar.occurrences.filter((o) => o.uid === series).length === 4,
    );
    expect(screen.calendar.occurrences.filter((o) => o.uid === series).map((o) => o.title)).toEqual([
      'Visite',
      'Visite (später)',
      'Visite',
      'Visite',
    ]);
    expect(screen.reads).toHaveLength(1);
  }, 120_000);
});
