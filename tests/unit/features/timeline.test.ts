// The channel timeline's shared things through the store, as every client applies them: files,
// polls, calendar entries and channel changes of a sort-key range, oldest first, each once (a
// calendar entry's later change updates its item), and nothing the rules refused.
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { timelineRepository } from '../../../apps/desktop/electron/core/features/timeline/repository.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const ANNA = 'usr-anna-0001'; // channel admin
const BEN = 'usr-ben-00001';
const CH = 'chn-station-3b';
let store: ProfileStore;
let seq = 0;

function event(from: string, payload: ChannelEventPayload, eventId?: string, sequenced = true): ChannelEvent {
  seq++;
  return {
    eventId: eventId ?? `evt${String(seq).padStart(8, '0')}`,
    channelId: CH,
    seq: sequenced ? seq : null,
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

const settings = (name: string, retentionDays: number | null = null): ChannelEventPayload => ({
  type: 'channel.update',
  name,
  topic: '',
  historyForNewMembers: false,
  retentionDays,
});
const message = (body: string): ChannelEventPayload => ({
  type: 'message.create',
  body,
  mentions: [],
  replyTo: null,
  urgent: false,
});
const file = (name: string, mimeType: string): ChannelEventPayload => ({
  type: 'file.share',
  name,
  mimeType,
  size: 52_000,
  blobId: 'a'.repeat(64),
  keyB64: 'k'.repeat(43),
  hashB64: 'h'.repeat(43),
  thumbnailBlobId: mimeType.startsWith('image/') ? 'b'.repeat(64) : null,
  caption: '',
});
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

const items = (afterSortKey: number | null, upToSortKey: number | null, limit = 200) =>
  store.repository(timelineRepository).inRange(CH, { afterSortKey, upToSortKey, limit });
const shape = (rows: ReturnType<typeof items>['rows']) =>
  rows.map((r) =>
    r.kind === 'file'
      ? `file ${r.file.name}`
      : r.kind === 'poll'
        ? `poll ${r.poll.question}`
        : r.kind === 'calendar'
          ? `calendar ${r.calendar.title}`
          : r.kind === 'change'
            ? `change ${r.change.renamedTo ?? ''}${r.change.retentionChanged ? ` retention ${r.change.retentionDays}` : ''}`
            : `members ${r.members.added.join(' ')}`,
  );

describe('timeline items', () => {
  beforeAll(() => registerStoreFeatures());

  beforeEach(() => {
    seq = 0;
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    const db = testDatabase(store);
    db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station', 0)`).run(CH);
    const members = [
      { userId: ANNA, role: 'admin' },
      { userId: BEN, role: 'member' },
    ];
    db.prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`).run(
      CH,
      JSON.stringify({ v: 1, type: 'roster', body: { channelId: CH, epoch: 1, members } }),
    );
    for (const m of members) db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, m.userId, m.role);
  });

  it('files, polls, appointments and channel changes in the relay order, between the messages', () => {
    apply(
      event(ANNA, settings('Station 3B')), // 1: names the new channel: no item
      event(BEN, message('Guten Morgen')), // 2
      event(BEN, file('Entlassbrief.pdf', 'application/pdf')), // 3
      event(BEN, file('Wunde.jpg', 'image/jpeg')), // 4
      event(ANNA, poll('Teamessen am Freitag?')), // 5
      event(ANNA, appointment('cal-visite-0001', 'Visite')), // 6
      event(ANNA, settings('Station 3B')), // 7: sent again unchanged (new devices): no item
      event(ANNA, settings('Station 3B Nord')), // 8
      event(ANNA, settings('Station 3B Nord', 30)), // 9
    );
    const { rows, truncated } = items(null, null);
    expect(truncated).toBe(false);
    expect(shape(rows)).toEqual([
      'file Entlassbrief.pdf',
      'file Wunde.jpg',
      'poll Teamessen am Freitag?',
      'calendar Visite',
      'change Station 3B Nord',
      'change  retention 30',
    ]);
    expect(rows.map((r) => r.sortKey)).toEqual([3, 4, 5, 6, 8, 9]);
    expect(rows[0]).toMatchObject({ senderUserId: BEN, seq: 3, createdAt: 1_003 });
    expect(rows[1]).toMatchObject({ kind: 'file', file: { hasThumbnail: true, mimeType: 'image/jpeg' } });
  });

  it('a range gives only its items: above its start, up to and including its end', () => {
    apply(
      event(BEN, file('a.pdf', 'application/pdf')),
      event(BEN, file('b.pdf', 'application/pdf')),
      event(BEN, file('c.pdf', 'application/pdf')),
      event(BEN, file('d.pdf', 'application/pdf')),
    );
    expect(shape(items(1, 3).rows)).toEqual(['file b.pdf', 'file c.pdf']);
    expect(shape(items(3, null).rows)).toEqual(['file d.pdf']);
    expect(shape(items(null, 1).rows)).toEqual(['file a.pdf']);
  });

  it('a range with more items than the limit gives its newest, oldest first, and says so', () => {
    for (let i = 1; i <= 5; i++) apply(event(BEN, file(`${i}.pdf`, 'application/pdf')));
    const { rows, truncated } = items(null, null, 3);
    expect(truncated).toBe(true);
    expect(shape(rows)).toEqual(['file 3.pdf', 'file 4.pdf', 'file 5.pdf']);
  });

  it('an appointment is one item however often it changes, with its current title', () => {
    apply(event(ANNA, appointment('cal-visite-0001', 'Visite')));
    apply(event(ANNA, appointment('cal-visite-0001', 'Visite (verschoben)')));
    expect(shape(items(null, null).rows)).toEqual(['calendar Visite (verschoben)']);
    expect(items(null, null).rows[0]!.seq).toBe(1);
  });

  it('what the rules refused never shows: a member renaming the channel', () => {
    apply(event(ANNA, settings('Station 3B')), event(BEN, settings('Gekapert')));
    expect(items(null, null).rows).toEqual([]);
  });

  it('an own event still being sent is at the live end, after every sequenced one', () => {
    apply(event(BEN, file('alt.pdf', 'application/pdf')));
    apply(event(BEN, file('neu.pdf', 'application/pdf'), 'fil-pending-0001', false));
    const { rows } = items(null, null);
    expect(shape(rows)).toEqual(['file alt.pdf', 'file neu.pdf']);
    expect(rows[1]).toMatchObject({ seq: null });
    expect(rows[1]!.sortKey).toBeGreaterThan(2 ** 50);
    // A window that ends before the live end does not show it.
    expect(shape(items(null, 5).rows)).toEqual(['file alt.pdf']);
  });

  it('a file found by its name jumps to its place in the timeline (its seq)', async () => {
    apply(event(BEN, message('Guten Morgen')), event(BEN, file('Entlassbrief Meier.pdf', 'application/pdf')));
    const hits = await store.search({ text: 'Entlassbrief' });
    expect(hits).toMatchObject([{ kind: 'file', id: 'evt00000002', sortKey: 2 }]);
  });

  it('a reply to a shared thing quotes its name, question or title', async () => {
    apply(
      event(BEN, file('Entlassbrief.pdf', 'application/pdf'), 'fil-brief-0001'),
      event(ANNA, poll('Entlassung heute?'), 'pol-heute-0001'),
      event(ANNA, { ...message('Danke, gelesen'), replyTo: 'fil-brief-0001' } as ChannelEventPayload, 'msg-reply-0001'),
      event(BEN, { ...message('Ja'), replyTo: 'pol-heute-0001' } as ChannelEventPayload, 'msg-reply-0002'),
      event(BEN, { ...message('Was?'), replyTo: 'evt-missing-01' } as ChannelEventPayload, 'msg-reply-0003'),
    );
    const { details } = await store.messageDetails.of(CH, ['msg-reply-0001', 'msg-reply-0002', 'msg-reply-0003'], {
      userId: ANNA,
      readReceipts: false,
    });
    expect(details.get('msg-reply-0001')!.quote).toMatchObject({ body: 'Entlassbrief.pdf', deletedAt: null });
    expect(details.get('msg-reply-0002')!.quote).toMatchObject({ body: 'Entlassung heute?' });
    expect(details.get('msg-reply-0003')!.quote).toBeNull();
  });

  it('an own appointment shows once it has its seq (created before the relay ordered its put)', () => {
    const put = event(ANNA, appointment('cal-eigen-0001', 'Entlassgespräch'), 'cal-put-00001', false);
    apply(put);
    expect(shape(items(null, null).rows)).toEqual(['calendar Entlassgespräch']);
    // The relay's ack: the sync store logs the own event again with its seq (sync-store.ts).
    testDatabase(store).prepare('DELETE FROM events WHERE event_id = ? AND seq IS NULL').run(put.eventId);
    apply({ ...put, seq: 7 });
    const { rows } = items(null, null);
    expect(shape(rows)).toEqual(['calendar Entlassgespräch']);
    expect(rows[0]).toMatchObject({ seq: 7, sortKey: 7 });
  });
});
