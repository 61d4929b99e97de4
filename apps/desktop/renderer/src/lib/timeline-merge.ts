// The channel timeline: messages and the shared things of the same channel log (files, polls,
// calendar entries, channel changes) in one list, ordered by the relay's seq (the sort key). The
// message window decides which slice of the channel is shown; the items of that slice are read
// for its sort-key range (timeline.items) and merged here. Pure functions; the reactive part is
// channel-timeline.svelte.ts.
import type { MethodInput, TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { Row, WindowState } from './message-window.ts';

export type TimelineRow =
  | Row
  | { kind: 'item'; key: string; item: TimelineItem }
  /** Where items of the range were left out (more than one read gives): "Ältere Einträge laden". */
  | { kind: 'older-items'; key: string };

/**
 * The sort-key range whose items belong to the window: from its oldest message (items older than
 * it come with the older page) to its newest; open at an end where nothing more exists, so the
 * items before the first message and those after the last (and still being sent) show too.
 */
export function itemRange(
  view: Pick<WindowState, 'messages' | 'hasOlder' | 'hasNewer'>,
): Pick<MethodInput<'timeline.items'>, 'afterSortKey' | 'upToSortKey'> {
  const first = view.messages[0];
  const last = view.messages.at(-1);
  return {
    afterSortKey: view.hasOlder && first ? first.sortKey : null,
    upToSortKey: view.hasNewer && last ? last.sortKey : null,
  };
}

/**
 * The message rows (toRows) with the items merged in by sort key: an item goes before the first
 * message above it (and before that message's history notice), day separators are set again for
 * the merged list, and a message after an item is not `continued` (its sender is named again).
 * With `truncated` (the range held older items than those read), the line that loads them goes
 * right before the oldest item: the items left out lie between it and the window's start.
 */
export function mergeTimeline(
  rows: readonly Row[],
  items: readonly TimelineItem[],
  dayOf: (timestamp: number) => string,
  truncated = false,
): TimelineRow[] {
  if (items.length === 0) return [...rows];
  const sorted = [...items].sort((a, b) => a.sortKey - b.sortKey);
  const merged: Array<Exclude<TimelineRow, { kind: 'day' }>> = [];
  let next = 0;
  let held: Array<Extract<Row, { kind: 'history-start' }>> = [];
  const pushItem = () => {
    if (next === 0 && truncated) merged.push({ kind: 'older-items', key: 'older-items' });
    const item = sorted[next++]!;
    merged.push({ kind: 'item', key: `item-${item.eventId}`, item });
  };
  for (const row of rows) {
    if (row.kind === 'day') continue;
    if (row.kind === 'history-start') {
      held.push(row);
      continue;
    }
    while (next < sorted.length && sorted[next]!.sortKey < row.message.sortKey) pushItem();
    merged.push(...held);
    held = [];
    const afterItem = merged.at(-1)?.kind === 'item';
    merged.push(afterItem && row.continued ? { ...row, continued: false } : row);
  }
  merged.push(...held);
  while (next < sorted.length) pushItem();
  const out: TimelineRow[] = [];
  const keys = new Set<string>();
  let previousDay = '';
  for (const row of merged) {
    const at = row.kind === 'item' ? row.item.createdAt : row.kind === 'message' ? row.message.createdAt : null;
    if (at !== null) {
      const day = dayOf(at);
      if (day !== previousDay) {
        // Senders' clocks differ: a day can come back after the relay's order moved on (keys stay unique).
        let key = `day-${day}`;
        for (let n = 2; keys.has(key); n++) key = `day-${day}-${n}`;
        keys.add(key);
        out.push({ kind: 'day', key, day, timestamp: at });
      }
      previousDay = day;
    }
    out.push(row);
  }
  return out;
}
