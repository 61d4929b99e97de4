// What every group of IPC handlers receives from the composition root.
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import type { EventName } from '@klinikfunk/protocol/api/names.ts';
import type { EventPayload } from '@klinikfunk/protocol/api/contract.ts';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { Platform } from '../platform/platform.ts';
import type { EffectivePolicy } from '../policy/resolve.ts';
import type { BuildInfo } from './app-info.ts';
import type { ProfileRuntime } from './profile-runtime.ts';
import type { SessionService } from './session-service.ts';

/**
 * What every group of handlers is made from: each group is one function of this context
 * (`xHandlers(ctx): Pick<ProfileHandlers, Names>`) whose handlers hand their call to a service
 * (a feature's per-profile service, features/x/service.ts) in a few lines.
 */
export interface HandlerContext {
  sessions: SessionService;
  clock: Clock;
  policy: EffectivePolicy;
  platform: Platform;
  log: Logger;
  /** Sends an event to the renderer at once (wiring.ts coalesces its own change events). */
  emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  build: BuildInfo;
  /** This workstation's log files, oldest first (none where the shell keeps no log file). */
  logFiles: () => Promise<string[]>;
  /** The change feed's version of a channel (changes/change-feed.ts), read before a page of it. */
  channelVersion: (channelId: string) => number;
}

/**
 * The core's handler table: a `requires: 'member'` method's handler gets the runtime the router
 * checked (`call.runtime`) and acts on it, not on `sessions.visible()` read again.
 */
export type ProfileHandlers = Handlers<ProfileRuntime>;
