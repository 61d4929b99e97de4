// The shared things of the open channel's message window as reactive state: the items of the
// window's sort-key range (timeline-merge.ts) and the live views the items show (poll results).
// Read again when the window's range changes and when the core reports that the channel's polls,
// files or calendar changed (messages.changed with `collab`), coalesced per frame.
import type { TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';
import { call, listen } from './api.ts';
import type { WindowState } from './message-window.ts';
import { itemRange } from './timeline-merge.ts';

export class ChannelTimeline {
  readonly channelId: string;
  items = $state.raw<TimelineItem[]>([]);
  polls = $state.raw<readonly PollView[]>([]);
  #range = itemRange({ messages: [], hasOlder: false, hasNewer: false });
  #rangeKey = '';
  #loading = 0;
  #frame = 0;
  #stop: () => void;

  constructor(channelId: string) {
    this.channelId = channelId;
    this.#stop = listen('messages.changed', (change) => {
      if (change.channelId !== channelId || !change.collab || this.#frame) return;
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
    const result = await call('timeline.items', { channelId: this.channelId, ...this.#range });
    if (mine !== this.#loading || !result.ok) return;
    this.items = result.value.items;
    if (result.value.items.some((i) => i.kind === 'poll')) await this.reloadPolls();
  }

  async reloadPolls(): Promise<void> {
    const result = await call('polls.list', { channelId: this.channelId });
    if (result.ok) this.polls = result.value;
  }

  dispose(): void {
    this.#stop();
    cancelAnimationFrame(this.#frame);
    this.#loading++;
  }
}
