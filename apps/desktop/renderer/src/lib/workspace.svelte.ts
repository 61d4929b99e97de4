// State of the main view for the visible profile: who I am, the sidebar, the directory, the
// connection. Built when the main view mounts and dropped with it (on lock or sign-out), so no
// content outlives the unlocked session.
import { getContext, setContext } from 'svelte';
import type { ChannelSummaryView, ConnectionView, Me, UserView } from '@klinikfunk/protocol/api/contract.ts';
import type { AppErrorShape } from '@klinikfunk/protocol/api/result.ts';
import { call, listen } from './api.ts';
import type { ChannelsChanged } from '@klinikfunk/protocol/api/features/channels.ts';
import { applyChannelList, applyChannelPatch, type ListChange } from './channel-selection.ts';
import { ChannelListReads } from './channel-list-reads.ts';

export interface JumpTarget {
  channelId: string;
  sortKey: number;
  messageId: string;
  /** The file inside the item `messageId` (a file of a group) to focus and mark. */
  part?: string;
}

export type Panel = 'channel' | 'admin' | 'roles' | 'alerts';
export type WorkspaceDialog = 'search' | 'switcher' | 'newChannel' | 'template' | null;

export class Workspace {
  me = $state.raw<Me | null>(null);
  channels = $state.raw<ChannelSummaryView[]>([]);
  directory = $state.raw<UserView[]>([]);
  connection = $state.raw<ConnectionView | null>(null);
  selectedId = $state<string | null>(null);
  jump = $state.raw<JumpTarget | null>(null);
  panel = $state<Panel>('channel');
  dialog = $state<WorkspaceDialog>(null);
  /** The template the 'template' dialog opens with (chosen in the quick switcher). */
  templateId = $state<string | null>(null);
  /** The search dialog opens with "only this channel" ticked. */
  searchInChannel = $state(false);
  error = $state.raw<AppErrorShape | null>(null);
  loaded = $state(false);
  /**
   * The channel that was open and is no longer listed (the user left it or was removed): the main
   * view says so instead of opening another channel, so nothing is written where it was not meant.
   */
  gone = $state.raw<{ name: string; kind: ChannelSummaryView['kind']; left: boolean } | null>(null);
  /** Channels created here that a channels.list answer has not shown yet (one asked for before they existed). */
  #created: ChannelSummaryView[] = [];
  /** channels.list answers on their way: a patch that overtakes one is not undone by it. */
  readonly #reads = new ChannelListReads();

  // A fresh Map per directory change, never mutated, so no SvelteMap is needed.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  usersById = $derived(new Map(this.directory.map((user) => [user.userId, user])));
  selected = $derived(this.channels.find((channel) => channel.channelId === this.selectedId) ?? null);
  isAdmin = $derived(this.me?.role === 'admin' && this.me.holdsOrgKey);

  /** Loads everything and subscribes to changes; returns the cleanup. */
  start(): () => void {
    const stops = [
      // No directory event in the contract: new users (names for mentions) come with channel changes.
      // Listeners do not wait: call() never rejects, and a failed reload keeps what is shown.
      listen('channels.changed', (change) => this.#channelsChanged(change)),
      listen('connection.changed', (next) => (this.connection = next)),
      // A channel the sidebar does not know yet (e.g. its first message arrived before its
      // channels.changed): reload the list once.
      listen('messages.changed', ({ channelId }) => {
        if (!this.channels.some((c) => c.channelId === channelId)) void this.reloadChannels();
      }),
    ];
    // Not awaited: start() returns the cleanup at once; #loadAll() reports failures in this.error.
    void this.#loadAll();
    return () => stops.forEach((stop) => stop());
  }

  async #loadAll(): Promise<void> {
    const [me, channels, directory, connection] = await Promise.all([
      call('session.me', {}),
      this.#readChannels(),
      call('directory.users', {}),
      call('connection.status', {}),
    ]);
    if (me.ok) this.me = me.value;
    if (directory.ok) this.directory = directory.value;
    if (connection.ok) this.connection = connection.value;
    if (channels.list) this.#setChannels(channels.list);
    // The first channel opens when the view starts; after that the selection changes only when the user picks.
    if (!this.selectedId && this.panel === 'channel' && !this.gone)
      this.selectedId = this.channels[0]?.channelId ?? null;
    this.error = !me.ok ? me.error : channels.error;
    this.loaded = true;
  }

  /** Patches the sidebar from the event's rows; reads the list (and the users) only when it says so. */
  #channelsChanged(change: ChannelsChanged): void {
    if (change.directory) void this.reloadDirectory();
    if (change.reload) return void this.reloadChannels();
    this.#reads.patched(change);
    this.#apply(applyChannelPatch(this.channels, change, this.#created, this.selectedId));
  }

  async reloadChannels(): Promise<void> {
    const { list } = await this.#readChannels();
    if (list) this.#setChannels(list);
  }

  /** The list to show (null: keep what is shown), and why the read failed. */
  async #readChannels(): Promise<{ list: ChannelSummaryView[] | null; error: AppErrorShape | null }> {
    let error: AppErrorShape | null = null;
    const list = await this.#reads.read(async () => {
      const result = await call('channels.list', {});
      if (result.ok) return result.value;
      error = result.error;
      return null;
    });
    return { list, error };
  }

  async reloadDirectory(): Promise<void> {
    const result = await call('directory.users', {});
    if (result.ok) this.directory = result.value;
  }

  #setChannels(list: ChannelSummaryView[]): void {
    this.#apply(applyChannelList(this.channels, list, this.#created, this.selectedId));
  }

  #apply(change: ListChange): void {
    this.#created = change.created;
    this.channels = change.channels;
    // Never another channel by itself: the selection only goes empty, with the reason on screen.
    if (change.lost) this.#lose(change.lost, false);
  }

  #lose(channel: ChannelSummaryView, left: boolean): void {
    this.gone = { name: channel.name, kind: channel.kind, left };
    this.selectedId = null;
    this.jump = null;
  }

  /** A channel just created here: listed and opened at once, whatever the next list answer says. */
  openCreated(channel: ChannelSummaryView): void {
    this.#created = [...this.#created.filter((c) => c.channelId !== channel.channelId), channel];
    if (!this.channels.some((c) => c.channelId === channel.channelId)) this.channels = [...this.channels, channel];
    this.open(channel.channelId);
  }

  /** The user left the open channel: nothing is selected, and the main view says why. */
  left(channelId: string): void {
    const channel = this.channels.find((c) => c.channelId === channelId);
    this.#created = this.#created.filter((c) => c.channelId !== channelId);
    this.channels = this.channels.filter((c) => c.channelId !== channelId);
    if (channel && this.selectedId === channelId) this.#lose(channel, true);
  }

  openSearch(inChannel: boolean): void {
    this.searchInChannel = inChannel && this.selectedId !== null;
    this.dialog = 'search';
  }

  open(channelId: string, jump: JumpTarget | null = null): void {
    this.gone = null;
    this.panel = 'channel';
    this.selectedId = channelId;
    this.jump = jump;
  }
}

const KEY = Symbol('workspace');

export function provideWorkspace(workspace: Workspace): void {
  setContext(KEY, workspace);
}

export function useWorkspace(): Workspace {
  const workspace = getContext<Workspace | undefined>(KEY);
  if (!workspace) throw new Error('useWorkspace() outside the main view');
  return workspace;
}
