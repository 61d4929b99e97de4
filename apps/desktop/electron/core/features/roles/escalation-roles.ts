// The roles feature's answer to escalation (features/escalation/plan.ts `roleAt`): a role's name,
// backup and holders at a moment, from the folded signed role events.
import { holdingAt, type RoleAuthority, type RoleFold } from './resolve.ts';

export function roleAtFrom(fold: RoleFold, authority: RoleAuthority) {
  return (roleId: string, t: number) => {
    const state = fold.roles.get(roleId);
    if (!state) return null;
    return {
      name: state.definition.name,
      retired: state.definition.retired,
      backupRoleId: state.definition.backupRoleId,
      holderUserIds: holdingAt(authority, state, t).userIds,
    };
  };
}
