// The slice of a channel kept in memory and in the DOM: at most MAX_WINDOW messages, paged by
// sort key. Loading older messages drops the newest beyond the cap (and the other way round), so
// a channel of 100k messages never costs more than a few pages. Pure functions; the reactive
// wrapper lives in channel-messages.svelte.ts.
import type { MessagePage, MessageView } from '@klinikfunk/protocol/api/contract.ts';

export const MAX_WINDOW = 200;
export const PAGE_SIZE = 50;
/**
 * A page loaded while scrolling (older above, newer below after a jump): half a first page, as
 * its rows are built in one task while the reader scrolls; 50 at once (with their files and polls)
 * made that task longer than a frame budget of 50 ms allows (the ui bench, issue 17).
 */
export const SCROLL_PAGE_SIZE = 25;

export interface WindowState {
  messages: MessageView[];
  hasOlder: boolean;
  hasNewer: boolean;
  total: number;
  /** Where the relay declared the channel's history to start (retention); null: nothing skipped. */
  historyStart: number | null;
  /**
   * The channel's change version the window holds (messages.changed events above it patch it);
   * -1 before a first page: an empty window that was never read is not an empty channel, so any
   * event reloads it.
   */
  version: number;
}

export const emptyWindow = (): WindowState => ({
  messages: [],
  hasOlder: false,
  hasNewer: false,
  total: 0,
  historyStart: null,
  version: -1,
});

export function fromPage(page: MessagePage): WindowState {
  return {
    messages: page.messages,
    hasOlder: page.hasOlder,
    hasNewer: page.hasNewer,
    total: page.total,
    historyStart: page.historyStart,
    version: page.version,
  };
}

function withoutDuplicates(existing: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
  const ids = new Set(existing.map((m) => m.messageId));
  return incoming.filter((m) => !ids.has(m.messageId));
}

/** Prepends an older page; trims the newest messages beyond the cap. */
export function mergeOlder(current: WindowState, page: MessagePage, cap = MAX_WINDOW): WindowState {
  const messages = [...withoutDuplicates(current.messages, page.messages), ...current.messages];
  const trimmed = messages.length > cap;
  return {
    messages: trimmed ? messages.slice(0, cap) : messages,
    hasOlder: page.hasOlder,
    hasNewer: current.hasNewer || trimmed,
    total: page.total,
    historyStart: page.historyStart,
    // The window's other messages are as of its own version; the events above it follow.
    version: current.version,
  };
}

/** Appends a newer page; trims the oldest messages beyond the cap. */
export function mergeNewer(current: WindowState, page: MessagePage, cap = MAX_WINDOW): WindowState {
  const messages = [...current.messages, ...withoutDuplicates(current.messages, page.messages)];
  const trimmed = messages.length > cap;
  return {
    messages: trimmed ? messages.slice(messages.length - cap) : messages,
    hasOlder: current.hasOlder || trimmed,
    hasNewer: page.hasNewer,
    total: page.total,
    historyStart: page.historyStart,
    version: current.version,
  };
}

/** Replaces shown messages by fresher versions of themselves (edits, deletions, acks, delivery). */
export function refreshInPlace(current: WindowState, fresh: readonly MessageView[]): WindowState {
  const byId = new Map(fresh.map((m) => [m.messageId, m]));
  let changed = false;
  const messages = current.messages.map((m) => {
    const next = byId.get(m.messageId);
    if (next && next !== m) changed = true;
    return next ?? m;
  });
  return changed ? { ...current, messages } : current;
}

/** How many messages to ask for when reloading the live end: the window plus room for news. */
export function liveReloadLimit(current: WindowState): number {
  return Math.min(MAX_WINDOW, current.messages.length + PAGE_SIZE);
}

/**
 * A fresh page of the newest messages replaces the live end, but the window keeps its first
 * message: a reload must not grow the window with older messages nobody scrolled to. When more
 * messages arrived than the page holds, the page replaces the window (no gap is ever shown).
 */
export function mergeLive(current: WindowState, page: MessagePage, cap = MAX_WINDOW): WindowState {
  const first = current.messages[0];
  let messages = page.messages;
  let droppedOlder = false;
  const oldest = messages[0];
  // The boundary is found by id: a message still being sent has a provisional sort key that
  // changes once the relay orders it, so comparing keys could drop the whole window.
  const at = first ? messages.findIndex((m) => m.messageId === first.messageId) : -1;
  if (at > 0) {
    droppedOlder = true;
    messages = messages.slice(at);
  } else if (at === -1 && first && first.seq !== null && oldest && oldest.sortKey <= first.sortKey) {
    const kept = messages.filter((m) => m.sortKey >= first.sortKey);
    droppedOlder = kept.length < messages.length;
    messages = kept.length > 0 ? kept : messages;
  }
  if (messages.length > cap) {
    messages = messages.slice(messages.length - cap);
    droppedOlder = true;
  }
  return {
    messages,
    hasOlder: page.hasOlder || droppedOlder,
    hasNewer: page.hasNewer,
    total: page.total,
    historyStart: page.historyStart,
    version: page.version,
  };
}

export type Row =
  | { kind: 'day'; key: string; day: string; timestamp: number }
  | { kind: 'message'; key: string; message: MessageView; continued: boolean }
  /** "Older messages were deleted after the retention period": where the declared history starts. */
  | { kind: 'history-start'; key: string };

const GROUP_GAP_MS = 5 * 60_000;

/**
 * Rows to render: a day separator before the first message of each local day, and `continued`
 * for a message that follows the same sender within five minutes (its name is shown only to
 * screen readers).
 */
export function toRows(
  messages: readonly MessageView[],
  dayOf: (timestamp: number) => string,
  history: { historyStart: number | null; hasOlder: boolean } = { historyStart: null, hasOlder: true },
): Row[] {
  const rows: Row[] = [];
  let previous: MessageView | null = null;
  let previousDay = '';
  const start = history.historyStart;
  // The notice goes before the first message at or after the start whose predecessor (shown, or
  // none at all when nothing older exists) is before it; or alone when nothing is left.
  let noticeShown = start === null;
  if (!noticeShown && messages.length === 0 && !history.hasOlder) {
    rows.push({ kind: 'history-start', key: 'history-start' });
    noticeShown = true;
  }
  for (const message of messages) {
    if (!noticeShown && message.seq !== null && message.seq >= start!) {
      const before = previous === null ? !history.hasOlder : previous.seq !== null && previous.seq < start!;
      if (before) rows.push({ kind: 'history-start', key: 'history-start' });
      noticeShown = true;
    }
    const day = dayOf(message.createdAt);
    if (day !== previousDay) rows.push({ kind: 'day', key: `day-${day}`, day, timestamp: message.createdAt });
    const continued =
      previous !== null &&
      day === previousDay &&
      previous.senderUserId === message.senderUserId &&
      !previous.deleted &&
      !message.urgent &&
      message.createdAt - previous.createdAt < GROUP_GAP_MS;
    rows.push({ kind: 'message', key: message.messageId, message, continued });
    previous = message;
    previousDay = day;
  }
  return rows;
}
