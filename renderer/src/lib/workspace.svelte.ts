// State of the main view for the visible profile: who I am, the sidebar, the directory, the
// connection. Built when the main view mounts and dropped with it (on lock or sign-out), so no
// content outlives the unlocked session.
import { getContext, setContext } from 'svelte';
import type { ChannelSummaryView, ConnectionView, Me, UserView } from '../../../shared/api/contract.ts';
import type { AppErrorShape } from '../../../shared/api/result.ts';
import { call, listen } from './api.ts';

export interface JumpTarget {
  channelId: string;
  sortKey: number;
  messageId: string;
}

export type Panel = 'channel' | 'admin';
export type WorkspaceDialog = 'search' | 'switcher' | 'newChannel' | null;

export class Workspace {
  me = $state.raw<Me | null>(null);
  channels = $state.raw<ChannelSummaryView[]>([]);
  directory = $state.raw<UserView[]>([]);
  connection = $state.raw<ConnectionView | null>(null);
  selectedId = $state<string | null>(null);
  jump = $state.raw<JumpTarget | null>(null);
  panel = $state<Panel>('channel');
  dialog = $state<WorkspaceDialog>(null);
  /** The search dialog opens with "only this channel" ticked. */
  searchInChannel = $state(false);
  error = $state.raw<AppErrorShape | null>(null);
  loaded = $state(false);

  // A fresh Map per directory change, never mutated, so no SvelteMap is needed.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  usersById = $derived(new Map(this.directory.map((user) => [user.userId, user])));
  selected = $derived(this.channels.find((channel) => channel.channelId === this.selectedId) ?? null);
  isAdmin = $derived(this.me?.role === 'admin' && this.me.holdsOrgKey);

  /** Loads everything and subscribes to changes; returns the cleanup. */
  start(): () => void {
    const stops = [
      // No directory event in the contract: new users (names for mentions) come with channel changes.
      listen('channels.changed', () => void Promise.all([this.reloadChannels(), this.reloadDirectory()])),
      listen('connection.changed', (next) => (this.connection = next)),
      // A channel the sidebar does not know yet (e.g. its first message arrived before its
      // channels.changed): reload the list once.
      listen('messages.changed', ({ channelId }) => {
        if (!this.channels.some((c) => c.channelId === channelId)) void this.reloadChannels();
      }),
    ];
    void this.#loadAll();
    return () => stops.forEach((stop) => stop());
  }

  async #loadAll(): Promise<void> {
    const [me, channels, directory, connection] = await Promise.all([
      call('session.me', {}),
      call('channels.list', {}),
      call('directory.users', {}),
      call('connection.status', {}),
    ]);
    if (me.ok) this.me = me.value;
    if (directory.ok) this.directory = directory.value;
    if (connection.ok) this.connection = connection.value;
    if (channels.ok) this.#setChannels(channels.value);
    const failed = [me, channels].find((r) => !r.ok);
    this.error = failed && !failed.ok ? failed.error : null;
    this.loaded = true;
  }

  async reloadChannels(): Promise<void> {
    const result = await call('channels.list', {});
    if (result.ok) this.#setChannels(result.value);
  }

  async reloadDirectory(): Promise<void> {
    const result = await call('directory.users', {});
    if (result.ok) this.directory = result.value;
  }

  #setChannels(list: ChannelSummaryView[]): void {
    this.channels = list;
    if (this.selectedId && !list.some((c) => c.channelId === this.selectedId)) this.selectedId = null;
    if (!this.selectedId && this.panel === 'channel') this.selectedId = list[0]?.channelId ?? null;
  }

  openSearch(inChannel: boolean): void {
    this.searchInChannel = inChannel && this.selectedId !== null;
    this.dialog = 'search';
  }

  open(channelId: string, jump: JumpTarget | null = null): void {
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
