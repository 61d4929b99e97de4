import type { EventPayload, MethodInput, MethodOutput } from './contract.ts';
import type { EventName, MethodName } from './names.ts';
import type { Result } from './result.ts';

/**
 * What the renderer sees as `window.klinikfunk`: the preload provides it in Electron, the test
 * harness bridge in a plain browser. Both refuse names outside the contract.
 */
export interface KlinikfunkBridge {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
