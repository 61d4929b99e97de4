// An overview of a channel's shared things (Umfragen, Dateien, Kalender; an appointment in the
// timeline) kept live from the messages.changed events: an event that concerns them (`collab`)
// patches the list shown with the polls, files and calendar entries it carries
// (overview-patch.ts), without asking the core. The list is read again only when the event says
// "reload" (the core could not name what changed, or a roster change altered who may do what), when
// an event was missed (its version skips one), or when the patch cannot say (a recurring series
// whose times changed: only the core expands rules; also when such a change arrives while a read
// is on its way); reads are coalesced per frame, and an answer never undoes a newer patch
// (list-reads.ts).
import type { SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import { listen } from './api.ts';
import { ListReads } from './list-reads.ts';

export interface OverviewSource<T> {
  channelId: string;
  /** Reads the whole list; null: the read failed (it shows why itself), keep what is shown. */
  read(): Promise<T | null>;
  /** The list with the event's changes; null: they cannot be applied here, read again. Pure. */
  patch(list: T, shared: Extract<SharedPatch, { kind: 'patch' }>): T | null;
  /** Shows a list (read or patched). */
  show(list: T): void;
  /** The list shown now; undefined before the first read came back. */
  shown(): T | undefined;
}

export interface LiveOverview {
  /** Reads the list again (a filter changed, an own action the overview shows at once). */
  reload(): Promise<void>;
  stop(): void;
}

export function liveOverview<T>(source: OverviewSource<T>): LiveOverview {
  const reads = new ListReads<T>();
  let frame = 0;
  let version: number | null = null;
  let stopped = false;
  const reload = async () => {
    const list = await reads.read(() => source.read());
    // Stopped (another filter or range, the tab closed): the overview after it shows its own answer.
    if (list !== null && !stopped) source.show(list);
  };
  const reloadSoon = () => {
    if (stopped) return;
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      // Not awaited: a failed read shows its own error (calls return Results, never reject).
      void reload();
    });
  };
  const stop = listen('messages.changed', (change) => {
    if (change.channelId !== source.channelId) return;
    const missed = version !== null && change.version > version + 1;
    version = change.version;
    if (!change.collab && !missed) return;
    const { shared } = change;
    if (missed || shared.kind === 'reload' || shared.reloadOverviews) return reloadSoon();
    const apply = (list: T) => source.patch(list, shared);
    reads.patched((list) => {
      const next = apply(list);
      // The answer on its way was read before this change, which it cannot take: read once more.
      if (next === null) reloadSoon();
      return next ?? list;
    });
    const shown = source.shown();
    if (shown === undefined) return;
    const next = apply(shown);
    if (next === null) reloadSoon();
    else source.show(next);
  });
  // The first read; not awaited for the same reason.
  void reload();
  return {
    reload,
    stop: () => {
      stopped = true;
      stop();
      cancelAnimationFrame(frame);
    },
  };
}
