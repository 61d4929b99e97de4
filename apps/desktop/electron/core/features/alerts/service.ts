// Templates and broadcast alerts for one signed-in profile: the templates in force, the alerts to
// this user and the dashboards of this user's own (the fold of the directory channel's events,
// cached until one arrives, a directory record changes or a role changes hands), and the events
// that define templates, send alerts and acknowledge them. What every client's fold would refuse
// is refused here at once with the same reason; the fold that counts is every receiver's own.
import type { AlertDashboardView, AlertView, TemplateView } from '@klinikfunk/protocol/api/features/alerts.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import {
  alertSend,
  parseTemplateText,
  templateDefine,
  type AlertAudience,
  type AlertPayload,
  type TemplateDefinePayload,
} from '@klinikfunk/protocol/domain/alert-events.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { randomBytes } from 'node:crypto';
import { serviceKey } from '../../app/profile-services.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import type { Clock } from '../../clock/clock.ts';
import type { ProfileStore } from '../../store/profile-store.ts';
import { nameLookup } from '../kit/channel-access.ts';
import { alertRepository, type AlertRepository } from './repository.ts';
import {
  checkAlertSender,
  checkTemplate,
  foldAlerts,
  type AlertAuthority,
  type AlertFold,
  type AlertOp,
} from './resolve.ts';

/** What the alerts feature asks of function roles (features/registry.ts hands in the roles feature's answer). */
export interface RolePort {
  /** Whether the user holds the role at that moment, by the profile's role fold. */
  holdsRole(store: ProfileStore, userId: string, roleId: string, at: number): boolean;
  /** The role's name; null when unknown here. */
  roleName(store: ProfileStore, roleId: string): string | null;
  /** Changes whenever a role event arrives or gets its place (part of the fold's cache key). */
  version(store: ProfileStore): string;
}

const folds = new WeakMap<ProfileStore, { version: string; fold: AlertFold }>();

const newId = () => toBase64Url(new Uint8Array(randomBytes(16)));

type TemplateInput = Omit<TemplateDefinePayload, 'type' | 'templateId'> & { templateId?: string | undefined };

export class AlertService {
  readonly #runtime: ProfileRuntime;
  readonly #clock: Clock;
  readonly #roles: RolePort;

  constructor(runtime: ProfileRuntime, clock: Clock, roles: RolePort) {
    this.#runtime = runtime;
    this.#clock = clock;
    this.#roles = roles;
  }

  get #store(): ProfileStore {
    return this.#runtime.profile.store;
  }

  /** The directory facts and role holdings the fold decides by. */
  #authority(repo: AlertRepository): AlertAuthority {
    const store = this.#store;
    const roles = this.#roles;
    return {
      isOrgAdmin: (userId, at) => repo.isOrgAdmin(userId, at),
      delegatedDepartments: (deviceId, at) => repo.delegatedDepartments(deviceId, at),
      departmentOf: (userId, at) => repo.departmentOf(userId, at),
      userIds: () => repo.userIds(),
      alertSenderRoleIds: (at) => repo.alertSenderRoleIds(at),
      holdsRole: (userId, roleId, at) => roles.holdsRole(store, userId, roleId, at),
    };
  }

  /** The fold of every kept template and alert event, recomputed only when its inputs changed. */
  fold(): AlertFold {
    const repo = this.#store.repository(alertRepository);
    const version = `${repo.version()}|${this.#roles.version(this.#store)}`;
    let cached = folds.get(this.#store);
    if (cached?.version !== version) {
      cached = { version, fold: foldAlerts(repo.ops(), this.#authority(repo)) };
      folds.set(this.#store, cached);
    }
    return cached.fold;
  }

  /** This user's next event as the fold would judge it, were it in force now. */
  #asOp(payload: AlertPayload): AlertOp {
    const now = this.#clock.now();
    const { userId, deviceId } = this.#runtime.identity;
    return {
      eventId: 'local-check',
      seq: null,
      relayAt: now,
      createdAt: now,
      senderUserId: userId,
      senderDeviceId: deviceId,
      payload,
    };
  }

  async templates(): Promise<{ templates: TemplateView[]; mayDefine: boolean; departments: string[] | null }> {
    const fold = this.fold();
    const repo = this.#store.repository(alertRepository);
    const authority = this.#authority(repo);
    const now = this.#clock.now();
    const { userId, deviceId } = this.#runtime.identity;
    const channelNames = await this.#store.channels.names();
    const templates: TemplateView[] = [];
    for (const [templateId, state] of fold.templates) {
      const d = state.definition;
      if (d.retired) continue;
      const parsed = parseTemplateText(d.text);
      const target = d.target;
      templates.push({
        templateId,
        name: d.name,
        text: d.text,
        fields: parsed.ok ? parsed.fields : [],
        department: d.department,
        target,
        targetName:
          target.kind === 'role'
            ? this.#roles.roleName(this.#store, target.roleId)
            : target.kind === 'channel'
              ? (channelNames.get(target.channelId) ?? null)
              : target.kind === 'department'
                ? target.department
                : null,
        mayAdminister: checkTemplate(authority, state, this.#asOp(d)) === null,
        mayUseTarget:
          (target.kind !== 'department' && target.kind !== 'everyone') ||
          checkAlertSender(
            authority,
            this.#asOp({ type: 'alert.send', alertId: 'local-check', text: '.', audience: target, templateId }),
          ) === null,
      });
    }
    templates.sort((a, b) => a.name.localeCompare(b.name, 'de'));
    const orgAdmin = repo.isOrgAdmin(userId, now);
    const delegated = repo.delegatedDepartments(deviceId, now);
    return {
      templates,
      mayDefine: orgAdmin || delegated === 'all' || delegated.length > 0,
      departments: orgAdmin ? null : delegated === 'all' ? null : [...delegated],
    };
  }

  async defineTemplate(input: TemplateInput): Promise<string> {
    const templateId = input.templateId ?? newId();
    if (input.templateId !== undefined && !this.fold().templates.has(templateId))
      throw new AppError('not_found', 'No such template.');
    const parsed = templateDefine.safeParse({ ...input, type: 'template.define', templateId });
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'template');
    const refusal = checkTemplate(
      this.#authority(this.#store.repository(alertRepository)),
      this.fold().templates.get(templateId),
      this.#asOp(parsed.data),
    );
    if (refusal) throw new AppError('not_permitted', `template: ${refusal}`);
    await this.#send(parsed.data);
    return templateId;
  }

  /** Whom this user may alert now, by the same check as the fold's. */
  #maySend(departments: readonly string[]): { everyone: boolean; departments: string[] } {
    const authority = this.#authority(this.#store.repository(alertRepository));
    const may = (audience: AlertAudience) =>
      checkAlertSender(
        authority,
        this.#asOp({ type: 'alert.send', alertId: 'local-check', text: '.', audience, templateId: null }),
      ) === null;
    return {
      everyone: may({ kind: 'everyone' }),
      departments: departments.filter((department) => may({ kind: 'department', department })),
    };
  }

  async send(input: { text: string; audience: AlertAudience; templateId: string | null }): Promise<string> {
    const alertId = newId();
    const payload = alertSend.parse({ type: 'alert.send', alertId, ...input });
    const refusal = checkAlertSender(this.#authority(this.#store.repository(alertRepository)), this.#asOp(payload));
    if (refusal) throw new AppError('not_permitted', `alert: ${refusal}`);
    await this.#send(payload);
    return alertId;
  }

  async ack(alertId: string): Promise<void> {
    const alert = this.fold().alerts.get(alertId);
    const me = this.#runtime.identity.userId;
    if (!alert?.recipients.includes(me)) throw new AppError('not_found', 'No such alert to this user.');
    // Acknowledged already (from another device too): nothing more to send.
    if (alert.acks.has(me)) return;
    await this.#send({ type: 'alert.ack', alertId });
  }

  async list(): Promise<{
    received: AlertView[];
    sent: AlertDashboardView[];
    maySend: { everyone: boolean; departments: string[] };
  }> {
    const fold = this.fold();
    const name = await nameLookup(this.#store);
    const me = this.#runtime.identity.userId;
    const received: AlertView[] = [];
    const sent: AlertDashboardView[] = [];
    for (const alert of fold.alerts.values()) {
      const base = {
        alertId: alert.alertId,
        text: alert.payload.text,
        sentAt: alert.sentAt,
        audience: alert.payload.audience,
      };
      if (alert.recipients.includes(me))
        received.push({ ...base, sender: name(alert.senderUserId), acknowledgedAt: alert.acks.get(me) ?? null });
      if (alert.senderUserId !== me) continue;
      const templateId = alert.payload.templateId;
      sent.push({
        ...base,
        templateName: templateId === null ? null : (fold.templates.get(templateId)?.definition.name ?? null),
        acknowledged: [...alert.acks].sort((a, b) => a[1] - b[1]).map(([userId, at]) => ({ person: name(userId), at })),
        pending: alert.recipients.filter((u) => !alert.acks.has(u)).map(name),
        queued: alert.queued,
      });
    }
    received.sort((a, b) => b.sentAt - a.sentAt);
    sent.sort((a, b) => b.sentAt - a.sentAt);
    const departments = await this.#departments();
    return { received, sent, maySend: this.#maySend(departments) };
  }

  /** The departments of the directory's active users, sorted. */
  async #departments(): Promise<string[]> {
    const users = await this.#store.directory.users();
    return [...new Set(users.filter((u) => u.active && u.ward).map((u) => u.ward!))].sort((a, b) =>
      a.localeCompare(b, 'de'),
    );
  }

  async #send(payload: AlertPayload): Promise<void> {
    if (!this.#runtime.client.inDirectory())
      throw new AppError('unavailable', 'The organisation-wide channel is not available on this device yet.');
    await this.#runtime.client.send(this.#runtime.client.directoryChannelId, payload);
  }
}

const ALERTS = serviceKey<AlertService>('alerts');

/** The profile's alert service, made once per sign-in (it goes with the runtime). */
export function alertService(runtime: ProfileRuntime, clock: Clock, roles: RolePort): AlertService {
  return runtime.services.get(ALERTS, () => new AlertService(runtime, clock, roles));
}
