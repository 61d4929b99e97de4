// The channel timeline: shared things merged into the message rows by the relay's order.
import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import { toRows } from '../../../apps/desktop/renderer/src/lib/message-window.ts';
import { itemRange, mergeTimeline } from '../../../apps/desktop/renderer/src/lib/timeline-merge.ts';
import { message, range } from './message-fixtures.ts';

const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

const file = (sortKey: number, over: Partial<TimelineItem> = {}): TimelineItem =>
  ({
    kind: 'file',
    eventId: `fil${String(sortKey).padStart(8, '0')}`,
    sortKey,
    seq: sortKey,
    sender: { userId: 'usr00000002', displayName: 'Bernd' },
    own: false,
    createdAt: Date.UTC(2026, 11, 1, 8) + sortKey * 60_000,
    delivery: 'sent',
    file: {
      fileId: 'f',
      name: 'Entlassbrief.pdf',
      mimeType: 'application/pdf',
      size: 1,
      hasThumbnail: false,
      caption: '',
    },
    ...over,
  }) as TimelineItem;

const shape = (rows: ReturnType<typeof mergeTimeline>) =>
  rows.map((r) => (r.kind === 'item' ? `i${r.item.sortKey}` : r.kind === 'message' ? `m${r.message.sortKey}` : r.kind));

describe('timeline merge', () => {
  it('puts each item between the messages around its seq, oldest first', () => {
    const rows = toRows([message(1), message(3), message(6)], dayOf);
    const merged = mergeTimeline(rows, [file(5), file(2), file(7)], dayOf);
    expect(shape(merged)).toEqual(['day', 'm1', 'i2', 'm3', 'i5', 'm6', 'i7']);
  });

  it('without items the message rows stay as they are', () => {
    const rows = toRows(range(1, 3), dayOf);
    expect(mergeTimeline(rows, [], dayOf)).toEqual(rows);
  });

  it('a message after an item names its sender again (not continued)', () => {
    const rows = toRows([message(1), message(3)], dayOf);
    expect(rows.at(-1)).toMatchObject({ kind: 'message', continued: true });
    const merged = mergeTimeline(rows, [file(2)], dayOf);
    expect(merged.at(-1)).toMatchObject({ kind: 'message', continued: false });
  });

  it('an item on a day without messages gets its own day separator', () => {
    const nextDay = Date.UTC(2026, 11, 2, 9);
    const rows = toRows([message(1), message(9, { createdAt: Date.UTC(2026, 11, 3, 9) })], dayOf);
    const merged = mergeTimeline(rows, [file(5, { createdAt: nextDay })], dayOf);
    expect(shape(merged)).toEqual(['day', 'm1', 'day', 'i5', 'day', 'm9']);
    expect(merged.filter((r) => r.kind === 'day').map((r) => r.key)).toEqual([
      'day-2026-12-01',
      'day-2026-12-02',
      'day-2026-12-03',
    ]);
  });

  it('day keys stay unique when senders clocks make a day come back', () => {
    const rows = toRows([message(1), message(3)], dayOf);
    const merged = mergeTimeline(rows, [file(2, { createdAt: Date.UTC(2026, 10, 30, 23) })], dayOf);
    const keys = merged.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the history notice stays right before its message, after the items older than it', () => {
    const rows = toRows([message(4), message(6)], dayOf, { historyStart: 4, hasOlder: false });
    expect(shape(rows)).toEqual(['history-start', 'day', 'm4', 'm6']);
    expect(shape(mergeTimeline(rows, [file(3), file(5)], dayOf))).toEqual([
      'day',
      'i3',
      'history-start',
      'm4',
      'i5',
      'm6',
    ]);
  });

  it('items of a channel without messages still show', () => {
    expect(shape(mergeTimeline([], [file(2), file(1)], dayOf))).toEqual(['day', 'i1', 'i2']);
  });

  it('an item still being sent sorts at the bottom with own messages being sent', () => {
    const pending = 2 ** 50;
    const rows = toRows([message(1), message(pending + 1, { seq: null, createdAt: Date.UTC(2026, 11, 1, 9) })], dayOf);
    const merged = mergeTimeline(
      rows,
      [file(pending + 5, { seq: null, delivery: 'sending', createdAt: Date.UTC(2026, 11, 1, 9) })],
      dayOf,
    );
    expect(shape(merged)).toEqual(['day', 'm1', `m${pending + 1}`, `i${pending + 5}`]);
  });
});

describe('items left out of a range (more than one read gives)', () => {
  it('the line that loads them stands right before the oldest item read, after the older messages', () => {
    const rows = toRows([message(1), message(3), message(9)], dayOf);
    expect(shape(mergeTimeline(rows, [file(6), file(7)], dayOf, true))).toEqual([
      'day',
      'm1',
      'm3',
      'older-items',
      'i6',
      'i7',
      'm9',
    ]);
  });

  it('at the top of a channel without messages; not there when nothing was left out', () => {
    expect(shape(mergeTimeline([], [file(2), file(1)], dayOf, true))).toEqual(['older-items', 'day', 'i1', 'i2']);
    expect(shape(mergeTimeline([], [file(2), file(1)], dayOf, false))).toEqual(['day', 'i1', 'i2']);
  });
});

describe('the items range of a message window', () => {
  it('open at both ends when the window holds the whole channel', () => {
    expect(itemRange({ messages: range(1, 3), hasOlder: false, hasNewer: false })).toEqual({
      afterSortKey: null,
      upToSortKey: null,
    });
  });

  it('from the oldest message when older pages exist, to the newest when newer ones do', () => {
    expect(itemRange({ messages: range(10, 20), hasOlder: true, hasNewer: true })).toEqual({
      afterSortKey: 10,
      upToSortKey: 20,
    });
  });

  it('an empty window asks for the whole channel', () => {
    expect(itemRange({ messages: [], hasOlder: false, hasNewer: false })).toEqual({
      afterSortKey: null,
      upToSortKey: null,
    });
  });
});
