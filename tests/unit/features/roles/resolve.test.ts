// The roles fold and its conflict rule (features/roles/resolve.ts): pure, so every client with the
// same log answers the same; the directory facts come from a table here (the store's reading of
// the signed records is tested through the relay in tests/integration/collab/roles.test.ts).
import { describe, expect, it } from 'vitest';
import type { RolePayload } from '@klinikfunk/protocol/domain/role-events.ts';
import { roleDefine, roleSchedule } from '@klinikfunk/protocol/domain/role-events.ts';
import {
  foldRoles,
  holdRefusal,
  holdersAt,
  type RoleAuthority,
  type RoleOp,
} from '../../../../apps/desktop/electron/core/features/roles/resolve.ts';
import { berlinLocalToUtc } from '../../../../apps/desktop/electron/core/features/roles/roster-import.ts';

const H = 3600_000;
const T0 = Date.UTC(2026, 11, 7, 6, 0); // a Monday, 07:00 in Berlin

/** admin-0001 is an org admin; dept-dev-1 holds a delegation for Innere; users by department. */
const authority: RoleAuthority = {
  isOrgAdmin: (userId) => userId === 'admin-0001',
  delegatedDepartments: (deviceId) => (deviceId === 'dept-dev-1' ? ['Innere'] : []),
  departmentOf: (userId) =>
    ({ 'anna-0001': 'Innere', 'bert-0001': 'Innere', 'carl-0001': 'Chirurgie', 'dora-0001': null })[userId] as
      string | null | undefined,
};

let seq = 0;
function op(sender: string, payload: RolePayload, at: number, device = `${sender}-dev`): RoleOp {
  seq++;
  return {
    eventId: `evt-${seq}-xxxx`,
    seq,
    relayAt: at,
    createdAt: at,
    senderUserId: sender,
    senderDeviceId: device,
    payload,
  };
}

const define = (extra: Partial<RolePayload> = {}) =>
  roleDefine.parse({
    type: 'role.define',
    roleId: 'role-innere',
    name: 'Dienstarzt Innere',
    department: 'Innere',
    eligible: { userIds: ['dora-0001'], departments: ['Innere'] },
    backupRoleId: null,
    ...extra,
  });

const schedule = (from: number, to: number, entries: Array<[string, number, number]>) =>
  roleSchedule.parse({
    type: 'role.schedule',
    roleId: 'role-innere',
    from,
    to,
    entries: entries.map(([userId, start, end]) => ({ userId, start, end })),
    source: 'dienstplan.ics',
  });

const hold = (userId: string | null): RolePayload => ({ type: 'role.hold', roleId: 'role-innere', userId });

function stateOf(ops: RoleOp[]) {
  const fold = foldRoles(ops, authority);
  return { fold, state: fold.roles.get('role-innere')! };
}

describe('who may define a role', () => {
  it('an organisation admin may; an ordinary member may not', () => {
    const { fold } = stateOf([op('anna-0001', define(), T0)]);
    expect(fold.roles.size).toBe(0);
    expect([...fold.refused.values()]).toEqual(['not_role_admin']);
    expect(stateOf([op('admin-0001', define(), T0)]).fold.roles.size).toBe(1);
  });

  it('a department admin only in the departments of the delegation, also when moving a role', () => {
    const own = op('bert-0001', define(), T0, 'dept-dev-1');
    const other = op('bert-0001', define({ roleId: 'role-chir', department: 'Chirurgie' } as never), T0, 'dept-dev-1');
    const moved = op('bert-0001', define({ department: 'Chirurgie' } as never), T0 + 1, 'dept-dev-1');
    const { fold } = stateOf([own, other, moved]);
    expect(fold.roles.has('role-innere')).toBe(true);
    expect(fold.roles.get('role-innere')!.definition.department).toBe('Innere');
    expect(fold.refused.get(other.eventId)).toBe('not_role_admin');
    expect(fold.refused.get(moved.eventId)).toBe('not_role_admin');
  });

  it('refuses a schedule from a member, and one naming a user who may not hold the role', () => {
    const ok = schedule(T0, T0 + 24 * H, [['anna-0001', T0, T0 + 12 * H]]);
    const stranger = schedule(T0, T0 + 24 * H, [['carl-0001', T0, T0 + 12 * H]]);
    const byMember = op('anna-0001', ok, T0 + 2);
    const withStranger = op('admin-0001', stranger, T0 + 3);
    const { fold, state } = stateOf([op('admin-0001', define(), T0), byMember, withStranger]);
    expect(fold.refused.get(byMember.eventId)).toBe('not_role_admin');
    expect(fold.refused.get(withStranger.eventId)).toBe('not_eligible');
    expect(state.layers).toEqual([]);
  });
});

describe('holding a role', () => {
  const base = () => [op('admin-0001', define(), T0 - H)];

  it('a user named or of a named department may take it; anyone else is refused with not_eligible', () => {
    const byCarl = op('carl-0001', hold('carl-0001'), T0);
    const byDora = op('dora-0001', hold('dora-0001'), T0 + 1);
    const { fold, state } = stateOf([...base(), byCarl, byDora]);
    expect(fold.refused.get(byCarl.eventId)).toBe('not_eligible');
    expect(holdersAt(state, T0 + 2)).toMatchObject({ userIds: ['dora-0001'], source: 'manual', since: T0 + 1 });
  });

  it('hands on only from the holder (or a role admin), only to someone eligible; the answer ahead of sending is the fold’s', () => {
    const ops = [...base(), op('anna-0001', hold('anna-0001'), T0)];
    const byBert = op('bert-0001', hold('dora-0001'), T0 + 1);
    const toCarl = op('anna-0001', hold('carl-0001'), T0 + 2);
    const toBert = op('anna-0001', hold('bert-0001'), T0 + 3);
    const { fold, state } = stateOf([...ops, byBert, toCarl, toBert]);
    expect(fold.refused.get(byBert.eventId)).toBe('not_holder');
    expect(fold.refused.get(toCarl.eventId)).toBe('not_eligible');
    expect(holdersAt(state, T0 + 4).userIds).toEqual(['bert-0001']);
    const ahead = holdRefusal(foldRoles(ops, authority), authority, { ...byBert, payload: hold('dora-0001') as never });
    expect(ahead).toBe('not_holder');
  });

  it('refuses a replayed event id and a hold of an unknown or retired role', () => {
    const take = op('anna-0001', hold('anna-0001'), T0);
    const retire = op('admin-0001', define({ retired: true } as never), T0 + 5);
    const late = op('bert-0001', hold('bert-0001'), T0 + 6);
    const { fold, state } = stateOf([...base(), take, { ...take, seq: 99, relayAt: T0 + 10 }, retire, late]);
    expect(fold.refused.get(take.eventId)).toBe('replayed');
    expect(fold.refused.get(late.eventId)).toBe('retired_role');
    expect(state.manual).toMatchObject({ userId: 'anna-0001', at: T0 });
    const unknown = op('anna-0001', { type: 'role.hold', roleId: 'role-nowhere', userId: 'anna-0001' }, T0);
    expect(foldRoles([unknown], authority).refused.get(unknown.eventId)).toBe('unknown_role');
  });
});

describe('schedule resolution', () => {
  const day = (from: number) =>
    schedule(from, from + 24 * H, [
      ['anna-0001', from, from + 12 * H],
      ['bert-0001', from + 12 * H, from + 24 * H],
    ]);

  it('follows the schedule across a handover, with since and the next handover', () => {
    const { state } = stateOf([op('admin-0001', define(), T0 - H), op('admin-0001', day(T0), T0 - H)]);
    expect(holdersAt(state, T0 + H)).toEqual({
      userIds: ['anna-0001'],
      since: T0,
      source: 'schedule',
      nextHandover: T0 + 12 * H,
    });
    expect(holdersAt(state, T0 + 12 * H)).toMatchObject({ userIds: ['bert-0001'], since: T0 + 12 * H });
    expect(holdersAt(state, T0 + 24 * H)).toEqual({ userIds: [], since: null, source: 'none', nextHandover: null });
  });

  it('overlapping entries: all their users hold it; a gap: nobody', () => {
    const s = schedule(T0, T0 + 24 * H, [
      ['anna-0001', T0, T0 + 10 * H],
      ['bert-0001', T0 + 8 * H, T0 + 12 * H],
    ]);
    const { state } = stateOf([op('admin-0001', define(), T0 - H), op('admin-0001', s, T0 - H)]);
    expect(holdersAt(state, T0 + 9 * H)).toMatchObject({ userIds: ['anna-0001', 'bert-0001'], since: T0 + 8 * H });
    expect(holdersAt(state, T0 + 13 * H)).toMatchObject({ userIds: [], source: 'none' });
  });

  it('a newer import decides the moments it covers; the older one the rest', () => {
    const newer = schedule(T0 + 6 * H, T0 + 18 * H, [['dora-0001', T0 + 6 * H, T0 + 18 * H]]);
    const { state } = stateOf([
      op('admin-0001', define(), T0 - H),
      op('admin-0001', day(T0), T0 - H),
      op('admin-0001', newer, T0),
    ]);
    expect(holdersAt(state, T0 + H).userIds).toEqual(['anna-0001']);
    expect(holdersAt(state, T0 + 7 * H).userIds).toEqual(['dora-0001']);
    expect(holdersAt(state, T0 + 19 * H).userIds).toEqual(['bert-0001']);
  });

  it('a manual takeover overrides the schedule until the next scheduled handover, then the schedule rules', () => {
    const take = op('dora-0001', hold('dora-0001'), T0 + 2 * H);
    const { state } = stateOf([op('admin-0001', define(), T0 - H), op('admin-0001', day(T0), T0 - H), take]);
    expect(holdersAt(state, T0 + H).userIds).toEqual(['anna-0001']);
    expect(holdersAt(state, T0 + 11 * H)).toMatchObject({
      userIds: ['dora-0001'],
      source: 'manual',
      since: T0 + 2 * H,
      nextHandover: T0 + 12 * H,
    });
    expect(holdersAt(state, T0 + 12 * H)).toMatchObject({
      userIds: ['bert-0001'],
      source: 'schedule',
      since: T0 + 12 * H,
    });
  });

  it('giving a role up leaves it unheld until the next handover; a takeover in a gap lasts until the schedule starts', () => {
    const s = schedule(T0 + 4 * H, T0 + 8 * H, [['anna-0001', T0 + 4 * H, T0 + 8 * H]]);
    const ops = [
      op('admin-0001', define(), T0 - H),
      op('admin-0001', s, T0 - H),
      op('bert-0001', hold('bert-0001'), T0),
    ];
    expect(holdersAt(stateOf(ops).state, T0 + 3 * H)).toMatchObject({
      userIds: ['bert-0001'],
      nextHandover: T0 + 4 * H,
    });
    expect(holdersAt(stateOf(ops).state, T0 + 4 * H).userIds).toEqual(['anna-0001']);
    const giveUp = op('anna-0001', hold(null), T0 + 5 * H);
    const { state } = stateOf([...ops, giveUp]);
    expect(holdersAt(state, T0 + 6 * H)).toMatchObject({ userIds: [], source: 'none', nextHandover: T0 + 8 * H });
  });

  it('of two takeovers the later in the relay’s order wins, whatever the senders’ clocks say', () => {
    const first = { ...op('anna-0001', hold('anna-0001'), T0 + H), createdAt: T0 + 5 * H };
    const second = { ...op('bert-0001', hold('bert-0001'), T0 + H + 1), createdAt: T0 };
    const { state } = stateOf([op('admin-0001', define(), T0 - H), first, second]);
    expect(holdersAt(state, T0 + 2 * H).userIds).toEqual(['bert-0001']);
  });

  it('a night duty over the spring DST change lasts 7 hours, over the autumn change 9, in Europe/Berlin', () => {
    const springStart = berlinLocalToUtc('2027-03-27 22:00') as number;
    const springEnd = berlinLocalToUtc('2027-03-28 06:00') as number;
    const autumnStart = berlinLocalToUtc('2027-10-30 22:00') as number;
    const autumnEnd = berlinLocalToUtc('2027-10-31 06:00') as number;
    expect(springEnd - springStart).toBe(7 * H);
    expect(autumnEnd - autumnStart).toBe(9 * H);
    const s = schedule(springStart, autumnEnd, [
      ['anna-0001', springStart, springEnd],
      ['bert-0001', autumnStart, autumnEnd],
    ]);
    const { state } = stateOf([op('admin-0001', define(), springStart - H), op('admin-0001', s, springStart - H)]);
    // 05:59 summer time is 03:59 UTC; 06:00 summer time ends it.
    expect(holdersAt(state, Date.UTC(2027, 2, 28, 3, 59)).userIds).toEqual(['anna-0001']);
    expect(holdersAt(state, Date.UTC(2027, 2, 28, 4, 0)).userIds).toEqual([]);
    // The repeated hour 02:00-03:00 happens twice; both are inside Bert's night.
    expect(holdersAt(state, Date.UTC(2027, 9, 31, 0, 30)).userIds).toEqual(['bert-0001']);
    expect(holdersAt(state, Date.UTC(2027, 9, 31, 1, 30)).userIds).toEqual(['bert-0001']);
    expect(holdersAt(state, Date.UTC(2027, 9, 31, 5, 0)).userIds).toEqual([]);
  });
});
