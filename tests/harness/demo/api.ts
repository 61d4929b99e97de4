// The demo seeds its clinic the way a person would through the renderer: every step is an API
// call through the IPC router (sender check, input and output schemas) of the workstation the
// browser later opens, so a seed step that breaks is a product bug the demo shows at once.
import type { MethodInput, MethodOutput } from '@klinikfunk/protocol/api/contract.ts';
import type { MethodName } from '@klinikfunk/protocol/api/names.ts';
import type { Result } from '@klinikfunk/protocol/api/result.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { createRouter } from '../../../apps/desktop/electron/ipc/router.ts';
import type { Workstation } from '../workstation.ts';

export interface Api {
  /** Calls and unwraps; throws with the method and error code when the call failed. */
  value<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
}

/** The API of one workstation, called as its window calls it (the window's origin as sender). */
export function apiOf(workstation: Workstation): Api {
  const router = createRouter({
    handlers: workstation.core.handlers,
    guards: workstation.core.guards,
    allowedOrigin: workstation.origin,
    validateOutput: true,
    log: createMemoryLogger('warn').logger,
  });
  const sender = { url: workstation.origin, isMainFrame: true };
  return {
    async value(method, input) {
      const result = (await router.invoke(sender, method, input)) as Result<MethodOutput<typeof method>>;
      if (!result.ok)
        throw new Error(`Demo-Schritt ${method} fehlgeschlagen: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
  };
}

/** Polls `check` until it returns a value other than null, undefined or false; bounded in time. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Demo: ${what} nach ${timeoutMs / 1000} s nicht erreicht`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
