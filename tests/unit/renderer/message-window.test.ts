// The message window keeps at most MAX_WINDOW messages however far the user scrolls.
import { describe, expect, it } from 'vitest';
import type { MessagePage, MessageView } from '@klinikfunk/protocol/api/contract.ts';
import {
  fromPage,
  mergeLive,
  mergeNewer,
  mergeOlder,
  refreshInPlace,
  toRows,
} from '../../../apps/desktop/renderer/src/lib/message-window.ts';
import { message, range } from './message-fixtures.ts';

const HOUR = 3_600_000;
const page = (
  messages: MessageView[],
  hasOlder: boolean,
  hasNewer: boolean,
  total = 1000,
  historyStart: number | null = null,
): MessagePage => ({
  messages,
  hasOlder,
  hasNewer,
  total,
  historyStart,
  version: 0,
});

describe('renderer message window', () => {
  it('prepends older pages and drops the newest beyond the cap', () => {
    let view = fromPage(page(range(951, 1000), true, false));
    for (let start = 901; start >= 701; start -= 50)
      view = mergeOlder(view, page(range(start, start + 49), true, true));
    expect(view.messages).toHaveLength(200);
    expect(view.messages[0]!.sortKey).toBe(701);
    expect(view.messages.at(-1)!.sortKey).toBe(900);
    expect(view.hasNewer).toBe(true);
  });

  it('appends newer pages after a jump and drops the oldest beyond the cap', () => {
    let view = fromPage(page(range(101, 150), true, true));
    for (let start = 151; start <= 351; start += 50)
      view = mergeNewer(view, page(range(start, start + 49), true, start < 351));
    expect(view.messages).toHaveLength(200);
    expect(view.messages[0]!.sortKey).toBe(201);
    expect(view.hasOlder).toBe(true);
    expect(view.hasNewer).toBe(false);
  });

  it('never shows a message twice', () => {
    const view = mergeOlder(fromPage(page(range(51, 100), true, false)), page(range(40, 60), true, true));
    expect(new Set(view.messages.map((m) => m.messageId)).size).toBe(view.messages.length);
  });

  it('a live reload adds new messages without growing the window backwards', () => {
    const view = fromPage(page(range(951, 1000), true, false));
    const reloaded = mergeLive(view, page(range(903, 1002), true, false));
    expect(reloaded.messages[0]!.sortKey).toBe(951);
    expect(reloaded.messages.at(-1)!.sortKey).toBe(1002);
    expect(reloaded.hasOlder).toBe(true);
  });

  it('a live reload after a burst replaces the window rather than leaving a gap', () => {
    const view = fromPage(page(range(951, 1000), true, false));
    const reloaded = mergeLive(view, page(range(1101, 1200), true, false));
    expect(reloaded.messages.map((m) => m.sortKey)).toEqual(range(1101, 1200).map((m) => m.sortKey));
  });

  it('a reload after the first message of a new channel was sent keeps it (its sort key changed)', () => {
    // While sending, the message has a provisional key far above any seq; once sent, its seq.
    const pending = message(1, { seq: null, sortKey: 9e15, delivery: 'sending', own: true });
    const view = fromPage(page([pending], false, false, 1));
    const reloaded = mergeLive(view, page([message(1, { own: true, messageId: pending.messageId })], false, false, 1));
    expect(reloaded.messages.map((m) => m.messageId)).toEqual([pending.messageId]);
    expect(reloaded.hasOlder).toBe(false);
  });

  it('refreshes edited and deleted messages in place', () => {
    const view = fromPage(page(range(1, 3), false, true));
    const next = refreshInPlace(view, [message(2, { deleted: true, body: '' })]);
    expect(next.messages[1]!.deleted).toBe(true);
    expect(next.messages.map((m) => m.sortKey)).toEqual([1, 2, 3]);
  });

  it('puts a day separator before each day and groups a sender within five minutes', () => {
    const first = message(1);
    const second = message(2);
    const nextDay = message(3, { createdAt: first.createdAt + 30 * HOUR });
    const rows = toRows([first, second, nextDay], (t) => new Date(t).toISOString().slice(0, 10));
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'message', 'day', 'message']);
    expect(rows.filter((r) => r.kind === 'message').map((r) => r.kind === 'message' && r.continued)).toEqual([
      false,
      true,
      false,
    ]);
  });

  describe('where the relay declared the history to start (retention)', () => {
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    const kinds = (rows: ReturnType<typeof toRows>) => rows.map((r) => (r.kind === 'message' ? r.message.seq : r.kind));

    it('at the top when nothing older exists', () => {
      const view = fromPage(page(range(8, 10), false, false, 3, 8));
      expect(kinds(toRows(view.messages, day, view))).toEqual(['history-start', 'day', 8, 9, 10]);
    });

    it('between the messages kept from before and the first after the deleted ones', () => {
      const rows = toRows([message(1), message(2), message(8), message(9)], day, { historyStart: 8, hasOlder: false });
      expect(kinds(rows)).toEqual(['day', 1, 2, 'history-start', 8, 9]);
    });

    it('not at the top of a window that has older messages above it, nor without a declared start', () => {
      expect(kinds(toRows(range(20, 22), day, { historyStart: 8, hasOlder: true }))).toEqual(['day', 20, 21, 22]);
      expect(kinds(toRows(range(8, 9), day, { historyStart: null, hasOlder: false }))).toEqual(['day', 8, 9]);
    });

    it('alone when every message was deleted', () => {
      expect(kinds(toRows([], day, { historyStart: 5, hasOlder: false }))).toEqual(['history-start']);
    });

    it('is carried through paging', () => {
      const view = mergeOlder(fromPage(page(range(10, 12), true, false, 5, 8)), page(range(8, 9), false, true, 5, 8));
      expect(view.historyStart).toBe(8);
      expect(kinds(toRows(view.messages, day, view))[0]).toBe('history-start');
    });
  });
});
