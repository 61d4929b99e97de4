// The policy form's values against the org settings they started from. Settings that arrive
// (the first load, the answer to a save) fill the form only while the admin has changed nothing:
// on a slow PC the first answer used to land after the admin had typed and replaced the input.
import type { OrgSettingsView } from '@klinikfunk/protocol/api/features/org-settings.ts';

export interface OrgSettingsFields {
  /** As typed: checked on save, so "abc" stays visible with its error. */
  retention: string;
  readReceipts: boolean;
  notificationContent: OrgSettingsView['org']['notificationContent'];
  historyForNewMembers: boolean;
  roleHistoryForPreviousHolders: boolean;
  /** The roles whose holders may send broadcast alerts too (ticked per role). */
  alertSenderRoleIds: string[];
  availability: boolean;
}

export interface OrgSettingsForm {
  fields: OrgSettingsFields;
  /** The settings the fields started from; fields differing from it are the admin's edits. */
  base: OrgSettingsFields;
  /** Settings arrived that differ from `base` while the admin had edits: they are kept, the form says so. */
  newer: OrgSettingsView | null;
}

export function fieldsOf(view: OrgSettingsView): OrgSettingsFields {
  return {
    retention: String(view.org.retentionDays),
    readReceipts: view.org.readReceipts,
    notificationContent: view.org.notificationContent,
    historyForNewMembers: view.org.historyForNewMembers,
    roleHistoryForPreviousHolders: view.org.roleHistoryForPreviousHolders,
    alertSenderRoleIds: [...view.org.alertSenderRoleIds],
    availability: view.org.availability,
  };
}

export function sameFields(a: OrgSettingsFields, b: OrgSettingsFields): boolean {
  return (
    a.retention.trim() === b.retention.trim() &&
    a.readReceipts === b.readReceipts &&
    a.notificationContent === b.notificationContent &&
    a.historyForNewMembers === b.historyForNewMembers &&
    a.roleHistoryForPreviousHolders === b.roleHistoryForPreviousHolders &&
    a.alertSenderRoleIds.join() === b.alertSenderRoleIds.join() &&
    a.availability === b.availability
  );
}

/** A form showing `view`, nothing edited. */
export function formFrom(view: OrgSettingsView): OrgSettingsForm {
  return { fields: fieldsOf(view), base: fieldsOf(view), newer: null };
}

/**
 * Settings arrived for a form the admin may have edited. Unedited: the form shows them. Edited: the
 * edits stay; when the settings also changed meanwhile, `newer` holds them for an explicit reload.
 */
export function receive(form: OrgSettingsForm | null, view: OrgSettingsView): OrgSettingsForm {
  if (form === null || sameFields(form.fields, form.base)) return formFrom(view);
  const incoming = fieldsOf(view);
  if (sameFields(incoming, form.base)) return { ...form, newer: null };
  return { ...form, newer: view };
}

/**
 * The answer to a save of `sent`: the saved settings are the new base. Edits made while the save
 * was under way stay (and stay edits); otherwise the form shows the saved settings.
 */
export function afterSave(form: OrgSettingsForm, sent: OrgSettingsFields, view: OrgSettingsView): OrgSettingsForm {
  return receive({ fields: form.fields, base: sent, newer: null }, view);
}
