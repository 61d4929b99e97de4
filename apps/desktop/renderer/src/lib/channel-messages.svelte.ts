// The message window of the open channel as reactive state. Operations run one after another,
// so a reload after messages.changed never races a page being loaded while scrolling.
import type { MessageView, MethodInput } from '@klinikfunk/protocol/api/contract.ts';
import type { AppErrorShape } from '@klinikfunk/protocol/api/result.ts';
import { call } from './api.ts';
import {
  emptyWindow,
  fromPage,
  liveReloadLimit,
  MAX_WINDOW,
  mergeLive,
  mergeNewer,
  mergeOlder,
  PAGE_SIZE,
  refreshInPlace,
  type WindowState,
} from './message-window.ts';

export class ChannelMessages {
  readonly channelId: string;
  view = $state.raw<WindowState>(emptyWindow());
  loaded = $state(false);
  loadingOlder = $state(false);
  loadingNewer = $state(false);
  error = $state.raw<AppErrorShape | null>(null);
  #queue: Promise<unknown> = Promise.resolve();
  #reloadQueued = false;
  #disposed = false;

  constructor(channelId: string) {
    this.channelId = channelId;
  }

  get messages(): MessageView[] {
    return this.view.messages;
  }

  dispose(): void {
    this.#disposed = true;
    this.view = emptyWindow();
  }

  #run<T>(op: () => Promise<T>): Promise<T | undefined> {
    const next = this.#queue.then(() => (this.#disposed ? undefined : op()));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #page(input: Omit<MethodInput<'messages.page'>, 'channelId'>) {
    const result = await call('messages.page', { channelId: this.channelId, ...input });
    if (this.#disposed) return null;
    if (!result.ok) {
      this.error = result.error;
      return null;
    }
    this.error = null;
    return result.value;
  }

  loadNewest(): Promise<unknown> {
    return this.#run(async () => {
      const page = await this.#page({ limit: PAGE_SIZE });
      if (page) this.view = fromPage(page);
      this.loaded = true;
    });
  }

  jumpTo(sortKey: number): Promise<unknown> {
    return this.#run(async () => {
      const page = await this.#page({ aroundSortKey: sortKey, limit: PAGE_SIZE });
      if (page) this.view = fromPage(page);
      this.loaded = true;
    });
  }

  loadOlder(): Promise<unknown> {
    const first = this.view.messages[0];
    if (!first || !this.view.hasOlder || this.loadingOlder) return Promise.resolve();
    this.loadingOlder = true;
    return this.#run(async () => {
      const oldest = this.view.messages[0];
      const page = oldest ? await this.#page({ beforeSortKey: oldest.sortKey, limit: PAGE_SIZE }) : null;
      if (page) this.view = mergeOlder(this.view, page);
      this.loadingOlder = false;
    });
  }

  loadNewer(): Promise<unknown> {
    const last = this.view.messages.at(-1);
    if (!last || !this.view.hasNewer || this.loadingNewer) return Promise.resolve();
    this.loadingNewer = true;
    return this.#run(async () => {
      const newest = this.view.messages.at(-1);
      const page = newest ? await this.#page({ afterSortKey: newest.sortKey, limit: PAGE_SIZE }) : null;
      if (page) this.view = mergeNewer(this.view, page);
      this.loadingNewer = false;
    });
  }

  /** Reloads what is shown: the live end with new messages, or a jumped-to window in place. */
  reload(): Promise<unknown> {
    if (this.#reloadQueued) return this.#queue;
    this.#reloadQueued = true;
    return this.#run(async () => {
      this.#reloadQueued = false;
      const current = this.view;
      if (!current.hasNewer || current.messages.length === 0) {
        const page = await this.#page({ limit: liveReloadLimit(current) });
        if (page) this.view = mergeLive(this.view, page);
        return;
      }
      const middle = current.messages[Math.floor(current.messages.length / 2)]!;
      const page = await this.#page({
        aroundSortKey: middle.sortKey,
        limit: Math.min(MAX_WINDOW, current.messages.length),
      });
      if (page) this.view = { ...refreshInPlace(this.view, page.messages), total: page.total };
    });
  }
}
