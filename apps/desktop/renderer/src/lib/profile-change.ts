// Lists that outlive the main view (reactions, cover lines, pins of the open channel) belong to the
// profile on screen: a colleague unlocking next on a shared workstation must not see the previous
// person's, nor may they stay in memory while the workstation is locked. One rule for all of them.
import type { EventPayload } from '@klinikfunk/protocol/api/contract.ts';
import { listen } from './api.ts';

/** The profile on screen for a session state: none while locked or signed out. */
export const visibleProfile = (next: EventPayload<'session.changed'>): string | null =>
  next.state === 'unlocked' ? next.activeProfileId : null;

/**
 * Calls `drop` whenever another profile (or none) comes on screen, and returns a generation counter
 * a caller compares after an await: an answer asked for before the change is not shown after it.
 */
export function onProfileChange(drop: () => void): { readonly generation: number } {
  let profile: string | null = null;
  const state = { generation: 0 };
  listen('session.changed', (next) => {
    const visible = visibleProfile(next);
    if (visible === profile) return;
    profile = visible;
    state.generation++;
    drop();
  });
  return state;
}
