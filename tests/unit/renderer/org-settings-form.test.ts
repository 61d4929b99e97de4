import { describe, expect, it } from 'vitest';
import type { OrgSettingsView } from '@klinikfunk/protocol/api/features/org-settings.ts';
import { afterSave, formFrom, receive } from '../../../apps/desktop/renderer/src/components/admin/org-settings-form.ts';

function view(retentionDays: number, readReceipts = true): OrgSettingsView {
  const org = {
    retentionDays,
    readReceipts,
    notificationContent: 'sender' as const,
    historyForNewMembers: false,
    roleHistoryForPreviousHolders: false,
    alertSenderRoleIds: [],
    availability: false,
  };
  return { org, effective: org, overriddenByPolicy: [], issuedAt: null, issuedByName: null };
}

describe('org settings form', () => {
  it('shows the first settings that arrive', () => {
    const form = receive(null, view(30));
    expect(form.fields.retention).toBe('30');
    expect(form.newer).toBeNull();
  });

  it('takes newer settings while the admin has changed nothing', () => {
    const form = receive(formFrom(view(30)), view(90, false));
    expect(form.fields).toMatchObject({ retention: '90', readReceipts: false });
    expect(form.newer).toBeNull();
  });

  it('keeps what the admin typed when settings arrive later, and says when they differ', () => {
    const form = formFrom(view(0));
    form.fields.retention = 'abc';
    const same = receive(form, view(0));
    expect(same.fields.retention).toBe('abc');
    expect(same.newer).toBeNull();
    const changed = receive(form, view(60, false));
    expect(changed.fields).toMatchObject({ retention: 'abc', readReceipts: true });
    expect(changed.newer?.org.retentionDays).toBe(60);
  });

  it('keeps a changed checkbox too', () => {
    const form = formFrom(view(0));
    form.fields.historyForNewMembers = true;
    expect(receive(form, view(0)).fields.historyForNewMembers).toBe(true);
  });

  it('keeps the roles ticked to send alerts, and saves those another admin set when nothing was edited', () => {
    const form = formFrom(view(0));
    form.fields.alertSenderRoleIds = ['role-oberarzt-1'];
    expect(receive(form, view(0)).fields.alertSenderRoleIds).toEqual(['role-oberarzt-1']);
    const other = view(0);
    const set = { ...other, org: { ...other.org, alertSenderRoleIds: ['role-pflege-01'] } };
    // Unedited, the form takes them, so a save of another setting does not drop them.
    expect(receive(formFrom(view(0)), set).fields.alertSenderRoleIds).toEqual(['role-pflege-01']);
  });

  it('after a save shows the saved settings, unless the admin edited during the save', () => {
    const form = formFrom(view(0));
    form.fields.retention = '30';
    const sent = { ...form.fields };
    const done = afterSave(form, sent, view(30));
    expect(done.fields.retention).toBe('30');
    expect(receive(done, view(45)).fields.retention).toBe('45');
    form.fields.retention = '31';
    const editedMeanwhile = afterSave(form, sent, view(30));
    expect(editedMeanwhile.fields.retention).toBe('31');
    expect(editedMeanwhile.base.retention).toBe('30');
    expect(editedMeanwhile.newer).toBeNull();
  });
});
