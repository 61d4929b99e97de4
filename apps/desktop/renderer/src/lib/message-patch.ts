// A messages.changed event applied to the message window (message-window.ts): changed messages
// replaced by id, new ones inserted in sort-key order (the order of messages.page) when they fall
// inside the window, removed ones dropped, the cap kept. An event the window holds already is
// ignored; a missed one, or one that says "reload", asks for a reload: never a guessed state.
import type { MessagesChanged } from '@klinikfunk/protocol/api/change-events.ts';
import type { MessageView } from '@klinikfunk/protocol/api/contract.ts';
import { MAX_WINDOW, type WindowState } from './message-window.ts';

/** The patched window; null: nothing to do; 'reload': read the window again. */
export function applyChange(
  current: WindowState,
  change: MessagesChanged,
  cap = MAX_WINDOW,
): WindowState | null | 'reload' {
  if (change.version <= current.version) return null;
  if (change.version !== current.version + 1 || change.messages.kind === 'reload') return 'reload';
  const patch = change.messages;
  const first = current.messages[0];
  const last = current.messages.at(-1);
  // A message outside what is loaded (older than the first while older ones exist, newer than
  // the last while newer ones exist) is not shown; scrolling there loads it.
  const inside = (m: MessageView) =>
    (!current.hasOlder || (first !== undefined && m.sortKey >= first.sortKey)) &&
    (!current.hasNewer || (last !== undefined && m.sortKey <= last.sortKey));
  const byId = new Map(patch.upserted.map((m) => [m.messageId, m]));
  const removed = new Set(patch.removed);
  let messages = current.messages
    .filter((m) => !removed.has(m.messageId))
    .map((m) => {
      const next = byId.get(m.messageId);
      byId.delete(m.messageId);
      return next ?? m;
    });
  const added = [...byId.values()].filter(inside);
  messages = [...messages, ...added];
  // Stable: equal keys keep their order, as the list query returns them.
  messages.sort((a, b) => a.sortKey - b.sortKey);
  let hasOlder = current.hasOlder;
  let hasNewer = current.hasNewer;
  if (messages.length > cap) {
    // At the live end the oldest go (they are loaded again by scrolling up); elsewhere the newest.
    if (!current.hasNewer) {
      messages = messages.slice(messages.length - cap);
      hasOlder = true;
    } else {
      messages = messages.slice(0, cap);
      hasNewer = true;
    }
  }
  return {
    messages,
    hasOlder,
    hasNewer,
    total: patch.total,
    historyStart: patch.historyStart,
    version: change.version,
  };
}
