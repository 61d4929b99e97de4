// Who an urgent message escalates to, and when, decided by the sender's device when it sends the
// message (docs/protocol.md "Escalation"): step n goes out n × escalateMinutes after sending, to
// whoever holds the n-th role of the policy's chain at that moment by the signed roles and
// rosters (`roleAt`: features/roles/resolve.ts holdingAt, handed in by the wiring, since a feature
// imports no other), or, when nobody does, to the holders of its backup role.
// A roster handover between sending and the deadline is therefore already counted; a manual
// takeover after sending is not (the envelopes are sealed by then).
import type { EscalationPolicy } from '@klinikfunk/protocol/domain/escalation.ts';

export interface RecipientDevice {
  deviceId: string;
  userId: string;
  boxPublicKey: Uint8Array;
}

export interface PlannedStep {
  /** 1 for the first role after the holder. */
  step: number;
  delayMs: number;
  roleId: string;
  roleName: string;
  userIds: string[];
  devices: RecipientDevice[];
}

/** The result: steps with somebody to reach, and chain roles that had nobody (shown to the sender). */
export interface EscalationPlan {
  steps: PlannedStep[];
  unreachable: Array<{ step: number; roleId: string }>;
}

export interface RoleAt {
  name: string;
  retired: boolean;
  backupRoleId: string | null;
  holderUserIds: readonly string[];
}

export interface PlanInput {
  policy: EscalationPolicy;
  /** A role as the signed role events say at t (holders as holdingAt gives them); null: unknown. */
  roleAt(roleId: string, t: number): RoleAt | null;
  /** When the urgent message is sent (the sender's best knowledge of relay time). */
  sentAt: number;
  /** Active devices of a user, with their box keys (the directory). */
  devicesOf(userId: string): RecipientDevice[];
}

/** Holders of the role at t, or of the first backup role along its chain that has some. */
function reachable(
  input: PlanInput,
  roleId: string,
  t: number,
): { roleId: string; roleName: string; userIds: string[] } | null {
  const seen = new Set<string>();
  for (let id: string | null = roleId; id !== null && !seen.has(id);) {
    seen.add(id);
    const role = input.roleAt(id, t);
    if (!role || role.retired) return null;
    if (role.holderUserIds.length > 0) return { roleId: id, roleName: role.name, userIds: [...role.holderUserIds] };
    id = role.backupRoleId;
  }
  return null;
}

export function planEscalation(input: PlanInput): EscalationPlan {
  const plan: EscalationPlan = { steps: [], unreachable: [] };
  input.policy.chain.forEach((roleId, i) => {
    const step = i + 1;
    const delayMs = step * input.policy.escalateMinutes * 60_000;
    const found = reachable(input, roleId, input.sentAt + delayMs);
    const devices = found ? found.userIds.flatMap((u) => input.devicesOf(u)) : [];
    if (!found || devices.length === 0) return void plan.unreachable.push({ step, roleId });
    plan.steps.push({ step, delayMs, roleId: found.roleId, roleName: found.roleName, userIds: found.userIds, devices });
  });
  return plan;
}
