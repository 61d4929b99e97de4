// The sidebar's change event (core/changes/change-feed.ts): the channels marked in one turn become
// one channels.changed with their rows and the ids no longer listed; a change of every channel,
// more than one event names, or rows that cannot be read become an explicit reload.
import { describe, expect, it, vi } from 'vitest';
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';
import { MAX_PATCH_CHANNELS, type ChannelsChanged } from '@klinikfunk/protocol/api/features/channels.ts';
import { events as contractEvents } from '@klinikfunk/protocol/api/contract.ts';
import { createChangeFeed } from '../../../apps/desktop/electron/core/changes/change-feed.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';

const row = (channelId: string): ChannelSummaryView => ({
  channelId,
  kind: 'channel',
  name: `Kanal ${channelId}`,
  topic: '',
  unreadCount: 1,
  mentionCount: 0,
  historyForNewMembers: false,
  orgWide: false,
  lastActivityAt: 1_700_000_000_000,
});

function feed(listed: (id: string) => boolean = () => true, fail = false) {
  const emitted: Array<{ event: string; payload: unknown }> = [];
  const asked: string[][] = [];
  const f = createChangeFeed({
    emit: (event, payload) => void emitted.push({ event, payload }),
    log: createMemoryLogger().logger,
    sessionStatus: () => Promise.reject(new Error('not in this test')),
    connectionView: () => Promise.resolve(null),
    messagePatch: () => Promise.resolve(null),
    sharedPatch: () => Promise.reject(new Error('not in this test')),
    channelsPatch: (ids) => {
      asked.push(ids);
      if (fail) return Promise.reject(new Error('locked'));
      return Promise.resolve({ upserted: ids.filter(listed).map(row), removed: ids.filter((id) => !listed(id)) });
    },
  });
  const sidebar = () =>
    emitted
      .filter((e) => e.event === 'channels.changed')
      .map((e) => contractEvents['channels.changed'].payload.parse(e.payload) as ChannelsChanged);
  return { f, emitted, asked, sidebar };
}

const waitFor = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

describe('channels.changed', () => {
  it('carries the rows of the channels marked in one turn, and the ids no longer listed', async () => {
    const { f, asked, sidebar } = feed((id) => id !== 'chnGone0001');
    f.channels(['chnA0000001']);
    f.channels(['chnB0000001', 'chnA0000001']);
    f.channels(['chnGone0001']);
    await waitFor(() => expect(sidebar()).toHaveLength(1));
    expect(asked).toEqual([['chnA0000001', 'chnB0000001', 'chnGone0001']]);
    expect(sidebar()[0]).toEqual({
      reload: false,
      directory: false,
      upserted: [row('chnA0000001'), row('chnB0000001')],
      removed: ['chnGone0001'],
    });
    f.close();
  });

  it('says reload for a change of every channel, with the directory when it changed', async () => {
    const { f, asked, sidebar } = feed();
    f.channels(['chnA0000001']);
    f.channels('all', true);
    f.channels(['chnB0000001']);
    await waitFor(() => expect(sidebar()).toHaveLength(1));
    expect(sidebar()[0]).toEqual({ reload: true, directory: true });
    expect(asked).toEqual([]);
    // The next turn starts afresh: rows again.
    f.channels(['chnC0000001']);
    await waitFor(() => expect(sidebar()).toHaveLength(2));
    expect(sidebar()[1]).toMatchObject({ reload: false, directory: false, removed: [] });
    f.close();
  });

  it('says reload when more channels changed than one event names', async () => {
    const { f, asked, sidebar } = feed();
    f.channels(Array.from({ length: MAX_PATCH_CHANNELS + 1 }, (_, i) => `chn${String(i).padStart(8, '0')}`));
    await waitFor(() => expect(sidebar()).toHaveLength(1));
    expect(sidebar()[0]).toEqual({ reload: true, directory: false });
    expect(asked).toEqual([]);
    f.close();
  });

  it('says reload when the rows cannot be read (the profile locked meanwhile), never nothing', async () => {
    const { f, sidebar } = feed(() => true, true);
    f.channels(['chnA0000001']);
    await waitFor(() => expect(sidebar()).toHaveLength(1));
    expect(sidebar()[0]).toEqual({ reload: true, directory: false });
    f.close();
  });

  it('sends the sidebar before the messages of the same turn: a new channel is listed before its messages arrive', async () => {
    const { f, emitted } = feed();
    f.messages('chnA0000001', { reload: true, messageIds: [], quoted: [], collab: false, shared: null });
    f.channels(['chnA0000001']);
    await waitFor(() => expect(emitted).toHaveLength(2));
    expect(emitted.map((e) => e.event)).toEqual(['channels.changed', 'messages.changed']);
    f.close();
  });
});
