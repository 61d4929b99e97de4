// The shared things of the open channel's message window as reactive state: the items of the
// window's sort-key range (timeline-merge.ts) and the live views the items show (the results of
// their polls, no others). Read when the window's range changes, unless the window came with them
// (a messages page asked withShared: opening the channel, a jump); a messages.changed event
// patches them with the items and poll views it carries (shared-patch.ts), and only one that says
// "reload" (or one arriving while a read is under way) reads them again, coalesced per frame. A
// range holds at most MAX_TIMELINE_ITEMS per read (the newest); the older ones are read when the
// reader asks for them (loadOlder: "Ältere Einträge laden", or scrolling up to that line), and
// later reloads read down to them again.
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { PageShared } from '@klinikfunk/protocol/api/features/messages.ts';
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import { call, listen } from './api.ts';

/** Pages one reload reads at most (after loadOlder): 10 × 200 items. */
const MAX_PAGES = 10;
import type { WindowState } from './message-window.ts';
import { PollViewReads } from './poll-view-reads.ts';
import { applySharedPatch } from './shared-patch.ts';
import { itemRange } from './timeline-merge.ts';

export class ChannelTimeline {
  readonly channelId: string;
  items = $state.raw<TimelineItem[]>([]);
  polls = $state.raw<readonly PollView[]>([]);
  /** The range holds older items than those read: the list offers to load them. */
  truncated = $state(false);
  loadingOlder = $state(false);
  /** The sort key the reader asked items down to (loadOlder); null: the newest page only. */
  #floor: number | null = null;
  #range = itemRange({ messages: [], hasOlder: false, hasNewer: false });
  #rangeKey = '';
  #loading = 0;
  /** Reads under way: a patch cannot tell whether their answer is older or newer than it. */
  #reading = 0;
  #frame = 0;
  #current: Promise<void> = Promise.resolve();
  /** Only the last poll views asked for the items are shown (poll-view-reads.ts). */
  readonly #pollReads = new PollViewReads();
  #stop: () => void;

  constructor(channelId: string) {
    this.channelId = channelId;
    this.#stop = listen('messages.changed', (change) => {
      if (change.channelId !== channelId || this.#frame) return;
      const { shared } = change;
      if (shared.kind === 'patch' && this.#reading === 0) {
        const next = applySharedPatch(this, this.#range, shared);
        this.items = next.items as TimelineItem[];
        this.polls = next.polls;
      } else if (shared.kind === 'reload' || shared.items.length + shared.removedItems.length + shared.polls.length > 0)
        this.#frame = requestAnimationFrame(() => {
          this.#frame = 0;
          void this.reload();
        });
    });
  }

  /**
   * The message window moved (paged, jumped, a message arrived): read its range's items, or take
   * those its page came with (`shared`, read by the core for the same range).
   */
  follow(view: Pick<WindowState, 'messages' | 'hasOlder' | 'hasNewer' | 'version'>, shared?: PageShared | null): void {
    if (view.version === -1) return;
    const range = itemRange(view);
    const key = `${range.afterSortKey}:${range.upToSortKey}`;
    if (key === this.#rangeKey) return;
    this.#range = range;
    this.#rangeKey = key;
    if (shared && this.#covers(shared)) this.#take(shared);
    else void this.reload();
  }

  /** Whether one read is all a reload would read: nothing older was asked for beyond it. */
  #covers(shared: PageShared): boolean {
    const oldest = shared.items[0];
    return !shared.truncated || this.#floor === null || (oldest !== undefined && oldest.sortKey <= this.#floor);
  }

  /**
   * The items and poll views as a read gives them. The page was read before any change event that
   * comes after its answer (the core answers and emits in one order), so nothing is lost; a read
   * still under way is older and dropped.
   */
  #take(shared: PageShared): void {
    this.#loading++;
    this.items = shared.items;
    this.truncated = shared.truncated;
    this.polls = shared.polls;
    this.#pollReads.taken();
    this.#current = Promise.resolve();
  }

  /** Settles when the items of the range last followed are read (a jump to an item waits for it). */
  loaded(): Promise<void> {
    return this.#current;
  }

  /** Reads the items again; an older answer that comes back after a newer call is dropped. */
  reload(): Promise<void> {
    this.#current = this.#read();
    return this.#current;
  }

  async #read(): Promise<void> {
    const mine = ++this.#loading;
    this.#reading++;
    try {
      const read = await this.#pages(this.#range.upToSortKey);
      if (mine !== this.#loading || !read) return;
      this.items = read.items;
      this.truncated = read.truncated;
      await this.reloadPolls();
    } finally {
      this.#reading--;
    }
  }

  /** The range's items up to `upTo`, newest page first, then older pages down to the floor. */
  async #pages(upTo: number | null): Promise<{ items: TimelineItem[]; truncated: boolean } | null> {
    let items: TimelineItem[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await call('timeline.items', { channelId: this.channelId, ...this.#range, upToSortKey: upTo });
      if (!result.ok) return null;
      items = [...result.value.items, ...items];
      const oldest = items[0];
      if (!result.value.truncated || !oldest) return { items, truncated: false };
      if (this.#floor === null || oldest.sortKey <= this.#floor) return { items, truncated: true };
      // Items' sort keys are whole numbers (the relay's seq; above 2^50 while being sent); a member
      // line half a seq before the oldest item comes with its page, so the next page ends below both.
      upTo = Math.ceil(oldest.sortKey) - 1;
    }
    return { items, truncated: true };
  }

  /** Reads the page of items before the oldest one shown (the range held more than one read gives). */
  async loadOlder(): Promise<void> {
    const oldest = this.items[0];
    if (!this.truncated || this.loadingOlder || !oldest) return;
    this.loadingOlder = true;
    const below = Math.ceil(oldest.sortKey) - 1;
    this.#floor = below;
    const mine = this.#loading;
    try {
      const result = await call('timeline.items', {
        channelId: this.channelId,
        ...this.#range,
        upToSortKey: below,
      });
      // A reload that started meanwhile reads down to the floor itself.
      if (mine !== this.#loading || !result.ok) return;
      this.items = [...result.value.items, ...this.items];
      this.truncated = result.value.truncated;
      this.#floor = this.items[0]?.sortKey ?? this.#floor;
      if (result.value.items.some((i) => i.kind === 'poll')) await this.reloadPolls();
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Reads the views of the polls among the items (no call when there are none). */
  async reloadPolls(): Promise<void> {
    const ids = this.items.flatMap((i) => (i.kind === 'poll' ? [i.poll.pollId] : []));
    if (ids.length === 0) {
      this.#pollReads.taken();
      if (this.polls.length > 0) this.polls = [];
      return;
    }
    this.#reading++;
    try {
      const views = await this.#pollReads.read(ids, async (pollIds) => {
        const result = await call('polls.list', { channelId: this.channelId, pollIds });
        return result.ok ? result.value : null;
      });
      if (views) this.polls = views;
    } finally {
      this.#reading--;
    }
  }

  dispose(): void {
    this.#stop();
    cancelAnimationFrame(this.#frame);
    this.#loading++;
  }
}
