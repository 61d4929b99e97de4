// The one rule for lists of the profile on screen (renderer lib/profile-change.ts; reactions, cover
// lines and pins use it): another profile, or none while locked, drops the list and moves the
// generation on, so an answer asked for before is not shown after; the same profile again keeps it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KlinikfunkBridge } from '@klinikfunk/protocol/api/bridge.ts';
import { onProfileChange } from '../../../apps/desktop/renderer/src/lib/profile-change.ts';

type Heard = (payload: unknown) => void;
let sessionListeners: Heard[] = [];
const session = (state: string, activeProfileId: string | null) =>
  sessionListeners.forEach((l) => l({ state, activeProfileId }));

beforeEach(() => {
  sessionListeners = [];
  const bridge: Pick<KlinikfunkBridge, 'on'> = {
    on: (event, listener) => {
      if (event === 'session.changed') sessionListeners.push(listener as Heard);
      return () => {};
    },
  };
  vi.stubGlobal('window', { klinikfunk: bridge });
});
afterEach(() => vi.unstubAllGlobals());

describe('lists of the profile on screen', () => {
  it('drop on lock and on another profile, not on the same one unlocked again in a row', () => {
    const drop = vi.fn();
    const scope = onProfileChange(drop);
    session('unlocked', 'profile-anna');
    expect(drop).toHaveBeenCalledTimes(1);
    const asked = scope.generation;
    session('unlocked', 'profile-anna');
    expect(drop).toHaveBeenCalledTimes(1);
    expect(scope.generation).toBe(asked);
    session('locked', 'profile-anna');
    expect(drop).toHaveBeenCalledTimes(2);
    expect(scope.generation).not.toBe(asked);
    session('unlocked', 'profile-bernd');
    expect(drop).toHaveBeenCalledTimes(3);
  });
});
