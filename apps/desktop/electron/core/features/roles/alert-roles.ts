// The roles feature's answer to templates and alerts (features/alerts/service.ts `RolePort`): who
// holds a role at a moment (a role named in the organisation's settings may send alerts), a
// role's name for a template's target, and the fold's cache key.
import type { ProfileStore } from '../../store/profile-store.ts';
import { roleFoldOf } from './conversations.ts';
import { roleRepository } from './repository.ts';
import { holdingAt } from './resolve.ts';

export const alertRolePort = {
  holdsRole(store: ProfileStore, userId: string, roleId: string, at: number): boolean {
    const { repo, fold } = roleFoldOf(store);
    const state = fold.roles.get(roleId);
    if (!state || state.definition.retired) return false;
    return holdingAt(repo, state, at).userIds.includes(userId);
  },
  roleName(store: ProfileStore, roleId: string): string | null {
    return roleFoldOf(store).fold.roles.get(roleId)?.definition.name ?? null;
  },
  version(store: ProfileStore): string {
    return store.repository(roleRepository).version();
  },
};
