// Several files sent with one caption (the attach tray) are one timeline item: the `file.group`
// event, sent after the shares, names them in order. Through the store, as every client applies
// them: the group is at its first file's place, the caption once; a group names only the sender's
// own shares; a file is in one group; before the group arrives (or on a workstation that does not
// know it) each file is an item of its own.
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fileGroup,
  fileShare,
  type ChannelEvent,
  type ChannelEventPayload,
} from '@klinikfunk/protocol/domain/events.ts';
import { timelineItemSchema } from '@klinikfunk/protocol/api/features/timeline.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { undoQueuedOwn } from '../../../apps/desktop/electron/core/store/own-refused.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { timelineRepository } from '../../../apps/desktop/electron/core/features/timeline/repository.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const ANNA = 'usr-anna-0001';
const BEN = 'usr-ben-00001';
const CH = 'chn-station-3b';
let store: ProfileStore;
let seq = 0;

function event(from: string, payload: ChannelEventPayload, eventId: string, sequenced = true): ChannelEvent {
  seq++;
  return {
    eventId,
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

const file = (name: string, caption = ''): ChannelEventPayload => ({
  type: 'file.share',
  name,
  mimeType: name.endsWith('.jpg') ? 'image/jpeg' : 'application/pdf',
  size: 52_000,
  blobId: 'a'.repeat(64),
  keyB64: 'k'.repeat(43),
  hashB64: 'h'.repeat(43),
  thumbnailBlobId: name.endsWith('.jpg') ? 'b'.repeat(64) : null,
  caption,
});
const group = (...fileIds: string[]): ChannelEventPayload => ({ type: 'file.group', fileIds });
const message = (body: string): ChannelEventPayload => ({
  type: 'message.create',
  body,
  mentions: [],
  replyTo: null,
  urgent: false,
});

const items = (afterSortKey: number | null = null, upToSortKey: number | null = null) =>
  store.repository(timelineRepository).inRange(CH, { afterSortKey, upToSortKey, limit: 200 }).rows;
/** Each item as "name" or "[a, b | of n] caption". */
const shape = (rows: ReturnType<typeof items>) =>
  rows.map((r) => {
    if (r.kind !== 'file') return r.kind;
    if (!r.group) return r.file.name;
    return `[${r.group.files.map((f) => f.name).join(', ')} | of ${r.group.count}] ${r.file.caption}`;
  });

describe('files sent as one group', () => {
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

  it('three files with one caption are one item at the first file, the caption once', () => {
    apply(
      event(ANNA, message('Guten Morgen'), 'msg-morgen-001'),
      event(BEN, file('Wunde-1.jpg', 'Wundheilung Tag 3'), 'fil-wunde-0001'),
      event(BEN, file('Wunde-2.jpg'), 'fil-wunde-0002'),
      event(BEN, file('Befund.pdf'), 'fil-befund-001'),
      event(BEN, group('fil-wunde-0001', 'fil-wunde-0002', 'fil-befund-001'), 'grp-wunde-0001'),
    );
    const rows = items();
    expect(shape(rows)).toEqual(['[Wunde-1.jpg, Wunde-2.jpg, Befund.pdf | of 3] Wundheilung Tag 3']);
    expect(rows[0]).toMatchObject({ eventId: 'fil-wunde-0001', sortKey: 2, senderUserId: BEN });
    // The other files' captions are empty: the caption is said once.
    if (rows[0]?.kind !== 'file') throw new Error('not a file');
    expect(rows[0].group!.files.map((f) => f.caption)).toEqual(['Wundheilung Tag 3', '', '']);
    // What the handler makes of it passes the contract.
    expect(
      timelineItemSchema.safeParse({
        ...rows[0],
        sender: { userId: BEN, displayName: 'Ben' },
        own: false,
        delivery: 'sent',
      }).success,
    ).toBe(true);
  });

  it("search finds the group's second and third file and names the group's item and the file inside it", async () => {
    apply(
      event(ANNA, message('Guten Morgen'), 'msg-morgen-001'),
      event(BEN, file('Wunde-1.jpg', 'Wundheilung Tag 3'), 'fil-wunde-0001'),
      event(BEN, file('Wunde-2.jpg'), 'fil-wunde-0002'),
      event(BEN, file('Befund.pdf'), 'fil-befund-001'),
      event(BEN, group('fil-wunde-0001', 'fil-wunde-0002', 'fil-befund-001'), 'grp-wunde-0001'),
      event(BEN, file('Einzeln.pdf'), 'fil-single-001'),
    );
    const hit = async (text: string) => {
      const [found, ...more] = await store.search({ text });
      expect(more).toEqual([]);
      return { id: found!.id, part: found!.part, sortKey: found!.sortKey };
    };
    // The item is at the group's first file (seq 2); the hit says which file of it was found.
    expect(await hit('Befund')).toEqual({ id: 'fil-wunde-0001', part: 'fil-befund-001', sortKey: 2 });
    expect(await hit('Wunde 2')).toEqual({ id: 'fil-wunde-0001', part: 'fil-wunde-0002', sortKey: 2 });
    expect(await hit('Wunde 1')).toEqual({ id: 'fil-wunde-0001', part: undefined, sortKey: 2 });
    // A file on its own is its item.
    expect(await hit('Einzeln')).toEqual({ id: 'fil-single-001', part: undefined, sortKey: 6 });
  });

  it('before the group arrives, each file is an item of its own (as on a workstation that does not know groups)', () => {
    apply(
      event(BEN, file('Wunde-1.jpg', 'Wundheilung Tag 3'), 'fil-wunde-0001'),
      event(BEN, file('Wunde-2.jpg'), 'fil-wunde-0002'),
    );
    expect(shape(items())).toEqual(['Wunde-1.jpg', 'Wunde-2.jpg']);
    // The shares carry nothing new: an older workstation's schema takes them as they are.
    expect(fileShare.safeParse(file('Wunde-1.jpg', 'Wundheilung Tag 3')).success).toBe(true);
  });

  it('a group whose files have not all arrived shows those here and how many it named', () => {
    apply(
      event(BEN, file('Wunde-1.jpg', 'Wundheilung Tag 3'), 'fil-wunde-0001'),
      event(BEN, file('Wunde-2.jpg'), 'fil-wunde-0002'),
      event(BEN, group('fil-wunde-0001', 'fil-wunde-0002', 'fil-fehlt-0003'), 'grp-wunde-0001'),
    );
    expect(shape(items())).toEqual(['[Wunde-1.jpg, Wunde-2.jpg | of 3] Wundheilung Tag 3']);
  });

  it("a group takes only its sender's own files, and a file stays in its first group", () => {
    apply(
      event(ANNA, file('Anna.pdf'), 'fil-anna-00001'),
      event(BEN, file('Ben-1.pdf', 'Befunde'), 'fil-ben-000001'),
      event(BEN, file('Ben-2.pdf'), 'fil-ben-000002'),
      event(BEN, group('fil-ben-000001', 'fil-anna-00001', 'fil-ben-000002'), 'grp-ben-000001'),
      event(BEN, file('Ben-3.pdf'), 'fil-ben-000003'),
      event(BEN, group('fil-ben-000002', 'fil-ben-000003'), 'grp-ben-000002'),
    );
    expect(shape(items())).toEqual(['Anna.pdf', '[Ben-1.pdf, Ben-2.pdf | of 3] Befunde', 'Ben-3.pdf']);
  });

  it("a page that does not hold the group's first file does not show the group", () => {
    apply(
      event(BEN, file('a.pdf', 'Zwei Befunde'), 'fil-a-0000001'),
      event(BEN, file('b.pdf'), 'fil-b-0000001'),
      event(BEN, group('fil-a-0000001', 'fil-b-0000001'), 'grp-ab-000001'),
    );
    expect(shape(items(1, null))).toEqual([]);
    expect(shape(items(null, 1))).toEqual(['[a.pdf, b.pdf | of 2] Zwei Befunde']);
  });

  it('an own group is one item while being sent and after the relay ordered it; refused, its files stand alone', () => {
    const own = [
      event(BEN, file('a.pdf', 'Zwei Befunde'), 'fil-a-0000001', false),
      event(BEN, file('b.pdf'), 'fil-b-0000001', false),
      event(BEN, group('fil-a-0000001', 'fil-b-0000001'), 'grp-ab-000001', false),
    ];
    apply(...own);
    expect(shape(items())).toEqual(['[a.pdf, b.pdf | of 2] Zwei Befunde']);
    expect(items()[0]!.seq).toBeNull();
    // The relay's ack: logged again with its seq (sync-store.ts markSent); applying again changes nothing.
    const db = testDatabase(store);
    db.prepare('DELETE FROM events WHERE seq IS NULL').run();
    const results = apply(...own.map((e, i) => ({ ...e, seq: 10 + i })));
    expect(results.refused).toEqual([]);
    expect(shape(items())).toEqual(['[a.pdf, b.pdf | of 2] Zwei Befunde']);
    db.transaction(() => undoQueuedOwn(db, own[2]!, 'not_member'))();
    expect(shape(items())).toEqual(['a.pdf', 'b.pdf']);
  });

  it('the wire schema refuses a group of one file or one naming a file twice', () => {
    expect(fileGroup.safeParse(group('fil-a-0000001')).success).toBe(false);
    expect(fileGroup.safeParse(group('fil-a-0000001', 'fil-a-0000001')).success).toBe(false);
    expect(fileGroup.safeParse({ ...group('fil-a-0000001', 'fil-b-0000001'), extra: 1 }).success).toBe(false);
    expect(fileGroup.safeParse(group(...Array.from({ length: 21 }, (_, i) => `fil-${i}-0000001`))).success).toBe(false);
  });
});
