// The IPC router: the only way from the renderer into the core. For every call it checks the
// sender frame, the method name and the input schema before any core code runs, and it turns
// every outcome (including bugs) into a Result. Electron's ipcMain and the test harness both call
// `invoke`, so the browser tests exercise exactly this path.
import { methods } from '@klinikfunk/protocol/api/contract.ts';
import type { CheckedCall, Guards, Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import type { MethodSpec } from '@klinikfunk/protocol/api/define.ts';
import { isMethodName } from '@klinikfunk/protocol/api/names.ts';
import { AppError, fail, ok, type Result } from '@klinikfunk/protocol/api/result.ts';
import { isTrustedSender, type SenderInfo } from './sender.ts';

export type { CheckedCall, Guards, Handler, Handlers } from '@klinikfunk/protocol/api/handlers.ts';

export interface RouterLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface RouterOptions<R> {
  handlers: Handlers<R>;
  /** Scheme and host the app is served from: "app://klinikfunk" in Electron. */
  allowedOrigin: string;
  /** Check handler output against the contract too (development and tests). */
  validateOutput: boolean;
  log: RouterLog;
  /** The checks methods declare in the contract (`requires`), run before their handler. */
  guards: Guards<R>;
}

export interface Router {
  invoke(sender: SenderInfo, method: unknown, input: unknown): Promise<Result<unknown>>;
}

export function createRouter<R>(options: RouterOptions<R>): Router {
  const { handlers, allowedOrigin, validateOutput, log, guards } = options;

  async function invoke(sender: SenderInfo, method: unknown, input: unknown): Promise<Result<unknown>> {
    if (!isTrustedSender(sender, allowedOrigin)) {
      log.warn('ipc call from a foreign frame refused', { url: sender.url, isMainFrame: sender.isMainFrame });
      return fail('forbidden_sender', 'Calls are accepted only from the app window.');
    }
    if (!isMethodName(method)) {
      const name = describeName(method);
      log.warn('ipc call to an unknown method refused', { method: name });
      return fail('unknown_method', `Unknown method: ${name}`);
    }
    const spec: MethodSpec = methods[method];
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
      return fail('invalid_input', message);
    }
    try {
      let call: CheckedCall<R> = uncheckedCall;
      if (spec.requires === 'member') {
        // Checked once here for every method that acts on a channel (the contract declares it); the
        // handler gets the profile that was checked, so a switch meanwhile cannot redirect it.
        const channelId = (parsed.data as Record<string, unknown>)[spec.channelField ?? 'channelId'];
        let runtime: R | null;
        if (channelId === undefined || channelId === null) runtime = guards.visible();
        else runtime = typeof channelId === 'string' ? await guards.member(channelId) : null;
        if (runtime === null) return fail('not_found', 'No such channel for this user.');
        call = { runtime };
      }
      // The map type ties each handler to its own method; TypeScript cannot follow that through
      // an index by a union key, so the call goes through a widened signature.
      const handler = handlers[method] as (input: unknown, call: CheckedCall<R>) => unknown;
      const value = await handler(parsed.data, call);
      if (validateOutput) {
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          log.error('handler returned output that breaks the contract', { method, issues: checked.error.issues });
          return fail('internal', `Output of ${method} does not match the contract.`);
        }
      }
      return ok(value);
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message);
      log.error('handler failed', { method, error: error instanceof Error ? error.stack : String(error) });
      return fail('internal', 'An internal error occurred.');
    }
  }

  return { invoke };
}

/**
 * For methods without `requires`: there is no checked profile to hand over. Exported for tests and
 * benchmarks that call such a handler directly.
 */
export const uncheckedCall: CheckedCall<never> = {
  get runtime(): never {
    throw new Error('this method declares no requires: member, so the router checked no profile for it');
  },
};

/** A printable, bounded name for logs; never calls into the value (it may be hostile). */
function describeName(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 80) : `(${typeof value})`;
}
