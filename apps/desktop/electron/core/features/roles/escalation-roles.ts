// The roles feature's answer to escalation (features/escalation/plan.ts `roleAt`): a role's name,
// backup and holders at a moment, from the folded signed role events; and the escalation policy of
// a conversation with a role (the role's signed setting), handed to the escalation feature by
// features/registry.ts.
import type { EscalationPolicy } from '@klinikfunk/protocol/domain/escalation.ts';
import type { ProfileStore } from '../../store/profile-store.ts';
import { roleFoldOf } from './conversations.ts';
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

export interface RoleEscalation {
  policy: EscalationPolicy;
  /** The role the conversation is with: "Eskaliert von Dienstarzt Innere". */
  fromName: string;
  roleAt: ReturnType<typeof roleAtFrom>;
}

/** The policy in force for urgent messages in a conversation with a role; null: not one, or none set. */
export function roleEscalationOf(store: ProfileStore, channelId: string): RoleEscalation | null {
  const { repo, fold } = roleFoldOf(store);
  const row = repo.conversation(channelId);
  const state = row ? fold.roles.get(row.roleId) : undefined;
  if (!state || state.definition.retired || !state.escalation) return null;
  return { policy: state.escalation, fromName: state.definition.name, roleAt: roleAtFrom(fold, repo) };
}
