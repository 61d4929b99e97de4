// The escalation policy of a role is a signed setting in the roles fold (features/roles/resolve.ts):
// whoever may define the role sets it, for every client alike; a member, even the role's holder,
// cannot, so nobody on duty can switch off the chain that watches them.
import { describe, expect, it } from 'vitest';
import type { RolePayload } from '@klinikfunk/protocol/domain/role-events.ts';
import { roleDefine, roleEscalation } from '@klinikfunk/protocol/domain/role-events.ts';
import { channelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import {
  foldRoles,
  type RoleAuthority,
  type RoleOp,
} from '../../../../apps/desktop/electron/core/features/roles/resolve.ts';

const T0 = Date.UTC(2026, 11, 7, 6, 0);
const authority: RoleAuthority = {
  isOrgAdmin: (userId) => userId === 'admin-0001',
  delegatedDepartments: (deviceId) => (deviceId === 'dept-dev-1' ? ['Innere'] : []),
  departmentOf: (userId) => ({ 'anna-0001': 'Innere', 'carl-0001': 'Chirurgie' })[userId],
};

let seq = 0;
const op = (sender: string, payload: RolePayload, device = `${sender}-dev`): RoleOp => {
  seq++;
  return {
    eventId: `evt-${seq}-esc1`,
    seq,
    relayAt: T0 + seq,
    createdAt: T0 + seq,
    senderUserId: sender,
    senderDeviceId: device,
    payload,
  };
};
const define = () =>
  roleDefine.parse({
    type: 'role.define',
    roleId: 'role-innere',
    name: 'Dienstarzt Innere',
    department: 'Innere',
    eligible: { userIds: [], departments: ['Innere'] },
    backupRoleId: null,
  });
const policy = { reAlertMinutes: 2, escalateMinutes: 10, chain: ['role-oberarzt'] };
const setting = (p: typeof policy | null) =>
  roleEscalation.parse({ type: 'role.escalation', roleId: 'role-innere', policy: p });
const hold = (userId: string): RolePayload => ({ type: 'role.hold', roleId: 'role-innere', userId });

describe('a role’s escalation policy', () => {
  it('is set by an organisation admin or the department’s admin, and removed again', () => {
    const byAdmin = foldRoles([op('admin-0001', define()), op('admin-0001', setting(policy))], authority);
    expect(byAdmin.roles.get('role-innere')?.escalation).toEqual(policy);
    const byDepartment = foldRoles(
      [op('admin-0001', define()), op('dora-0001', setting(policy), 'dept-dev-1')],
      authority,
    );
    expect(byDepartment.roles.get('role-innere')?.escalation).toEqual(policy);
    const removed = foldRoles(
      [op('admin-0001', define()), op('admin-0001', setting(policy)), op('admin-0001', setting(null))],
      authority,
    );
    expect(removed.roles.get('role-innere')?.escalation).toBeNull();
  });

  it('outlives a change of the role’s definition', () => {
    const fold = foldRoles(
      [op('admin-0001', define()), op('admin-0001', setting(policy)), op('admin-0001', define())],
      authority,
    );
    expect(fold.roles.get('role-innere')?.escalation).toEqual(policy);
  });

  it('is refused from a member, also from the role’s holder, and from another department’s admin', () => {
    const holderOff = op('anna-0001', setting(null));
    const other = op('carl-0001', setting({ ...policy, chain: [] }), 'dept-dev-2');
    const fold = foldRoles(
      [
        op('admin-0001', define()),
        op('admin-0001', setting(policy)),
        op('anna-0001', hold('anna-0001')),
        holderOff,
        other,
      ],
      authority,
    );
    expect(fold.refused.get(holderOff.eventId)).toBe('not_role_admin');
    expect(fold.refused.get(other.eventId)).toBe('not_role_admin');
    expect(fold.roles.get('role-innere')?.escalation).toEqual(policy);
  });

  it('is refused for an unknown role', () => {
    const orphan = op('admin-0001', setting(policy));
    expect(foldRoles([orphan], authority).refused.get(orphan.eventId)).toBe('unknown_role');
  });

  it('travels as its own event: a policy the schema refuses is no event at all', () => {
    const bad = { type: 'role.escalation', roleId: 'role-innere', policy: { ...policy, reAlertMinutes: 30 } };
    expect(channelEventPayload.safeParse(bad).success).toBe(false);
    expect(channelEventPayload.safeParse({ ...setting(policy), extra: 1 }).success).toBe(false);
  });
});
