import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '@klinikfunk/protocol/api/names.ts';

type Exposed = {
  invoke(method: unknown, input: unknown): Promise<unknown>;
  on(event: unknown, listener: (payload: unknown) => void): () => void;
};

const exposed: Record<string, Exposed> = {};
const invokeCalls: unknown[][] = [];
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Exposed) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      invokeCalls.push(args);
      return { ok: true, value: 'from-main' };
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(fn);
      listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
  },
}));

beforeAll(async () => {
  await import('../../../apps/desktop/electron/preload/preload.ts');
});

describe('preload', () => {
  it('exposes exactly invoke and on as window.klinikfunk', () => {
    expect(Object.keys(exposed)).toEqual(['klinikfunk']);
    expect(Object.keys(exposed.klinikfunk!).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards a contract method to the invoke channel', async () => {
    const result = await exposed.klinikfunk!.invoke('app.info', {});
    expect(result).toEqual({ ok: true, value: 'from-main' });
    expect(invokeCalls.at(-1)).toEqual([IPC_INVOKE_CHANNEL, 'app.info', {}]);
  });

  it('refuses an undeclared method without reaching main', async () => {
    const before = invokeCalls.length;
    const result = (await exposed.klinikfunk!.invoke('fs.readFile', { path: 'C:/' })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('unknown_method');
    expect(invokeCalls.length).toBe(before);
  });

  it('delivers only the subscribed event and unsubscribes', () => {
    const received: unknown[] = [];
    const off = exposed.klinikfunk!.on('session.changed', (p) => received.push(p));
    const fire = (name: string, payload: unknown) =>
      listeners.get(IPC_EVENT_CHANNEL)?.forEach((fn) => fn({}, name, payload));
    fire('session.changed', { state: 'locked' });
    fire('other.event', { state: 'x' });
    off();
    fire('session.changed', { state: 'unlocked' });
    expect(received).toEqual([{ state: 'locked' }]);
  });

  it('refuses to subscribe to an undeclared event', () => {
    expect(() => exposed.klinikfunk!.on('debug.dump', () => {})).toThrow();
  });
});
