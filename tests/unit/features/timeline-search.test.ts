// Search finds a poll by its question and an appointment by its title, through the store as every
// client applies them, and the hit jumps to the timeline item (its event id and seq). What changes
// them changes what is found: a new title replaces the old one, and a poll deleted by retention or
// a conversation's content deleted on this workstation is found no more, its words gone from the
// search vocabulary too.
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { openEncryptedDatabase } from '../../../apps/desktop/electron/core/store/database.ts';
import { migrate } from '../../../apps/desktop/electron/core/store/migrations/index.ts';
import { search } from '../../../apps/desktop/electron/core/store/search.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const ANNA = 'usr-anna-0001'; // channel admin
const BEN = 'usr-ben-00001';
const CH = 'chn-station-3b';
const OTHER = 'chn-station-4a';
let store: ProfileStore;
let seq = 0;

function event(from: string, payload: ChannelEventPayload, eventId?: string, channelId = CH): ChannelEvent {
  seq++;
  return {
    eventId: eventId ?? `evt${String(seq).padStart(8, '0')}`,
    channelId,
    seq,
    senderUserId: from,
    senderDeviceId: `dev-${from}`,
    createdAt: 1_000 + seq,
    epoch: 1,
    payload,
  };
}

function apply(...events: ChannelEvent[]) {
  const db = testDatabase(store);
  return db.transaction(() => applyEvents(db, events))();
}

const poll = (question: string): ChannelEventPayload => ({
  type: 'poll.create',
  question,
  options: [
    { id: 'o1', label: 'Ja' },
    { id: 'o2', label: 'Nein' },
  ],
  multipleChoice: false,
  deadline: null,
  hideVoters: false,
});
const appointment = (uid: string, title: string): ChannelEventPayload => ({
  type: 'calendar.put',
  uid,
  title,
  start: Date.UTC(2026, 11, 8, 6),
  end: Date.UTC(2026, 11, 8, 7),
  allDay: false,
  timeZone: 'Europe/Berlin',
  attendees: [{ userId: BEN, name: 'Ben' }],
});
const message = (body: string): ChannelEventPayload => ({
  type: 'message.create',
  body,
  mentions: [],
  replyTo: null,
  urgent: false,
});

const found = async (text: string, channelId?: string) =>
  (await store.search({ text, ...(channelId ? { channelId } : {}) })).map((h) => ({
    kind: h.kind,
    id: h.id,
    sortKey: h.sortKey,
    snippet: h.snippet,
  }));
const vocabulary = () =>
  testDatabase(store).prepare('SELECT term FROM search_terms ORDER BY term').pluck().all() as string[];

describe('search finds polls and appointments', () => {
  beforeAll(() => registerStoreFeatures());

  beforeEach(() => {
    seq = 0;
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    const db = testDatabase(store);
    for (const channelId of [CH, OTHER]) {
      db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station', 0)`).run(
        channelId,
      );
      const members = [
        { userId: ANNA, role: 'admin' },
        { userId: BEN, role: 'member' },
      ];
      db.prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`).run(
        channelId,
        JSON.stringify({ v: 1, type: 'roster', body: { channelId, epoch: 1, members } }),
      );
      for (const m of members)
        db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(channelId, m.userId, m.role);
    }
  });

  it('a poll by a word of its question, and the hit names the poll and its place in the timeline', async () => {
    apply(
      event(BEN, message('Guten Morgen')), // 1
      event(ANNA, poll('Teamessen am Freitag im Ratskeller?'), 'pol-essen-0001'), // 2
    );
    expect(await found('Teamessen')).toEqual([
      { kind: 'poll', id: 'pol-essen-0001', sortKey: 2, snippet: 'Teamessen am Freitag im Ratskeller?' },
    ]);
    // A long word start is expanded through the vocabulary; a part inside a word through its trigrams.
    expect(await found('Ratskel')).toMatchObject([{ kind: 'poll' }]);
    expect(await found('keller')).toMatchObject([{ kind: 'poll' }]);
    expect(await found('Freitag', OTHER)).toEqual([]);
  });

  it('an appointment by its title as it stands now; the hit is its first put, where the timeline shows it', async () => {
    apply(event(BEN, message('Hallo')), event(ANNA, appointment('cal-visite-0001', 'Chefarztvisite'), 'cal-put-0001'));
    apply(event(ANNA, appointment('cal-visite-0001', 'Oberarztvisite'), 'cal-put-0002'));
    expect(await found('Oberarztvisite')).toEqual([
      { kind: 'calendar', id: 'cal-put-0001', sortKey: 2, snippet: 'Oberarztvisite' },
    ]);
    expect(await found('Chefarzt')).toEqual([]);
    expect(vocabulary()).not.toContain('chefarztvisite');
  });

  it('what the rules refused is not found: a member changing the admin’s appointment', async () => {
    apply(event(ANNA, appointment('cal-visite-0001', 'Visite'), 'cal-put-0001'));
    apply(event(BEN, appointment('cal-visite-0001', 'Gekapert'), 'cal-put-0002'));
    expect(await found('Gekapert')).toEqual([]);
    expect(await found('Visite')).toMatchObject([{ kind: 'calendar', id: 'cal-put-0001' }]);
  });

  it('a poll deleted by retention is found no more, and its words leave the vocabulary', async () => {
    apply(event(ANNA, poll('Dienstplanänderung Weihnachten?'), 'pol-dienst-0001'));
    expect(await found('Dienstplan')).toMatchObject([{ kind: 'poll' }]);
    expect(vocabulary()).toContain('dienstplananderung');
    await store.applyRetention(1, 10 * 86_400_000);
    expect(await found('Dienstplan')).toEqual([]);
    expect(await found('Weihnachten')).toEqual([]);
    expect(vocabulary()).not.toContain('dienstplananderung');
    expect(vocabulary()).not.toContain('weihnachten');
  });

  it('a conversation’s content deleted on this workstation takes its polls and appointments out of search', async () => {
    apply(
      event(ANNA, poll('Fortbildung Wundversorgung?'), 'pol-fortb-0001'),
      event(ANNA, appointment('cal-fortb-0001', 'Fortbildung Hygiene'), 'cal-put-0001'),
      event(ANNA, poll('Fortbildung Reanimation?'), 'pol-fortb-0002', OTHER),
    );
    expect(await found('Fortbildung')).toHaveLength(3);
    await store.deleteChannelContent(CH);
    expect(await found('Fortbildung')).toMatchObject([{ kind: 'poll', id: 'pol-fortb-0002' }]);
    expect(vocabulary()).not.toContain('wundversorgung');
    expect(vocabulary()).toContain('fortbildung');
  });

  it('finds polls and appointments stored before the index existed (the migration fills it)', () => {
    const db = openEncryptedDatabase(join(tempDir(), 'old.db'), randomKey(), { create: true });
    migrate(db, 230);
    db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station', 1)`).run(CH);
    db.prepare(
      `INSERT INTO polls (channel_id, poll_id, creator_user_id, definition, created_seq, created_at) VALUES (?, 'pol-old-0001', ?, '{"question":"Sommerfest im Innenhof?"}', 3, 5)`,
    ).run(CH, ANNA);
    migrate(db);
    expect(search(db, { text: 'Sommerfest' })).toMatchObject([{ kind: 'poll', id: 'pol-old-0001', sortKey: 3 }]);
    expect(search(db, { text: 'Innenh' })).toMatchObject([{ kind: 'poll' }]);
    // Like every FTS5 index here, a deleted text leaves its shadow tables at once (migration 0140).
    expect(db.prepare(`SELECT v FROM shared_texts_fts_config WHERE k = 'secure-delete'`).pluck().get()).toBe(1);
    db.close();
  });
});
