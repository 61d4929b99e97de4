// What an audit entry's signed record says, as sentences in the reader's language instead of the
// record's key=value fields: the admin view and the CSV export use the same words. Times are given
// by the caller, formatted in the reader's local time zone.

/** The fields of a record the log explains (apps/desktop/electron/core/account/audit.ts, `factsOf`). */
export type AuditFacts = Record<string, string | number | boolean | null>;
export type AuditLanguage = 'de' | 'en';

const text = (value: AuditFacts[string] | undefined) => (value === null || value === undefined ? '' : String(value));
/** A free text (a reason) ends with one full stop, not two. */
const sentence = (value: string) => (/[.!?]$/.test(value) ? value : `${value}.`);

const WORDS = {
  de: {
    orgName: (name: string) => `Name der Organisation: ${name}.`,
    user: (name: string, admin: boolean, ward: string) =>
      `${name} ist ${admin ? 'Administrator/in' : 'Mitglied'}${ward ? ` auf ${ward}` : ', ohne Station'}.`,
    active: (active: boolean) => (active ? 'Das Konto ist aktiv.' : 'Das Konto ist deaktiviert.'),
    expires: (when: string) => `Gültig bis ${when}.`,
    device: (label: string) => `Gerätename: ${label}.`,
    reason: (reason: string) => (reason ? `Grund: ${sentence(reason)}` : 'Kein Grund angegeben.'),
    order: (id: string) => `Auftragsnummer ${id}.`,
    retention: (days: number) =>
      days === 0 ? 'Nachrichten werden unbegrenzt aufbewahrt.' : `Nachrichten werden nach ${days} Tagen gelöscht.`,
    receipts: (on: boolean) => (on ? 'Lesebestätigungen sind eingeschaltet.' : 'Lesebestätigungen sind ausgeschaltet.'),
    notification: {
      none: 'Benachrichtigungen zeigen keinen Inhalt.',
      sender: 'Benachrichtigungen zeigen nur den Absender.',
      full: 'Benachrichtigungen zeigen Absender und Text.',
    } as Record<string, string>,
    history: (on: boolean) =>
      on ? 'Neue Mitglieder sehen den bisherigen Verlauf.' : 'Neue Mitglieder sehen nur neue Nachrichten.',
  },
  en: {
    orgName: (name: string) => `Organisation name: ${name}.`,
    user: (name: string, admin: boolean, ward: string) =>
      `${name} is ${admin ? 'an administrator' : 'a member'}${ward ? ` on ${ward}` : ', no ward'}.`,
    active: (active: boolean) => (active ? 'The account is active.' : 'The account is deactivated.'),
    expires: (when: string) => `Valid until ${when}.`,
    device: (label: string) => `Device name: ${label}.`,
    reason: (reason: string) => (reason ? `Reason: ${sentence(reason)}` : 'No reason given.'),
    order: (id: string) => `Order number ${id}.`,
    retention: (days: number) =>
      days === 0 ? 'Messages are kept without limit.' : `Messages are deleted after ${days} days.`,
    receipts: (on: boolean) => (on ? 'Read receipts are on.' : 'Read receipts are off.'),
    notification: {
      none: 'Notifications show no content.',
      sender: 'Notifications show the sender only.',
      full: 'Notifications show sender and text.',
    } as Record<string, string>,
    history: (on: boolean) => (on ? 'New members see the earlier history.' : 'New members see new messages only.'),
  },
} as const;

/** The sentences for one entry (record type and its facts), one per line; none for a roster. */
export function auditDetailSentences(
  type: string,
  facts: AuditFacts,
  language: AuditLanguage,
  formatTime: (ms: number) => string,
): string[] {
  const w = WORDS[language];
  switch (type) {
    case 'org_root':
      return [w.orgName(text(facts.name))];
    case 'user':
      return [w.user(text(facts.name), facts.role === 'admin', text(facts.ward)), w.active(facts.active !== false)];
    case 'enrolment':
      return typeof facts.expiresAt === 'number' ? [w.expires(formatTime(facts.expiresAt))] : [];
    case 'device':
      return [w.device(text(facts.label))];
    case 'revocation':
      return [w.reason(text(facts.reason).trim())];
    case 'wipe':
    case 'wipe_done':
      return [w.order(text(facts.orderId))];
    case 'org_settings':
      return [
        w.retention(Number(facts.retentionDays)),
        w.receipts(facts.readReceipts === true),
        w.notification[text(facts.notificationContent)] ?? '',
        w.history(facts.historyForNewMembers === true),
      ].filter((s) => s !== '');
    default:
      return [];
  }
}
