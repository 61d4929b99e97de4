// A change marked for the profile on screen must not reach the renderer once another profile is
// shown or the workstation is locked (core/changes/change-feed.ts `forget`, called by wiring.ts when
// the visible profile changes): neither a change still waiting for the feed's turn, nor one whose
// views were being read when the switch came. The CI dry run found the first: a locked profile's
// channel id reached the next person's renderer as a reload.
import { describe, expect, it, vi } from 'vitest';
import { EMPTY_SHARED_PATCH, type MessagePatch } from '@klinikfunk/protocol/api/change-events.ts';
import { createChangeFeed } from '../../../apps/desktop/electron/core/changes/change-feed.ts';
import { changeOfEvents } from '../../../apps/desktop/electron/core/changes/channel-change.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';

const message = (eventId: string) => ({
  eventId,
  senderUserId: 'usrBernd0001',
  payload: { type: 'message.create', body: 'Zimmer 12', mentions: [], replyTo: null, urgent: false },
});

function feed(messagePatch: () => Promise<MessagePatch | null>) {
  const emitted: Array<{ event: string; payload: unknown }> = [];
  const f = createChangeFeed({
    emit: (event, payload) => void emitted.push({ event, payload }),
    log: createMemoryLogger().logger,
    sessionStatus: () => Promise.reject(new Error('not in this test')),
    connectionView: () => Promise.resolve(null),
    messagePatch,
    sharedPatch: () => Promise.resolve(EMPTY_SHARED_PATCH),
    channelsPatch: () => Promise.resolve({ upserted: [], removed: [] }),
  });
  const about = (channelId: string) => emitted.filter((e) => JSON.stringify(e.payload).includes(channelId));
  return { f, emitted, about };
}

describe('change feed at a profile switch', () => {
  it('drops a change still waiting for its turn', async () => {
    const { f, emitted, about } = feed(() => Promise.resolve(null));
    f.messages('chnBernd0001', changeOfEvents([message('evtBernd0001')], 'usrBernd0001'));
    f.forget();
    f.messages('chnClara0001', changeOfEvents([message('evtClara0001')], 'usrClara0001'));
    // Both were marked in one turn, so one flush handles both, Bernd's first had it been kept.
    await vi.waitFor(() => expect(about('chnClara0001')).toHaveLength(1), { timeout: 10_000, interval: 5 });
    expect(about('chnBernd0001')).toEqual([]);
    // The new screen reads its list whole, never patched with rows read for the one before.
    expect(emitted.filter((e) => e.event === 'channels.changed').map((e) => e.payload)).toEqual([
      { reload: true, directory: true },
    ]);
  });

  it('drops a change whose views were being read when the switch came', async () => {
    let release!: () => void;
    const reading = new Promise<void>((r) => (release = r));
    let asked = 0;
    const { f, emitted, about } = feed(async () => {
      asked++;
      await reading;
      return null;
    });
    f.messages('chnBernd0001', changeOfEvents([message('evtBernd0001')], 'usrBernd0001'));
    await vi.waitFor(() => expect(asked).toBe(1), { timeout: 10_000, interval: 5 });
    f.forget();
    release();
    f.messages('chnClara0001', changeOfEvents([message('evtClara0001')], 'usrClara0001'));
    await vi.waitFor(() => expect(about('chnClara0001')).toHaveLength(1), { timeout: 10_000, interval: 5 });
    expect(about('chnBernd0001')).toEqual([]);
    expect(emitted.filter((e) => e.event === 'messages.changed')).toHaveLength(1);
  });
});
