// Browser side of the test harness: implements window.klinikfunk over a WebSocket to the same IPC
// router Electron uses. It stands in for the preload, so it does what the preload does and no
// more: refuse names outside the contract, forward everything else. Frames go through codec.ts,
// so byte fields arrive as Uint8Array as they do over Electron's structured clone.
import type { KlinikfunkBridge } from '@klinikfunk/protocol/api/bridge.ts';
import { isEventName, isMethodName } from '@klinikfunk/protocol/api/names.ts';
import { decodeFrame, encodeFrame } from './codec.ts';

type Pending = { resolve: (value: unknown) => void };

const script = document.currentScript as HTMLScriptElement | null;
const token = script ? (new URL(script.src).searchParams.get('token') ?? '') : '';
const socket = new WebSocket(`ws://${location.host}/__harness/ws?token=${encodeURIComponent(token)}`);
const opened = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => resolve(), { once: true });
  socket.addEventListener('error', () => reject(new Error('harness socket failed')), { once: true });
});
const pending = new Map<number, Pending>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let nextId = 1;

socket.addEventListener('message', (message) => {
  const frame = decodeFrame(String(message.data)) as {
    id?: number;
    result?: unknown;
    event?: string;
    payload?: unknown;
  };
  if (typeof frame.id === 'number') {
    pending.get(frame.id)?.resolve(frame.result);
    pending.delete(frame.id);
  } else if (typeof frame.event === 'string') {
    listeners.get(frame.event)?.forEach((listener) => listener(frame.payload));
  }
});

socket.addEventListener('close', () => {
  for (const [, p] of pending)
    p.resolve({ ok: false, error: { code: 'internal', message: 'harness connection closed' } });
  pending.clear();
});

const bridge = {
  async invoke(method: unknown, input: unknown): Promise<unknown> {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: 'Unknown method' } };
    }
    await opened;
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      socket.send(encodeFrame({ id, method, input }));
    });
  },
  on(event: unknown, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event)) throw new Error('Unknown event');
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  },
};

// Frozen like a contextBridge object, so page code cannot swap the methods.
Object.defineProperty(window, 'klinikfunk', {
  value: Object.freeze(bridge as unknown as KlinikfunkBridge),
  writable: false,
});
