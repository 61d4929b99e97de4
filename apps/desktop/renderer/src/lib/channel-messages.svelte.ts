// The message window of the open channel as reactive state. Operations run one after another,
// so a change event never races a page being loaded while scrolling: an event that arrives while
// a page is on its way is applied after it, against the version the page was read at. Opening the
// channel and jumping into it ask for the page with its shared things (`withShared`): the
// timeline takes them for the window they came with (sharedFor), so the first paint is one round
// trip. Every page brings its messages' reactions, which go to the reactions list.
import type { MessagesChanged } from '@klinikfunk/protocol/api/change-events.ts';
import type { MessageView, MethodInput, MethodOutput } from '@klinikfunk/protocol/api/contract.ts';
import type { PageShared } from '@klinikfunk/protocol/api/features/messages.ts';
import type { AppErrorShape } from '@klinikfunk/protocol/api/result.ts';
import { call } from './api.ts';
import { reactions } from './reactions.svelte.ts';
import { applyChange } from './message-patch.ts';
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
  SCROLL_PAGE_SIZE,
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
  /** The shared things of the last page asked with them, and the window that page made. */
  #shared: { view: WindowState; shared: PageShared } | null = null;

  constructor(channelId: string) {
    this.channelId = channelId;
  }

  get messages(): MessageView[] {
    return this.view.messages;
  }

  /** The shared things read with this window's page, when it is the one a page with them made. */
  sharedFor(view: WindowState): PageShared | null {
    return this.#shared?.view === view ? this.#shared.shared : null;
  }

  dispose(): void {
    this.#disposed = true;
    this.#shared = null;
    this.view = emptyWindow();
  }

  #run<T>(op: () => Promise<T>): Promise<T | undefined> {
    const next = this.#queue.then(() => (this.#disposed ? undefined : op()));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #page(input: Omit<MethodInput<'messages.page'>, 'channelId'>) {
    const generation = reactions.generation;
    const result = await call('messages.page', { channelId: this.channelId, ...input });
    if (this.#disposed) return null;
    if (!result.ok) {
      this.error = result.error;
      return null;
    }
    this.error = null;
    const page = result.value;
    reactions.take(
      this.channelId,
      page.messages.map((m) => m.messageId),
      page.reactions,
      generation,
    );
    return page;
  }

  /** A page with its shared things becomes the window; the timeline takes them with it. */
  #show(page: MethodOutput<'messages.page'> | null): void {
    if (!page) return;
    this.view = fromPage(page);
    this.#shared = page.shared ? { view: this.view, shared: page.shared } : null;
  }

  loadNewest(): Promise<unknown> {
    return this.#run(async () => {
      this.#show(await this.#page({ limit: PAGE_SIZE, withShared: true }));
      this.loaded = true;
    });
  }

  jumpTo(sortKey: number): Promise<unknown> {
    return this.#run(async () => {
      this.#show(await this.#page({ aroundSortKey: sortKey, limit: PAGE_SIZE, withShared: true }));
      this.loaded = true;
    });
  }

  loadOlder(): Promise<unknown> {
    const first = this.view.messages[0];
    if (!first || !this.view.hasOlder || this.loadingOlder) return Promise.resolve();
    this.loadingOlder = true;
    return this.#run(async () => {
      const oldest = this.view.messages[0];
      const page = oldest ? await this.#page({ beforeSortKey: oldest.sortKey, limit: SCROLL_PAGE_SIZE }) : null;
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
      const page = newest ? await this.#page({ afterSortKey: newest.sortKey, limit: SCROLL_PAGE_SIZE }) : null;
      if (page) this.view = mergeNewer(this.view, page);
      this.loadingNewer = false;
    });
  }

  /** A messages.changed event of this channel: patches the window, or reloads it when it must. */
  change(event: MessagesChanged): Promise<unknown> {
    return this.#run(async () => {
      const next = applyChange(this.view, event);
      if (next === 'reload') await this.#reloadNow();
      else if (next) this.view = next;
    });
  }

  /** Reloads what is shown: the live end with new messages, or a jumped-to window in place. */
  reload(): Promise<unknown> {
    if (this.#reloadQueued) return this.#queue;
    this.#reloadQueued = true;
    return this.#run(async () => {
      this.#reloadQueued = false;
      await this.#reloadNow();
    });
  }

  async #reloadNow(): Promise<void> {
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
    if (page) this.view = { ...refreshInPlace(this.view, page.messages), total: page.total, version: page.version };
  }
}
