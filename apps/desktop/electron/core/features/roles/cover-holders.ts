// The roles feature's answer to availability (a cover that is a role, features/kit/role-holders.ts):
// the role's name and who holds it at a moment, from the folded signed role events.
import type { RoleHolderLookup } from '../kit/role-holders.ts';
import { roleFoldOf } from './conversations.ts';
import { holdingAt } from './resolve.ts';

export const roleHoldersLookup: RoleHolderLookup = (store, roleId, at) => {
  const { repo, fold } = roleFoldOf(store);
  const state = fold.roles.get(roleId);
  if (!state || state.definition.retired) return null;
  return {
    name: state.definition.name,
    userIds: holdingAt(repo, state, at).userIds,
    backupRoleId: state.definition.backupRoleId,
  };
};
