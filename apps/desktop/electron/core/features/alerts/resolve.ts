// Which templates are in force, which broadcast alerts count and who acknowledged them, decided
// from the directory channel's template and alert events alone, in the relay's order, so every
// client that has the same log answers the same (docs/protocol.md "Templates and broadcast
// alerts"). Pure: the directory facts come through `AlertAuthority`, read from the signed records
// as they were at each event's relay time, and who holds a role from the roles feature's fold
// (handed in by features/registry.ts, since one feature does not import another).
import type {
  AlertPayload,
  AlertSendPayload,
  TemplateDefinePayload,
} from '@klinikfunk/protocol/domain/alert-events.ts';

/** One template or alert event as logged: the sender from the envelope, its place and time from the relay. */
export interface AlertOp {
  eventId: string;
  /** The relay's sequence number; null while an own event waits to be sent (it then counts last). */
  seq: number | null;
  /** The relay's time; null while pending (the sender's createdAt stands in, on its own device only). */
  relayAt: number | null;
  createdAt: number;
  senderUserId: string;
  senderDeviceId: string;
  payload: AlertPayload;
}

/** Facts from the signed directory records (and the role fold) at a moment (relay time). */
export interface AlertAuthority {
  isOrgAdmin(userId: string, at: number): boolean;
  delegatedDepartments(deviceId: string, at: number): 'all' | readonly string[];
  /** The user's department then; null: none; undefined: unknown, inactive or revoked. */
  departmentOf(userId: string, at: number): string | null | undefined;
  /** Every user the directory knows. */
  userIds(): readonly string[];
  /** The roles whose holders may send alerts, by the organisation's settings in force then. */
  alertSenderRoleIds(at: number): readonly string[];
  /** Whether the user holds the role then (the roles feature's fold). */
  holdsRole(userId: string, roleId: string, at: number): boolean;
}

export type AlertRefusal =
  'not_template_admin' | 'not_alert_sender' | 'duplicate_alert' | 'unknown_alert' | 'not_recipient' | 'replayed';

export interface TemplateState {
  definition: TemplateDefinePayload;
  definedBy: string;
}

export interface AlertState {
  alertId: string;
  eventId: string;
  payload: AlertSendPayload;
  senderUserId: string;
  /** The relay time it counts from (the sender's own pending one: its createdAt). */
  sentAt: number;
  /** The active users of the audience then, the sender excepted, sorted. */
  recipients: string[];
  /** Each recipient's first acknowledgement, with its relay time. */
  acks: Map<string, number>;
  /** An own alert the relay has not taken yet. */
  queued: boolean;
}

export interface AlertFold {
  templates: Map<string, TemplateState>;
  alerts: Map<string, AlertState>;
  /** Every refused event with its reason, by event id: the same on every client. */
  refused: Map<string, AlertRefusal>;
}

export const timeOf = (op: Pick<AlertOp, 'relayAt' | 'createdAt'>): number => op.relayAt ?? op.createdAt;

function mayAdminister(authority: AlertAuthority, op: AlertOp, departments: ReadonlyArray<string | null>): boolean {
  const at = timeOf(op);
  if (authority.isOrgAdmin(op.senderUserId, at)) return true;
  // The organisation's own templates (no department) are the organisation admins' only.
  if (departments.includes(null)) return false;
  const delegated = authority.delegatedDepartments(op.senderDeviceId, at);
  return delegated === 'all' || departments.every((d) => delegated.includes(d!));
}

/** Whether the template event's sender may define it (and, for a change, the template as it stands). */
export function checkTemplate(
  authority: AlertAuthority,
  state: TemplateState | undefined,
  op: AlertOp,
): AlertRefusal | null {
  const p = op.payload as TemplateDefinePayload;
  const departments = state ? [state.definition.department, p.department] : [p.department];
  return mayAdminister(authority, op, departments) ? null : 'not_template_admin';
}

/**
 * Whether the sender may send this alert then: an organisation admin; a department admin for an
 * alert to a department the delegation covers (one for every member's department: to everyone);
 * or a holder of a role the organisation's settings name.
 */
export function checkAlertSender(authority: AlertAuthority, op: AlertOp): AlertRefusal | null {
  const p = op.payload as AlertSendPayload;
  const at = timeOf(op);
  if (authority.isOrgAdmin(op.senderUserId, at)) return null;
  const delegated = authority.delegatedDepartments(op.senderDeviceId, at);
  if (delegated === 'all') return null;
  if (p.audience.kind === 'department' && delegated.includes(p.audience.department)) return null;
  if (authority.alertSenderRoleIds(at).some((roleId) => authority.holdsRole(op.senderUserId, roleId, at))) return null;
  return 'not_alert_sender';
}

/** Who an alert sent then reaches: the audience's active users, the sender excepted. */
export function recipientsOf(
  authority: AlertAuthority,
  audience: AlertSendPayload['audience'],
  senderUserId: string,
  at: number,
): string[] {
  return authority
    .userIds()
    .filter((userId) => {
      if (userId === senderUserId) return false;
      const department = authority.departmentOf(userId, at);
      if (department === undefined) return false;
      return audience.kind === 'everyone' || department === audience.department;
    })
    .sort();
}

function applyOp(fold: AlertFold, authority: AlertAuthority, op: AlertOp): AlertRefusal | null {
  const p = op.payload;
  if (p.type === 'template.define') {
    const state = fold.templates.get(p.templateId);
    const refusal = checkTemplate(authority, state, op);
    if (refusal) return refusal;
    fold.templates.set(p.templateId, { definition: p, definedBy: op.senderUserId });
    return null;
  }
  if (p.type === 'alert.send') {
    if (fold.alerts.has(p.alertId)) return 'duplicate_alert';
    const refusal = checkAlertSender(authority, op);
    if (refusal) return refusal;
    const at = timeOf(op);
    fold.alerts.set(p.alertId, {
      alertId: p.alertId,
      eventId: op.eventId,
      payload: p,
      senderUserId: op.senderUserId,
      sentAt: at,
      recipients: recipientsOf(authority, p.audience, op.senderUserId, at),
      acks: new Map(),
      queued: op.seq === null,
    });
    return null;
  }
  const alert = fold.alerts.get(p.alertId);
  if (!alert) return 'unknown_alert';
  if (!alert.recipients.includes(op.senderUserId)) return 'not_recipient';
  // From a second device, or pressed twice: the first acknowledgement's time stays.
  if (!alert.acks.has(op.senderUserId)) alert.acks.set(op.senderUserId, timeOf(op));
  return null;
}

/**
 * Folds template and alert events, given in the relay's order (own pending ones last). A second
 * event with an event id already seen (a relay replaying one) is refused as `replayed`.
 */
export function foldAlerts(ops: Iterable<AlertOp>, authority: AlertAuthority): AlertFold {
  const fold: AlertFold = { templates: new Map(), alerts: new Map(), refused: new Map() };
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.eventId)) {
      fold.refused.set(op.eventId, 'replayed');
      continue;
    }
    seen.add(op.eventId);
    const refusal = applyOp(fold, authority, op);
    if (refusal) fold.refused.set(op.eventId, refusal);
  }
  return fold;
}
