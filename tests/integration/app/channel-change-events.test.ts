// The sidebar patches itself from channels.changed: a message from another workstation, the own
// read position and leaving a channel reach it as the changed rows (as channels.list shows them)
// and removed ids, without a channels.list call; the patched list equals a freshly read one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';
import { events as contractEvents } from '@klinikfunk/protocol/api/contract.ts';
import type { ChannelsChanged } from '@klinikfunk/protocol/api/features/channels.ts';
import type { CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from '../collab/two-workstations.ts';
import { applyChannelPatch } from '../../../apps/desktop/renderer/src/lib/channel-selection.ts';

let w: TwoWorkstations;

beforeAll(async () => {
  w = await twoWorkstations();
  // The channel's set-up (roster records: a directory change, so a reload) is over at the nurse
  // once a first message of the admin has arrived there and been read.
  const { messageId } = await w.admin.value('messages.send', { channelId: w.channelId, body: 'Guten Morgen' });
  await eventually(
    async () =>
      (await w.nurse.value('messages.page', { channelId: w.channelId })).messages.some(
        (m) => m.messageId === messageId,
      ),
    20_000,
    'first message at the nurse',
  );
}, 120_000);

afterAll(async () => {
  await w?.close();
});

/** The renderer's sidebar, fed only by channels.changed events after its first list (workspace.svelte.ts). */
class Sidebar {
  channels: ChannelSummaryView[] = [];
  reloads = 0;
  patches = 0;
  #seen = 0;
  readonly client: CoreClient;
  constructor(client: CoreClient) {
    this.client = client;
  }

  async open(): Promise<void> {
    this.#seen = this.client.events.length;
    this.channels = await this.client.value('channels.list', {});
  }

  async follow(): Promise<void> {
    const fresh = this.client.events.slice(this.#seen);
    this.#seen = this.client.events.length;
    for (const { event, payload } of fresh) {
      if (event !== 'channels.changed') continue;
      // Checked against the contract, as Electron main and the harness bridge do.
      const change = contractEvents['channels.changed'].payload.parse(payload) as ChannelsChanged;
      if (change.reload) {
        this.reloads++;
        this.channels = await this.client.value('channels.list', {});
      } else {
        this.patches++;
        this.channels = applyChannelPatch(this.channels, change, [], null).channels;
      }
    }
  }

  row(channelId: string): ChannelSummaryView | undefined {
    return this.channels.find((c) => c.channelId === channelId);
  }

  async settle(done: (sidebar: Sidebar) => boolean, what: string): Promise<void> {
    await eventually(
      async () => {
        await this.follow();
        return done(this);
      },
      20_000,
      what,
    );
  }

  /** Once the core is quiet, the patched list is what channels.list answers. */
  async matchesAFreshList(): Promise<void> {
    await eventually(
      async () => {
        await this.follow();
        const list = await this.client.value('channels.list', {});
        return JSON.stringify(list) === JSON.stringify(this.channels);
      },
      20_000,
      'patched sidebar equals channels.list',
    );
  }
}

describe('channels.changed', () => {
  it('a message from another workstation raises the unread count and moves the channel up, from the event alone', async () => {
    // A second channel, newer than the shared one: the shared one's new message must move it above.
    const { channelId: other } = await w.admin.value('channels.create', {
      kind: 'channel',
      name: 'Nachtdienst',
      topic: '',
      memberUserIds: [w.nurseUserId],
    });
    const sidebar = new Sidebar(w.nurse);
    await sidebar.open();
    await sidebar.settle((s) => s.row(other) !== undefined, 'second channel at the nurse');
    await w.nurse.value('channels.markRead', { channelId: w.channelId, upToSortKey: Number.MAX_SAFE_INTEGER });
    await sidebar.settle((s) => s.row(w.channelId)?.unreadCount === 0, 'shared channel read');
    const reloads = sidebar.reloads;
    const from = w.nurse.events.length;

    await w.admin.value('messages.send', { channelId: w.channelId, body: 'Visite um 10 Uhr' });
    await sidebar.settle((s) => s.row(w.channelId)?.unreadCount === 1, 'unread count at the nurse');
    expect(sidebar.reloads).toBe(reloads);
    // The org-wide channel stays on top; the channel with the newest message comes next.
    expect(sidebar.channels[0]?.orgWide).toBe(true);
    expect(sidebar.channels[1]?.channelId).toBe(w.channelId);
    const events = w.nurse.events.slice(from).filter((e) => e.event === 'channels.changed');
    const carried = events
      .map((e) => e.payload as ChannelsChanged)
      .flatMap((c) => (c.reload ? [] : c.upserted))
      .find((c) => c.channelId === w.channelId && c.unreadCount === 1);
    expect(carried?.name).toBe('Station 3B');
    await sidebar.matchesAFreshList();
  });

  it('marking read clears the badge from the event, without reading the list', async () => {
    const sidebar = new Sidebar(w.nurse);
    await sidebar.open();
    expect(sidebar.row(w.channelId)?.unreadCount).toBeGreaterThan(0);
    await w.nurse.value('channels.markRead', { channelId: w.channelId, upToSortKey: Number.MAX_SAFE_INTEGER });
    await sidebar.settle((s) => s.row(w.channelId)?.unreadCount === 0, 'badge cleared');
    expect(sidebar.reloads).toBe(0);
    expect(sidebar.patches).toBeGreaterThan(0);
    await sidebar.matchesAFreshList();
  });

  it('a channel left goes from the sidebar and stays out of it', async () => {
    const { channelId } = await w.admin.value('channels.create', {
      kind: 'channel',
      name: 'Fortbildung',
      topic: '',
      memberUserIds: [w.nurseUserId],
    });
    const sidebar = new Sidebar(w.nurse);
    await sidebar.open();
    await sidebar.settle((s) => s.row(channelId) !== undefined, 'channel at the nurse');
    await eventually(async () => (await w.nurse.call('polls.list', { channelId })).ok, 15_000, 'nurse is a member');
    // Leaving signs a new roster (a directory change: the list is read once); the channel stays out.
    await w.nurse.value('channels.leave', { channelId });
    await sidebar.settle((s) => s.row(channelId) === undefined, 'channel gone from the sidebar');
    await sidebar.matchesAFreshList();
  });

  it('every channels.changed event the core sent fits the contract', () => {
    for (const client of [w.admin, w.nurse])
      for (const e of client.events.filter((x) => x.event === 'channels.changed'))
        expect(() => contractEvents['channels.changed'].payload.parse(e.payload)).not.toThrow();
  });
});
