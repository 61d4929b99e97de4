// The core and IPC router of one workstation in Node, called the way the renderer calls them
// (through the router, with schema validation), for integration tests without a browser.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, MethodName } from '@klinikfunk/protocol/api/names.ts';
import type { EventPayload, MethodInput, MethodOutput } from '@klinikfunk/protocol/api/contract.ts';
import type { Result } from '@klinikfunk/protocol/api/result.ts';
import type { Clock } from '../../apps/desktop/electron/core/clock/clock.ts';
import { createCore, type Core } from '../../apps/desktop/electron/core/wiring.ts';
import { createLogger, createMemoryLogger, type Logger } from '../../apps/desktop/electron/core/log/logger.ts';
import { createFakePlatform, type FakePlatform } from '../../apps/desktop/electron/core/platform/fakes.ts';
import { builtInPolicy } from '../../apps/desktop/electron/core/policy/policy.ts';
import type { SecretKdf } from '../../apps/desktop/electron/core/session/secret-kdf.ts';
import type { EffectivePolicy } from '../../apps/desktop/electron/core/policy/resolve.ts';
import { createRouter } from '../../apps/desktop/electron/ipc/router.ts';

const ORIGIN = 'app://klinikfunk';

export interface CoreClient {
  core: Core;
  platform: FakePlatform;
  dataDir: string;
  events: Array<{ event: EventName; payload: unknown }>;
  /** Calls a method through the router; returns the Result. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  /** Calls and unwraps; throws with the error code when the call failed. */
  value<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  close(): Promise<void>;
}

export interface CoreClientOptions {
  policy?: EffectivePolicy;
  dataDir?: string;
  clock?: Clock;
  /** Counts or wraps the Argon2id checks of passphrases and PINs. */
  secrets?: SecretKdf;
  /** The OS account the fake secure store (DPAPI) acts for. */
  osUser?: string;
  /** How much later than written a delivery shows both times (60 s in the app); short in tests. */
  lateDeliveryMs?: number;
  /** The core's logger (default: warnings kept in memory) and its log files for the support package. */
  log?: Logger;
  logFiles?: () => Promise<string[]>;
}

export async function startCoreClient(options: CoreClientOptions = {}): Promise<CoreClient> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'kf-core-')));
  const platform = createFakePlatform(options.osUser ? { osUser: options.osUser } : {});
  const events: CoreClient['events'] = [];
  const { logger } = createMemoryLogger('warn');
  const core = createCore({
    build: { name: 'Klinikfunk', version: '0.0.0-test', commit: 'test', date: '2026-12-01', electron: null },
    policy: options.policy ?? builtInPolicy(),
    platform,
    dataDir,
    log:
      options.log ??
      (process.env.KF_DEBUG
        ? createLogger(
            (r) => console.error(r.level, r.scope, r.message, JSON.stringify(r.fields ?? {})),
            'core',
            'debug',
          )
        : logger),
    ...(options.logFiles ? { logFiles: options.logFiles } : {}),
    emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void events.push({ event, payload }),
    deviceLabel: 'Stationsrechner Test',
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    transportTuning: {
      heartbeatMs: 2_000,
      backoff: { baseMs: 50, maxMs: 500 },
      ...(options.lateDeliveryMs ? { lateDeliveryMs: options.lateDeliveryMs } : {}),
    },
  });
  const router = createRouter({
    handlers: core.handlers,
    guards: core.guards,
    allowedOrigin: ORIGIN,
    validateOutput: true,
    log: logger,
  });
  const sender = { url: `${ORIGIN}/index.html`, isMainFrame: true };
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>) =>
    (await router.invoke(sender, method, input)) as Result<MethodOutput<M>>;
  return {
    core,
    platform,
    dataDir,
    events,
    call,
    async value(method, input) {
      const result = await call(method, input);
      if (!result.ok)
        throw Object.assign(new Error(`${method}: ${result.error.code} ${result.error.message}`), {
          code: result.error.code,
        });
      return result.value;
    },
    async close() {
      await core.close();
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
