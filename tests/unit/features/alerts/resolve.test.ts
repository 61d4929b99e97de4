// Who may define templates and send broadcast alerts, who an alert reaches and who acknowledged
// it (features/alerts/resolve.ts): pure, so every client with the same log answers the same; the
// directory facts and role holdings come from a table here (the store's reading of the signed
// records is tested through the relay in tests/integration/collab/alerts.test.ts).
import { describe, expect, it } from 'vitest';
import type { AlertPayload } from '@klinikfunk/protocol/domain/alert-events.ts';
import { alertSend, templateDefine } from '@klinikfunk/protocol/domain/alert-events.ts';
import {
  foldAlerts,
  type AlertAuthority,
  type AlertOp,
} from '../../../../apps/desktop/electron/core/features/alerts/resolve.ts';

const T0 = Date.UTC(2026, 11, 7, 6, 0);
const H = 3600_000;

const departments: Record<string, string | null> = {
  'admin-0001': null,
  'anna-0001': 'Innere',
  'bert-0001': 'Innere',
  'carl-0001': 'Chirurgie',
  'dora-0001': null,
  'gone-0001': 'Innere',
};

/** admin-0001 is an org admin; dept-dev-1 administers Innere; carl holds the role the settings name from T0 + 1 h. */
const authority = (senderRoles: string[] = []): AlertAuthority => ({
  isOrgAdmin: (userId) => userId === 'admin-0001',
  delegatedDepartments: (deviceId) => (deviceId === 'dept-dev-1' ? ['Innere'] : deviceId === 'all-dev-1' ? 'all' : []),
  departmentOf: (userId, at) => (userId === 'gone-0001' && at >= T0 + 2 * H ? undefined : departments[userId]),
  userIds: () => Object.keys(departments),
  alertSenderRoleIds: () => senderRoles,
  holdsRole: (userId, roleId, at) => userId === 'carl-0001' && roleId === 'role-oberarzt' && at >= T0 + H,
});

let seq = 0;
function op(sender: string, payload: AlertPayload, at: number, device = `${sender}-dev`): AlertOp {
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

const template = (extra: Record<string, unknown> = {}) =>
  templateDefine.parse({
    type: 'template.define',
    templateId: 'tpl-sturz-01',
    name: 'Sturz',
    text: 'Sturz – Zimmer {Zimmer}',
    department: 'Innere',
    target: { kind: 'department', department: 'Innere' },
    ...extra,
  });

const alert = (alertId: string, audience: Record<string, unknown> = { kind: 'everyone' }) =>
  alertSend.parse({ type: 'alert.send', alertId, text: 'Reanimation – Zimmer 12', audience, templateId: null });

describe('templates', () => {
  it('a member cannot define one; an admin can, a department admin for the department only', () => {
    const member = op('anna-0001', template(), T0);
    const deptOther = op(
      'bert-0001',
      template({ templateId: 'tpl-chir-001', department: 'Chirurgie' }),
      T0,
      'dept-dev-1',
    );
    const deptOrg = op('bert-0001', template({ templateId: 'tpl-org-0001', department: null }), T0, 'dept-dev-1');
    const dept = op('bert-0001', template(), T0, 'dept-dev-1');
    const admin = op('admin-0001', template({ templateId: 'tpl-org-0001', department: null }), T0);
    const fold = foldAlerts([member, deptOther, deptOrg, dept, admin], authority());
    expect(fold.refused.get(member.eventId)).toBe('not_template_admin');
    expect(fold.refused.get(deptOther.eventId)).toBe('not_template_admin');
    expect(fold.refused.get(deptOrg.eventId)).toBe('not_template_admin');
    expect(fold.refused.has(dept.eventId)).toBe(false);
    expect(fold.refused.has(admin.eventId)).toBe(false);
    expect([...fold.templates.keys()].sort()).toEqual(['tpl-org-0001', 'tpl-sturz-01']);
  });

  it('a department admin cannot take over a template of the organisation or move one out of another department', () => {
    const org = op('admin-0001', template({ department: null }), T0);
    const takeover = op('bert-0001', template({ name: 'Übernommen' }), T0 + 1, 'dept-dev-1');
    const fold = foldAlerts([org, takeover], authority());
    expect(fold.refused.get(takeover.eventId)).toBe('not_template_admin');
    expect(fold.templates.get('tpl-sturz-01')?.definition.name).toBe('Sturz');
  });
});

describe('broadcast alerts', () => {
  it('a member’s forged alert counts nowhere; admins, department admins for their department and holders of a named role may send', () => {
    const forged = op('anna-0001', alert('alert-forged'), T0);
    const deptEveryone = op('bert-0001', alert('alert-dept-all'), T0, 'dept-dev-1');
    const deptOwn = op(
      'bert-0001',
      alert('alert-dept-own', { kind: 'department', department: 'Innere' }),
      T0,
      'dept-dev-1',
    );
    const allDelegation = op('dora-0001', alert('alert-all-dele'), T0, 'all-dev-1');
    const roleBefore = op('carl-0001', alert('alert-role-early'), T0);
    const roleHolder = op('carl-0001', alert('alert-role-late'), T0 + H);
    const admin = op('admin-0001', alert('alert-admin-01'), T0);
    const ops = [forged, deptEveryone, deptOwn, allDelegation, roleBefore, roleHolder, admin];
    // Default: no role named, so the holder may not either.
    const byDefault = foldAlerts(ops, authority());
    expect(byDefault.refused.get(roleHolder.eventId)).toBe('not_alert_sender');
    const fold = foldAlerts(ops, authority(['role-oberarzt']));
    expect(fold.refused.get(forged.eventId)).toBe('not_alert_sender');
    expect(fold.refused.get(deptEveryone.eventId)).toBe('not_alert_sender');
    expect(fold.refused.get(roleBefore.eventId)).toBe('not_alert_sender');
    expect([...fold.alerts.keys()].sort()).toEqual(
      ['alert-admin-01', 'alert-all-dele', 'alert-dept-own', 'alert-role-late'].sort(),
    );
  });

  it('reaches the audience’s active users at its relay time, the sender excepted', () => {
    const dept = op('admin-0001', alert('alert-innere1', { kind: 'department', department: 'Innere' }), T0);
    const later = op('admin-0001', alert('alert-innere2', { kind: 'department', department: 'Innere' }), T0 + 3 * H);
    const everyone = op('bert-0001', alert('alert-every01'), T0, 'all-dev-1');
    const fold = foldAlerts([dept, later, everyone], authority());
    expect(fold.alerts.get('alert-innere1')?.recipients).toEqual(['anna-0001', 'bert-0001', 'gone-0001']);
    expect(fold.alerts.get('alert-innere2')?.recipients).toEqual(['anna-0001', 'bert-0001']);
    expect(fold.alerts.get('alert-every01')?.recipients).toEqual([
      'admin-0001',
      'anna-0001',
      'carl-0001',
      'dora-0001',
      'gone-0001',
    ]);
  });

  it('counts each recipient’s first acknowledgement; others’, unknown alerts and replays are refused', () => {
    const sent = op('admin-0001', alert('alert-innere1', { kind: 'department', department: 'Innere' }), T0);
    const anna = op('anna-0001', { type: 'alert.ack', alertId: 'alert-innere1' }, T0 + 60_000);
    const annaAgain = op('anna-0001', { type: 'alert.ack', alertId: 'alert-innere1' }, T0 + 120_000, 'anna-dev-2');
    const carl = op('carl-0001', { type: 'alert.ack', alertId: 'alert-innere1' }, T0 + 60_000);
    const sender = op('admin-0001', { type: 'alert.ack', alertId: 'alert-innere1' }, T0 + 60_000);
    const unknown = op('bert-0001', { type: 'alert.ack', alertId: 'alert-unknown' }, T0 + 60_000);
    const duplicate = op('admin-0001', alert('alert-innere1'), T0 + 60_000);
    const fold = foldAlerts(
      [sent, anna, annaAgain, carl, sender, unknown, duplicate, { ...anna, seq: 99 }],
      authority(),
    );
    const state = fold.alerts.get('alert-innere1')!;
    expect([...state.acks]).toEqual([['anna-0001', T0 + 60_000]]);
    expect(fold.refused.get(carl.eventId)).toBe('not_recipient');
    expect(fold.refused.get(sender.eventId)).toBe('not_recipient');
    expect(fold.refused.get(unknown.eventId)).toBe('unknown_alert');
    expect(fold.refused.get(duplicate.eventId)).toBe('duplicate_alert');
    expect(state.payload.audience).toEqual({ kind: 'department', department: 'Innere' });
    expect(fold.refused.has(annaAgain.eventId)).toBe(false);
    expect(fold.refused.get(anna.eventId)).toBe('replayed');
  });
});
