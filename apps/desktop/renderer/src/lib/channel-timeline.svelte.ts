// The shared things of the open channel's message window as reactive state: the items of the
// window's sort-key range (timeline-merge.ts) and the live views the items show (poll results).
// Read when the window's range changes; a messages.changed event patches them with the items and
// poll views it carries (shared-patch.ts), and only one that says "reload" (or one arriving while
// a read is under way) reads them again, coalesced per frame.
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import { call, listen } from './api.ts';
import type { WindowState } from './message-window.ts';
import { applySharedPatch } from './shared-patch.ts';
import { itemRange } from './timeline-merge.ts';

export class ChannelTimeline {
  readonly channelId: string;
  items = $state.raw<TimelineItem[]>([]);
  polls = $state.raw<readonly PollView[]>([]);
  #range = itemRange({ messages: [], hasOlder: false, hasNewer: false });
  #rangeKey = '';
  #loading = 0;
  /** Reads under way: a patch cannot tell whether their answer is older or newer than it. */
  #reading = 0;
  #frame = 0;
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

  /** The message window moved (paged, jumped, a message arrived): read its range's items. */
  follow(view: Pick<WindowState, 'messages' | 'hasOlder' | 'hasNewer' | 'version'>): void {
    if (view.version === -1) return;
    const range = itemRange(view);
    const key = `${range.afterSortKey}:${range.upToSortKey}`;
    if (key === this.#rangeKey) return;
    this.#range = range;
    this.#rangeKey = key;
    void this.reload();
  }

  /** Reads the items again; an older answer that comes back after a newer call is dropped. */
  async reload(): Promise<void> {
    const mine = ++this.#loading;
    this.#reading++;
    try {
      const result = await call('timeline.items', { channelId: this.channelId, ...this.#range });
      if (mine !== this.#loading || !result.ok) return;
      this.items = result.value.items;
      if (result.value.items.some((i) => i.kind === 'poll')) await this.reloadPolls();
    } finally {
      this.#reading--;
    }
  }

  async reloadPolls(): Promise<void> {
    this.#reading++;
    const result = await call('polls.list', { channelId: this.channelId }).finally(() => this.#reading--);
    if (result.ok) this.polls = result.value;
  }

  dispose(): void {
    this.#stop();
    cancelAnimationFrame(this.#frame);
    this.#loading++;
  }
}
