import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { calendarRepository } from '../../../apps/desktop/electron/core/features/calendar/repository.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { fileRepository } from '../../../apps/desktop/electron/core/features/files/repository.ts';
import { pollRepository } from '../../../apps/desktop/electron/core/features/polls/repository.ts';

const CH = 'chn-station-3b';
const T0 = Date.UTC(2026, 10, 23, 7, 0);
let store: ProfileStore;
let n = 0;

const ev = (payload: ChannelEventPayload, over: Partial<ChannelEvent> = {}): ChannelEvent => {
  n++;
  return {
    eventId: `evt${String(n).padStart(8, '0')}`,
    channelId: CH,
    seq: n,
    senderUserId: 'usr-anna-0001',
    senderDeviceId: 'dev-anna-0001',
    createdAt: T0 + n * 1000,
    payload,
    ...over,
  };
};
const msg = (body: string, over: Partial<ChannelEvent> = {}) =>
  ev({ type: 'message.create', body, mentions: [], replyTo: null, urgent: false }, over);

/** Rows anywhere in the store's text tables (events log, messages, files, outbox) containing `text`. */
function textRows(text: string): string[] {
  const like = `%${text}%`;
  return (
    testDatabase(store)
      .prepare(
        `SELECT 'events' AS t FROM events WHERE payload LIKE ? UNION ALL SELECT 'messages' FROM messages WHERE body LIKE ?
         UNION ALL SELECT 'files' FROM files WHERE name LIKE ? UNION ALL SELECT 'polls' FROM polls WHERE definition LIKE ?
         UNION ALL SELECT 'calendar' FROM calendar_events WHERE data LIKE ?`,
      )
      .all(like, like, like, like, like) as Array<{ t: string }>
  ).map((r) => r.t);
}
const terms = (prefix: string) =>
  testDatabase(store)
    .prepare('SELECT term FROM search_terms WHERE term >= ? AND term < ?')
    .pluck()
    .all(prefix, `${prefix}\u{10FFFF}`) as string[];

async function apply(events: ChannelEvent[]) {
  const last = Math.max(0, ...events.map((e) => e.seq ?? 0));
  await store.sync.applyBatch(CH, {
    events: events.map((e) => ({ ...e, seq: e.seq ?? 0, contentType: 'message' })),
    pending: [],
    newCursor: last,
  });
}

beforeEach(async () => {
  n = 0;
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
    [
      { userId: 'usr-anna-0001', role: 'admin' },
      { userId: 'usr-ben-00001', role: 'member' },
    ],
  );
  testDatabase(store)
    .prepare(
      `INSERT INTO users VALUES ('usr-anna-0001', 'Anna Berger', 'admin', NULL, 1), ('usr-ben-00001', 'Ben Öztürk', 'member', NULL, 1)`,
    )
    .run();
});

describe('applying events', () => {
  it('is idempotent: the same event twice is one row', async () => {
    const e = msg('Übergabe Zimmer 12');
    await apply([e]);
    await apply([e, e]);
    expect(await store.messages.page(CH)).toHaveLength(1);
    expect((testDatabase(store).prepare('SELECT count(*) AS c FROM events').get() as { c: number }).c).toBe(1);
  });

  it('orders by channel sequence, newest first, with keyset paging and sender names', async () => {
    await apply([msg('drei', { seq: 3 }), msg('eins', { seq: 1 }), msg('zwei', { seq: 2 })]);
    const newest = await store.messages.page(CH, { limit: 2 });
    expect(newest.map((m) => m.body)).toEqual(['drei', 'zwei']);
    expect(newest[0]!.senderName).toBe('Anna Berger');
    const older = await store.messages.page(CH, { beforeSortKey: newest.at(-1)!.sortKey });
    expect(older.map((m) => m.body)).toEqual(['eins']);
  });

  it('edits and deletes only by the sender; a delete leaves a tombstone and leaves search', async () => {
    const original = msg('Blutdruck 120/80 Bett 4');
    await apply([original]);
    await apply([
      ev(
        { type: 'message.edit', messageId: original.eventId, body: 'Blutdruck 130/85 Bett 4', mentions: [] },
        { senderUserId: 'usr-ben-00001' },
      ),
    ]);
    expect((await store.messages.get(CH, original.eventId))!.body).toBe('Blutdruck 120/80 Bett 4');
    await apply([
      ev({ type: 'message.edit', messageId: original.eventId, body: 'Blutdruck 130/85 Bett 4', mentions: [] }),
    ]);
    const edited = (await store.messages.get(CH, original.eventId))!;
    expect([edited.body, edited.editedAt !== null]).toEqual(['Blutdruck 130/85 Bett 4', true]);
    expect(await store.search({ text: 'Blutdruck' })).toHaveLength(1);
    await apply([ev({ type: 'message.delete', messageId: original.eventId })]);
    const tomb = (await store.messages.get(CH, original.eventId))!;
    expect([tomb.body, tomb.deletedAt !== null]).toEqual(['', true]);
    expect(await store.search({ text: 'Blutdruck' })).toHaveLength(0);
    // The text is gone from the decrypted log too (original and edit), and from the word list.
    expect(textRows('Blutdruck')).toEqual([]);
    expect(terms('blutdr')).toEqual([]);
  });

  it('a delete in the same batch as its message leaves no word behind; a word another message uses stays', async () => {
    const gone = msg('Dekubitusprophylaxe Bett 4');
    await apply([
      msg('Dekubitusprophylaxe Bett 9'),
      gone,
      msg('Kontrakturenprophylaxe'),
      ev({ type: 'message.delete', messageId: gone.eventId }),
    ]);
    await apply([]);
    const created = msg('Pneumonieprophylaxe nur hier');
    await apply([created, ev({ type: 'message.delete', messageId: created.eventId })]);
    expect(terms('pneumon')).toEqual([]);
    expect(terms('dekubitus')).toEqual(['dekubitusprophylaxe']);
    expect((await store.search({ text: 'Dekubitusprophyl' })).length).toBe(1);
  });

  it('records acknowledgements of urgent messages once per person', async () => {
    const urgent = ev({
      type: 'message.create',
      body: 'Reanimation Zimmer 7',
      mentions: [],
      replyTo: null,
      urgent: true,
    });
    await apply([urgent]);
    const ack = (user: string) => ev({ type: 'message.ack', messageId: urgent.eventId }, { senderUserId: user });
    await apply([ack('usr-ben-00001'), ack('usr-ben-00001')]);
    expect((await store.messages.acks(CH, urgent.eventId)).map((a) => a.userId)).toEqual(['usr-ben-00001']);
  });

  it("lists the channel with the newest message first, whatever the channels' sequence numbers", async () => {
    // Station 3B has many old messages (high seqs); Labor has one newer message at seq 1.
    await apply([msg('alt 1'), msg('alt 2'), msg('alt 3'), msg('alt 4')]);
    const LAB = 'chn-labor-00001';
    await store.channels.upsert(
      {
        channelId: LAB,
        kind: 'channel',
        name: 'Labor',
        topic: '',
        historyForNewMembers: false,
        retentionDays: null,
        createdAt: T0,
      },
      [{ userId: 'usr-ben-00001', role: 'member' }],
    );
    await store.sync.applyBatch(LAB, {
      events: [
        { ...msg('Befund da', { channelId: LAB, seq: 1, createdAt: T0 + 3_600_000 }), contentType: 'message' } as never,
      ],
      pending: [],
      newCursor: 1,
    });
    expect((await store.channels.listFor('usr-ben-00001')).map((c) => c.name)).toEqual(['Labor', 'Station 3B']);
  });

  it('counts unread messages and mentions for the sidebar', async () => {
    await apply([
      msg('hallo'),
      msg('@Ben bitte Bett 4', { senderUserId: 'usr-anna-0001' }),
      msg('eigene', { senderUserId: 'usr-ben-00001' }),
    ]);
    testDatabase(store).prepare(`UPDATE messages SET mentions = '["usr-ben-00001"]' WHERE body LIKE '@Ben%'`).run();
    await apply([
      ev({ type: 'message.create', body: 'noch mal @Ben', mentions: ['usr-ben-00001'], replyTo: null, urgent: false }),
    ]);
    const [summary] = await store.channels.listFor('usr-ben-00001');
    expect(summary).toMatchObject({ unreadCount: 3, mentionCount: 1 });
    await store.channels.markRead(CH, summary!.lastSortKey, T0);
    expect((await store.channels.listFor('usr-ben-00001'))[0]).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  });

  it('refuses a late poll vote with the same verdict from the log', async () => {
    const poll = ev({
      type: 'poll.create',
      question: 'Wer übernimmt?',
      options: [
        { id: 'a', label: 'Ich' },
        { id: 'b', label: 'Du' },
      ],
      multipleChoice: false,
      deadline: T0 + 10_000,
      hideVoters: false,
    });
    await apply([poll]);
    await apply([
      ev(
        { type: 'poll.vote', pollId: poll.eventId, optionIds: ['a'] },
        { senderUserId: 'usr-ben-00001', createdAt: T0 + 20_000 },
      ),
    ]);
    expect(testDatabase(store).prepare('SELECT count(*) AS c FROM poll_votes').get()).toEqual({ c: 0 });
  });
});

describe('search', () => {
  it('finds umlaut words typed without umlauts, with highlight ranges and channel filter', async () => {
    await apply([msg('Übergabe Station 3B: Zimmer 12 isoliert'), msg('Kaffee ist alle')]);
    const hits = await store.search({ text: 'ubergabe' });
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit!.highlights.map(([a, b]) => hit!.snippet.slice(a, b))).toEqual(['Übergabe']);
    expect(await store.search({ text: 'ubergabe', channelId: 'chn-other-0001' })).toEqual([]);
    expect(await store.search({ text: 'Zimm' })).toHaveLength(1); // prefix
  });

  it('filters by date: from inclusive, to exclusive', async () => {
    const day = 86_400_000;
    await apply([
      msg('Visite Montag', { createdAt: T0 }),
      msg('Visite Dienstag', { createdAt: T0 + day }),
      msg('Visite Mittwoch', { createdAt: T0 + 2 * day }),
    ]);
    const bodies = async (q: { from?: number; to?: number }) =>
      Promise.all(
        (await store.search({ text: 'Visite', ...q })).map(async (h) => (await store.messages.get(CH, h.id))!.body),
      );
    expect(await bodies({ from: T0 + day })).toEqual(['Visite Mittwoch', 'Visite Dienstag']);
    expect(await bodies({ to: T0 + day })).toEqual(['Visite Montag']);
    expect(await bodies({ from: T0 + day, to: T0 + 2 * day })).toEqual(['Visite Dienstag']);
  });

  it('a long word still being typed finds compounds with that start; a word also finds compounds it ends', async () => {
    await apply([
      msg('Übergabeprotokoll liegt im Stationszimmer'),
      msg('Übergabezeit ist 6 Uhr'),
      msg('Protokoll fehlt'),
    ]);
    const bodiesOf = async (text: string) =>
      Promise.all((await store.search({ text })).map(async (h) => (await store.messages.get(CH, h.id))!.body));
    expect(await bodiesOf('Übergabeprot')).toEqual(['Übergabeprotokoll liegt im Stationszimmer']);
    expect((await bodiesOf('ubergabe')).sort()).toEqual([
      'Übergabeprotokoll liegt im Stationszimmer',
      'Übergabezeit ist 6 Uhr',
    ]);
    // Search inside words (German compounds): "protokoll" is part of "Übergabeprotokoll".
    expect(await bodiesOf('protokoll')).toEqual(['Protokoll fehlt', 'Übergabeprotokoll liegt im Stationszimmer']);
  });

  it('treats search syntax and markup as plain words', async () => {
    await apply([msg('<script>alert(1)</script> AND OR NOT "quote')]);
    expect(await store.search({ text: '"NOT AND ( *' })).toHaveLength(1);
    expect(await store.search({ text: '' })).toEqual([]);
  });
});

describe('retention and deletion', () => {
  it('deletes messages, events, files, polls and search entries older than the policy', async () => {
    const now = T0 + 40 * 86_400_000;
    const old = { createdAt: T0 };
    const recent = { createdAt: now - 86_400_000 };
    await apply([
      msg('alt: Übergabe Hämoglobin Frau Schreiber', old),
      msg('neu: Übergabe Frau Schreiberling', recent),
      ev(
        {
          type: 'file.share',
          name: 'Wundfoto Schreiber.jpg',
          mimeType: 'image/jpeg',
          size: 10,
          blobId: 'blob-alt',
          keyB64: 'k'.repeat(43),
          hashB64: 'h'.repeat(43),
          thumbnailBlobId: null,
          caption: '',
        },
        old,
      ),
      ev(
        {
          type: 'file.share',
          name: 'Dienstplan.pdf',
          mimeType: 'application/pdf',
          size: 10,
          blobId: 'blob-neu',
          keyB64: 'k'.repeat(43),
          hashB64: 'h'.repeat(43),
          thumbnailBlobId: null,
          caption: '',
        },
        recent,
      ),
      ev(
        {
          type: 'poll.create',
          question: 'Wer betreut Frau Schreiber?',
          options: [
            { id: 'a', label: 'Ich' },
            { id: 'b', label: 'Du' },
          ],
          multipleChoice: false,
          deadline: null,
          hideVoters: false,
        },
        old,
      ),
    ]);
    const result = await store.applyRetention(30, now);
    expect(result).toMatchObject({ messages: 1, files: 1, polls: 1, events: 3, orphanedBlobs: ['blob-alt'] });
    expect((await store.messages.page(CH)).map((m) => m.body)).toEqual(['neu: Übergabe Frau Schreiberling']);
    expect((await store.search({ text: 'Ubergabe' })).length).toBe(1);
    expect(await store.search({ text: 'Hämoglobin' })).toEqual([]);
    expect(await store.search({ text: 'Wundfoto' })).toEqual([]);
    expect(textRows('Schreiber ')).toEqual([]);
    expect(textRows('Schreiber.')).toEqual([]);
    expect(textRows('Schreiber?')).toEqual([]);
    expect(terms('hamoglob')).toEqual([]);
    expect(terms('wundfoto')).toEqual([]);
    // A word the kept message also uses stays in the vocabulary.
    expect(terms('schreiber')).toEqual(['schreiberling']);
  });

  it('a stricter channel setting wins over the policy; 0 means keep', async () => {
    testDatabase(store).prepare('UPDATE channels SET retention_days = 7').run();
    await apply([msg('10 Tage alt', { createdAt: T0 })]);
    expect((await store.applyRetention(0, T0 + 10 * 86_400_000)).messages).toBe(1);
  });

  it('deletes one message selectively: its row, its edits in the log, its search entries and words', async () => {
    const keep = msg('bleibt: Nachtdienstübergabe');
    const drop = msg('weg damit: Patient Hinterhuber');
    await apply([keep, drop]);
    await apply([
      ev({
        type: 'message.edit',
        messageId: drop.eventId,
        body: 'weg damit: Patient Hinterhuber, Zimmer 3',
        mentions: [],
      }),
    ]);
    await apply([ev({ type: 'message.ack', messageId: drop.eventId }, { senderUserId: 'usr-ben-00001' })]);
    expect(await store.deleteMessageLocally(CH, drop.eventId)).toBe(true);
    expect((await store.messages.page(CH)).map((m) => m.body)).toEqual(['bleibt: Nachtdienstübergabe']);
    expect(await store.messages.acks(CH, drop.eventId)).toEqual([]);
    expect(await store.search({ text: 'Hinterhuber' })).toEqual([]);
    expect(textRows('Hinterhuber')).toEqual([]);
    expect(terms('hinterh')).toEqual([]);
    expect((await store.search({ text: 'Nachtdienstüberg' })).length).toBe(1);
    expect(await store.deleteMessageLocally(CH, drop.eventId)).toBe(false);
    // A shared file is deleted the same way, by its event id.
    const file = ev({
      type: 'file.share',
      name: 'Befund Hinterhuber.pdf',
      mimeType: 'application/pdf',
      size: 10,
      blobId: 'blob-befund',
      keyB64: 'k'.repeat(43),
      hashB64: 'h'.repeat(43),
      thumbnailBlobId: null,
      caption: '',
    });
    await apply([file]);
    expect(await store.deleteMessageLocally(CH, file.eventId)).toBe(true);
    expect(await store.repository(fileRepository).files(CH)).toEqual([]);
    expect(textRows('Hinterhuber')).toEqual([]);
  });

  it('deletes a whole conversation: messages, files, polls, calendar, log and waiting envelopes; other channels stay', async () => {
    const OTHER = 'chn-other-0001';
    await apply([
      msg('Verlegung Frau Oberhauser'),
      ev({
        type: 'file.share',
        name: 'Arztbrief Oberhauser.pdf',
        mimeType: 'application/pdf',
        size: 10,
        blobId: 'blob-brief',
        keyB64: 'k'.repeat(43),
        hashB64: 'h'.repeat(43),
        thumbnailBlobId: null,
        caption: '',
      }),
      ev({
        type: 'poll.create',
        question: 'Oberhauser verlegen?',
        options: [
          { id: 'a', label: 'Ja' },
          { id: 'b', label: 'Nein' },
        ],
        multipleChoice: false,
        deadline: null,
        hideVoters: false,
      }),
      ev({
        type: 'calendar.put',
        uid: 'evt-visit-0001',
        title: 'Visite Oberhauser',
        start: T0 + 3_600_000,
        end: T0 + 7_200_000,
        allDay: false,
        timeZone: 'Europe/Berlin',
        attendees: [],
      }),
    ]);
    await store.sync.applyBatch(CH, {
      events: [],
      pending: [{ channelId: CH, seq: 99, envelope: new Uint8Array([1, 2, 3]) }],
      newCursor: 99,
    });
    await store.sync.applyBatch(OTHER, {
      events: [
        {
          eventId: 'evt-other-0001',
          channelId: OTHER,
          seq: 1,
          senderUserId: 'usr-anna-0001',
          senderDeviceId: 'dev-anna-0001',
          createdAt: T0,
          contentType: 'message',
          payload: { type: 'message.create', body: 'Oberhauser anderswo', mentions: [], replyTo: null, urgent: false },
        },
      ],
      pending: [],
      newCursor: 1,
    });

    const result = await store.deleteChannelContent(CH);
    expect(result).toMatchObject({ messages: 1, files: 1, polls: 1, orphanedBlobs: ['blob-brief'] });
    expect(await store.messages.page(CH)).toEqual([]);
    expect(await store.repository(fileRepository).files(CH)).toEqual([]);
    expect(await store.repository(pollRepository).polls(CH, T0)).toEqual([]);
    expect(await store.repository(calendarRepository).entries(CH)).toEqual([]);
    expect(await store.sync.pending(CH)).toEqual([]);
    expect(testDatabase(store).prepare('SELECT count(*) FROM events WHERE channel_id = ?').pluck().get(CH)).toBe(0);
    expect(await store.search({ text: 'Arztbrief' })).toEqual([]);
    expect(terms('arztbrief')).toEqual([]);
    // The channel stays (new messages still arrive and are not fetched twice); the other channel is untouched.
    expect((await store.sync.cursors())[CH]).toBe(99);
    expect((await store.messages.page(OTHER)).map((m) => m.body)).toEqual(['Oberhauser anderswo']);
    expect(terms('oberhaus')).toEqual(['oberhauser']);
    expect(textRows('Oberhauser')).toEqual(['events', 'messages']);
  });
});

describe('outbox', () => {
  it('a message written offline is shown as sending and queued in order; sending assigns its place', async () => {
    const local = (body: string) => ({
      eventId: `loc${++n}aaaaaa`,
      channelId: CH,
      seq: null,
      senderUserId: 'usr-anna-0001',
      senderDeviceId: 'dev-anna-0001',
      createdAt: T0 + n,
      payload: { type: 'message.create' as const, body, mentions: [], replyTo: null, urgent: false },
    });
    const first = local('zuerst');
    const second = local('danach');
    await store.messages.queueLocal(first, 'message');
    await store.messages.queueLocal(second, 'message');
    await apply([msg('vom Server', { seq: 1 })]);
    expect((await store.messages.page(CH)).map((m) => [m.body, m.delivery])).toEqual([
      ['danach', 'sending'],
      ['zuerst', 'sending'],
      ['vom Server', 'sent'],
    ]);
    const due = await store.sync.dueOutbox(T0 + 1_000_000, 10);
    expect(due.map((d) => d.clientEventId)).toEqual([first.eventId, second.eventId]);
    // The head backs off: nothing of this channel is due until then.
    await store.sync.recordFailure(first.eventId, T0 + 2_000_000, 'offline');
    expect(await store.sync.dueOutbox(T0 + 1_000_000, 10)).toEqual([]);
    expect(await store.sync.nextOutboxAttempt()).toBe(T0 + 2_000_000);
    await store.sync.markSent(first.eventId, 2);
    expect((await store.messages.get(CH, first.eventId))!).toMatchObject({ seq: 2, sortKey: 2, delivery: 'sent' });
  });
});

describe('polls, files and calendar', () => {
  it('lists polls with results, files sorted and filtered, calendar occurrences', async () => {
    const poll = ev({
      type: 'poll.create',
      question: 'Teamessen?',
      options: [
        { id: 'a', label: 'Freitag' },
        { id: 'b', label: 'Samstag' },
      ],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    await apply([
      poll,
      ev({ type: 'poll.vote', pollId: poll.eventId, optionIds: ['b'] }, { senderUserId: 'usr-ben-00001' }),
    ]);
    const [results] = await store.repository(pollRepository).polls(CH, T0);
    expect(results).toMatchObject({ question: 'Teamessen?', closed: false, totalVoters: 1 });
    expect(results!.options.map((o) => [o.id, o.count])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);

    const file = (name: string, mimeType: string, size: number) =>
      ev({
        type: 'file.share',
        name,
        mimeType,
        size,
        blobId: `blob-${name}`,
        keyB64: 'k'.repeat(43),
        hashB64: 'h'.repeat(43),
        thumbnailBlobId: null,
        caption: '',
      });
    await apply([
      file('Dienstplan.pdf', 'application/pdf', 2000),
      file('Wunde Bett 4.jpg', 'image/jpeg', 900_000),
      file('Übergabeprotokoll.pdf', 'application/pdf', 5000),
    ]);
    expect((await store.repository(fileRepository).files(CH, { sort: 'name' })).map((f) => f.name)).toEqual([
      'Dienstplan.pdf',
      'Übergabeprotokoll.pdf',
      'Wunde Bett 4.jpg',
    ]);
    expect((await store.repository(fileRepository).files(CH, { mimePrefix: 'image/' })).map((f) => f.name)).toEqual([
      'Wunde Bett 4.jpg',
    ]);
    expect((await store.repository(fileRepository).files(CH, { nameQuery: 'plan' })).map((f) => f.name)).toEqual([
      'Dienstplan.pdf',
    ]);
    expect((await store.search({ text: 'ubergabeprotokoll' })).map((h) => h.kind)).toEqual(['file']);

    await apply([
      ev({
        type: 'calendar.put',
        uid: 'evt-handover-01',
        title: 'Übergabe',
        start: Date.UTC(2026, 10, 23, 6),
        end: Date.UTC(2026, 10, 23, 6, 30),
        allDay: false,
        timeZone: 'Europe/Berlin',
        rrule: 'FREQ=DAILY;COUNT=3',
        attendees: [{ userId: 'usr-ben-00001', name: 'Ben' }],
      }),
    ]);
    await apply([
      ev({ type: 'calendar.rsvp', uid: 'evt-handover-01', rsvp: 'yes' }, { senderUserId: 'usr-ben-00001' }),
    ]);
    const range = await store.repository(calendarRepository).range(CH, Date.UTC(2026, 10, 22), Date.UTC(2026, 10, 30));
    expect(range.map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-11-23T06:00:00.000Z',
      '2026-11-24T06:00:00.000Z',
      '2026-11-25T06:00:00.000Z',
    ]);
    expect((await store.repository(calendarRepository).entries(CH))[0]!.attendees).toEqual([
      { userId: 'usr-ben-00001', name: 'Ben', rsvp: 'yes' },
    ]);
  });
});
