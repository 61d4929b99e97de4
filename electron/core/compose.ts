// The composition root of the core: builds every service once from what the shell provides and
// returns the IPC handlers. Electron main and the test harness both call this, so the harness
// runs the same core the desktop app runs.
import type { EventName } from '../../shared/api/names.ts';
import type { EventPayload, SessionStatus } from '../../shared/api/contract.ts';
import type { Handlers } from '../ipc/router.ts';
import { appInfo, type BuildInfo } from './app/app-info.ts';
import type { Logger } from './log/logger.ts';
import type { Platform } from './platform/platform.ts';
import type { EffectivePolicy } from './policy/resolve.ts';

/** Delivers an event to the renderer (webContents.send in Electron, a WebSocket in the harness). */
export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface CoreDeps {
  build: BuildInfo;
  /** Resolved machine policy (registry, policy file, defaults). */
  policy: EffectivePolicy;
  platform: Platform;
  /** Root folder for this workstation's profiles. */
  dataDir: string;
  log: Logger;
  emit: EventSink;
}

export interface Core {
  handlers: Handlers;
  close(): Promise<void>;
}

export function createCore(deps: CoreDeps): Core {
  const sessionStatus = (): SessionStatus => ({ state: 'no_profiles', profileCount: 0, activeProfileId: null });

  const handlers: Handlers = {
    'app.info': () => appInfo(deps.build, deps.policy),
    'session.status': () => sessionStatus(),
  };

  return {
    handlers,
    close: async () => {},
  };
}
