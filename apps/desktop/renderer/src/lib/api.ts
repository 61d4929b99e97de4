// The renderer's only way into the app: window.klinikfunk, provided by the preload in Electron
// and by the harness bridge in a browser. Both refuse names outside the contract.
import type { KlinikfunkBridge } from '@klinikfunk/protocol/api/bridge.ts';
import type { EventPayload, MethodInput, MethodOutput } from '@klinikfunk/protocol/api/contract.ts';
import type { EventName, MethodName } from '@klinikfunk/protocol/api/names.ts';
import type { Result } from '@klinikfunk/protocol/api/result.ts';

declare global {
  interface Window {
    klinikfunk?: KlinikfunkBridge;
  }
}

export function getApi(): KlinikfunkBridge | null {
  return window.klinikfunk ?? null;
}

/** Calls a method; a missing bridge or a rejected promise becomes an `internal` Result. */
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
  const api = getApi();
  if (!api) return { ok: false, error: { code: 'internal', message: 'window.klinikfunk is missing' } };
  try {
    return await api.invoke(method, input);
  } catch (error) {
    return { ok: false, error: { code: 'internal', message: String(error) } };
  }
}

/** Subscribes to an event; returns the unsubscribe function (a no-op without a bridge). */
export function listen<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  const api = getApi();
  if (!api) return () => {};
  return api.on(event, listener);
}
