// The sidebar's channels.list answers against its channels.changed patches (renderer
// lib/channel-list-reads.ts, used by workspace.svelte.ts): an answer that was on its way while a
// patch arrived never undoes the patch, and an older answer never replaces a newer one.
import { describe, expect, it } from 'vitest';
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';
import { ChannelListReads } from '../../../apps/desktop/renderer/src/lib/channel-list-reads.ts';

const channel = (channelId: string, name: string, over: Partial<ChannelSummaryView> = {}): ChannelSummaryView => ({
  channelId,
  kind: 'channel',
  name,
  topic: '',
  unreadCount: 0,
  mentionCount: 0,
  historyForNewMembers: false,
  orgWide: false,
  lastActivityAt: 0,
  ...over,
});

const general = channel('chnAllgemein01', 'Allgemein', { orgWide: true });
const ward = channel('chnStation3B01', 'Station 3B', { unreadCount: 4, lastActivityAt: 10 });
const night = channel('chnNacht000001', 'Nachtdienst', { lastActivityAt: 5 });
const patch = (upserted: ChannelSummaryView[], removed: string[] = []) =>
  ({ reload: false, directory: false, upserted, removed }) as const;

/** A channels.list call whose answer the test hands back when it wants. */
function pending() {
  let answer: (list: ChannelSummaryView[] | null) => void = () => {};
  const fetch = () => new Promise<ChannelSummaryView[] | null>((resolve) => (answer = resolve));
  return { fetch, answer: (list: ChannelSummaryView[] | null) => answer(list) };
}

describe('channels.list answers and channels.changed patches', () => {
  it('an answer read before a patch arrived keeps the patch (the cleared badge stays cleared)', async () => {
    const reads = new ChannelListReads();
    const call = pending();
    const shown = reads.read(call.fetch);
    // The core read the list (ward: 4 unread), then the user read the ward: its patch overtakes the answer.
    reads.patched(patch([{ ...ward, unreadCount: 0 }]));
    call.answer([general, ward, night]);
    expect((await shown)?.map((c) => [c.channelId, c.unreadCount])).toEqual([
      [general.channelId, 0],
      [ward.channelId, 0],
      [night.channelId, 0],
    ]);
  });

  it('a channel a patch removed meanwhile stays out, one it added stays in, in the sidebar order', async () => {
    const reads = new ChannelListReads();
    const call = pending();
    const shown = reads.read(call.fetch);
    const fresh = channel('chnNeu0000001', 'Fortbildung', { lastActivityAt: 20 });
    reads.patched(patch([fresh], [night.channelId]));
    call.answer([general, ward, night]);
    expect((await shown)?.map((c) => c.channelId)).toEqual([general.channelId, fresh.channelId, ward.channelId]);
  });

  it('a patch from before a read started is not applied again to its answer', async () => {
    const reads = new ChannelListReads();
    reads.patched(patch([{ ...ward, unreadCount: 9 }]));
    const call = pending();
    const shown = reads.read(call.fetch);
    call.answer([general, ward]);
    expect((await shown)?.find((c) => c.channelId === ward.channelId)?.unreadCount).toBe(4);
  });

  it('drops an answer that comes back after the answer to a later read, and a failed one', async () => {
    const reads = new ChannelListReads();
    const older = pending();
    const newer = pending();
    const first = reads.read(older.fetch);
    const second = reads.read(newer.fetch);
    newer.answer([general, { ...ward, unreadCount: 0 }]);
    expect((await second)?.find((c) => c.channelId === ward.channelId)?.unreadCount).toBe(0);
    older.answer([general, ward]);
    expect(await first).toBeNull();
    const failed = pending();
    const third = reads.read(failed.fetch);
    failed.answer(null);
    expect(await third).toBeNull();
  });
});
