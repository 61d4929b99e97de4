// A messages.changed event patches the message window by id, in sort-key order, within the
// window's bounds; a missed event or an explicit "reload" asks for one reload, never a guess.
import { describe, expect, it } from 'vitest';
import { EMPTY_SHARED_PATCH, type MessagesChanged } from '@klinikfunk/protocol/api/change-events.ts';
import type { MessageView } from '@klinikfunk/protocol/api/contract.ts';
import { applyChange } from '../../../apps/desktop/renderer/src/lib/message-patch.ts';
import { emptyWindow, type WindowState } from '../../../apps/desktop/renderer/src/lib/message-window.ts';
import { message, range } from './message-fixtures.ts';

const windowOf = (messages: MessageView[], over: Partial<WindowState> = {}): WindowState => ({
  ...emptyWindow(),
  messages,
  total: 1000,
  version: 4,
  ...over,
});
const patch = (
  version: number,
  upserted: MessageView[],
  over: Partial<Extract<MessagesChanged['messages'], { kind: 'patch' }>> = {},
): MessagesChanged => ({
  channelId: 'chn00000001',
  version,
  messages: { kind: 'patch', upserted, removed: [], total: 1001, historyStart: null, ...over },
  collab: false,
  shared: EMPTY_SHARED_PATCH,
});
const keys = (view: WindowState | 'reload' | null) =>
  view && view !== 'reload' ? view.messages.map((m) => m.sortKey) : view;

describe('renderer message patch', () => {
  it('appends a new message at the live end and takes the count and version of the event', () => {
    const next = applyChange(windowOf(range(1, 5)), patch(5, [message(6)]));
    expect(keys(next)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(next).toMatchObject({ total: 1001, version: 5 });
  });

  it('replaces a changed message in place and keeps the sort order when its key changes', () => {
    // An own message still being sent has a provisional key above all; the relay orders it lower.
    const pending = message(1_000_000, { messageId: 'ownmsg0001', seq: null, own: true, delivery: 'sending' });
    const view = windowOf([...range(1, 3), pending]);
    const sent = { ...pending, seq: 4, sortKey: 4, delivery: 'sent' as const };
    const next = applyChange(view, patch(5, [message(5), sent]));
    expect(next !== 'reload' && next?.messages.map((m) => m.messageId)).toEqual([
      'msg00000001',
      'msg00000002',
      'msg00000003',
      'ownmsg0001',
      'msg00000005',
    ]);
    expect(next !== 'reload' && next?.messages[3]).toMatchObject({ delivery: 'sent', sortKey: 4 });
  });

  it('does not insert a message outside the window (a jumped-to page, or older than loaded)', () => {
    const jumped = windowOf(range(100, 150), { hasOlder: true, hasNewer: true });
    expect(keys(applyChange(jumped, patch(5, [message(900), message(50)])))).toEqual(keys(jumped));
    const edited = applyChange(jumped, patch(5, [message(120, { body: 'geändert', editedAt: 1 })]));
    expect(edited !== 'reload' && edited?.messages.find((m) => m.sortKey === 120)?.body).toBe('geändert');
    // The window still knows newer messages exist; the count follows the event.
    expect(edited).toMatchObject({ hasNewer: true, total: 1001 });
  });

  it('removes messages by id', () => {
    const next = applyChange(windowOf(range(1, 5)), patch(5, [], { removed: ['msg00000003'] }));
    expect(keys(next)).toEqual([1, 2, 4, 5]);
  });

  it('keeps at most the cap at the live end by dropping the oldest', () => {
    const next = applyChange(windowOf(range(1, 200)), patch(5, [message(201), message(202)]));
    expect(next !== 'reload' && next?.messages).toHaveLength(200);
    expect(keys(next)?.slice(0, 1)).toEqual([3]);
    expect(next).toMatchObject({ hasOlder: true });
  });

  it('ignores an event the window already holds and reloads after a missed one', () => {
    const view = windowOf(range(1, 5));
    expect(applyChange(view, patch(4, [message(6)]))).toBeNull();
    expect(applyChange(view, patch(3, [message(6)]))).toBeNull();
    expect(applyChange(view, patch(6, [message(6)]))).toBe('reload');
  });

  it('reloads when the event says so', () => {
    const reload: MessagesChanged = {
      channelId: 'chn00000001',
      version: 5,
      messages: { kind: 'reload' },
      collab: true,
      shared: { kind: 'reload' },
    };
    expect(applyChange(windowOf(range(1, 5)), reload)).toBe('reload');
  });

  it('reloads a window that never held a page (its first page failed) instead of showing one message as the whole channel', () => {
    // The core's versions start at 0, so a channel's first change since start is version 1.
    expect(applyChange(emptyWindow(), patch(1, [message(900)]))).toBe('reload');
  });

  it('fills an empty live window', () => {
    expect(keys(applyChange(windowOf([], { total: 0 }), patch(5, [message(1)])))).toEqual([1]);
  });
});
