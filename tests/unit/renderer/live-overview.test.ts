// An overview kept live from messages.changed events (renderer lib/live-overview.ts), driven through
// a stand-in for window.klinikfunk (the preload's bridge needs Electron): a change that cannot be
// patched onto a read still on its way makes the overview read again, and a stopped overview (the
// filter or the range changed, the tab closed) never shows its late answer over the new one's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_SHARED_PATCH, type MessagesChanged } from '@klinikfunk/protocol/api/change-events.ts';
import type { KlinikfunkBridge } from '@klinikfunk/protocol/api/bridge.ts';
import { liveOverview } from '../../../apps/desktop/renderer/src/lib/live-overview.ts';

const CHANNEL = 'chnStation3B01';
let listeners: Array<(payload: MessagesChanged) => void> = [];

beforeEach(() => {
  listeners = [];
  const bridge: Pick<KlinikfunkBridge, 'on'> = {
    on: (event, listener) => {
      if (event !== 'messages.changed') return () => {};
      const heard = listener as (payload: MessagesChanged) => void;
      listeners.push(heard);
      return () => (listeners = listeners.filter((l) => l !== heard));
    },
  };
  vi.stubGlobal('window', { klinikfunk: bridge });
  vi.stubGlobal('requestAnimationFrame', (run: () => void) => setTimeout(run, 0) as unknown as number);
  vi.stubGlobal('cancelAnimationFrame', (frame: number) => clearTimeout(frame));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A change event of the channel that names its shared things (what the patch reads is up to the source). */
const collabChange = (version: number): MessagesChanged => ({
  channelId: CHANNEL,
  version,
  messages: { kind: 'patch', upserted: [], removed: [], total: 0, historyStart: null },
  collab: true,
  shared: EMPTY_SHARED_PATCH,
});

/** Reads the test answers by hand, in the order it wants. */
function readsByHand<T>() {
  const answers: Array<(list: T | null) => void> = [];
  const read = () => new Promise<T | null>((resolve) => answers.push(resolve));
  return { read, answers };
}

const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 5_000 });

describe('live overview', () => {
  it('reads again when a change arrives during a read and cannot be patched onto its answer', async () => {
    // A calendar: a new series can only be expanded by the core (its patch answers null). The
    // first read is on its way, read in the core just before the series was stored.
    const calls = readsByHand<string[]>();
    const shown: string[][] = [];
    let current: string[] | undefined;
    const live = liveOverview<string[]>({
      channelId: CHANNEL,
      read: calls.read,
      patch: (list) => (list.includes('series') ? list : null),
      show: (list) => {
        current = list;
        shown.push(list);
      },
      shown: () => current,
    });
    expect(calls.answers).toHaveLength(1);
    for (const listener of listeners) listener(collabChange(1));
    calls.answers[0]!(['single']);
    // The answer lacks the series and the event cannot add it: the range is read once more.
    await until(() => calls.answers.length === 2);
    calls.answers[1]!(['single', 'series']);
    await until(() => shown.length === 2);
    expect(current).toEqual(['single', 'series']);
    live.stop();
  });

  it('a change the answer already holds patches it without another read', async () => {
    const calls = readsByHand<string[]>();
    let current: string[] | undefined;
    const live = liveOverview<string[]>({
      channelId: CHANNEL,
      read: calls.read,
      patch: (list) => (list.includes('series') ? list : null),
      show: (list) => (current = list),
      shown: () => current,
    });
    for (const listener of listeners) listener(collabChange(1));
    calls.answers[0]!(['series']);
    await until(() => current !== undefined);
    // A frame later still one read.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.answers).toHaveLength(1);
    live.stop();
  });

  it('a stopped overview does not show the answer of its read still on its way', async () => {
    // The search changed from "Ü" to "Übergabe": the overview for "Ü" stops and one for
    // "Übergabe" starts; the first answer comes back last.
    let current: string[] | undefined;
    const older = readsByHand<string[]>();
    const first = liveOverview<string[]>({
      channelId: CHANNEL,
      read: older.read,
      patch: (list) => list,
      show: (list) => (current = list),
      shown: () => current,
    });
    first.stop();
    const newer = readsByHand<string[]>();
    const second = liveOverview<string[]>({
      channelId: CHANNEL,
      read: newer.read,
      patch: (list) => list,
      show: (list) => (current = list),
      shown: () => current,
    });
    newer.answers[0]!(['Übergabe.pdf']);
    await until(() => current !== undefined);
    older.answers[0]!(['Übergabe.pdf', 'Ükg.png']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(current).toEqual(['Übergabe.pdf']);
    second.stop();
  });
});
