// API of templates for recurring urgent messages and of broadcast alerts
// (apps/desktop/electron/core/features/alerts/). Both travel in the organisation's directory
// channel; the renderer fills a template's fields itself (domain/alert-events.ts fillTemplate, the
// same check every workstation makes) and sends the text as an urgent message to a channel or a
// role, or as an alert to a department or everyone. The views change with the directory
// channel's `messages.changed` event.
import { z } from 'zod';
import { alertAudience, MAX_ALERT_TEXT, templateDefine, templateTarget } from '../../domain/alert-events.ts';
import { method } from '../define.ts';

const id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const person = z.object({ userId: z.string(), displayName: z.string() });
const done = z.object({ done: z.literal(true) });

export const templateViewSchema = z.object({
  templateId: z.string(),
  name: z.string(),
  text: z.string(),
  /** The `{Feld}` names in the order they first appear: the form asks for each. */
  fields: z.array(z.string()),
  /** The department it belongs to; null: the whole organisation's. */
  department: z.string().nullable(),
  target: templateTarget,
  /** The target's name as shown ("Dienstarzt Innere", "Station 3B"); null when unknown here. */
  targetName: z.string().nullable(),
  /** This user may change or retire it. */
  mayAdminister: z.boolean(),
  /** This user may send it to its own target now (to a department or everyone: only who may send alerts). */
  mayUseTarget: z.boolean(),
});

export const alertViewSchema = z.object({
  alertId: z.string(),
  text: z.string(),
  sender: person,
  /** When the relay took it (UTC ms). */
  sentAt: z.number(),
  audience: alertAudience,
  /** When this user acknowledged it (any of their devices); null: not yet, it stays on screen. */
  acknowledgedAt: z.number().nullable(),
});

export const alertDashboardSchema = z.object({
  alertId: z.string(),
  text: z.string(),
  sentAt: z.number(),
  audience: alertAudience,
  /** The template's name it was filled from; null when none or unknown. */
  templateName: z.string().nullable(),
  /** Who acknowledged, earliest first, with the relay time of each acknowledgement. */
  acknowledged: z.array(z.object({ person, at: z.number() })),
  /** Who has not yet, by name. */
  pending: z.array(person),
  /** Still waiting for the relay to take it (sent offline): nobody can acknowledge it yet. */
  queued: z.boolean(),
});

export const alertsMethods = {
  'templates.list': method({
    input: z.strictObject({}),
    output: z.object({
      templates: z.array(templateViewSchema),
      /** This user may define templates (in some department at least). */
      mayDefine: z.boolean(),
      /** Departments this user may define templates for; null: every one and the organisation's own. */
      departments: z.array(z.string()).nullable(),
    }),
    doc: 'The templates in force that are not retired, by name, with their fields and default target.',
  }),
  'templates.define': method({
    input: templateDefine.omit({ type: true, templateId: true }).extend({ templateId: id.optional() }).strict(),
    output: z.object({ templateId: z.string() }),
    doc: 'Defines a template or changes it, for everyone. `invalid_input` for a text whose braces or field names are wrong; `not_permitted` unless this user is an organisation admin, or a department admin of its department (the organisation’s own templates: organisation admins only); `unavailable` before this device is in the directory channel.',
  }),
  'alerts.list': method({
    input: z.strictObject({}),
    output: z.object({
      /** Alerts to this user, newest first; those not acknowledged stay until they are. */
      received: z.array(alertViewSchema),
      /** This user's own alerts with their acknowledgement dashboards, newest first. */
      sent: z.array(alertDashboardSchema),
      /** Whom this user may alert now: everyone, or these departments (empty: nobody). */
      maySend: z.object({ everyone: z.boolean(), departments: z.array(z.string()) }),
    }),
    doc: 'Broadcast alerts to this user and the dashboards of this user’s own, from the directory channel’s events on this device.',
  }),
  'alerts.send': method({
    input: z.strictObject({
      text: z.string().trim().min(1).max(MAX_ALERT_TEXT),
      audience: alertAudience,
      templateId: id.nullable().default(null),
    }),
    output: z.object({ alertId: z.string() }),
    doc: 'Sends a broadcast alert that asks everyone in the audience to acknowledge it. `not_permitted` unless this user is an admin, a department admin of that department, or holds a role the organisation’s settings name; `unavailable` before this device is in the directory channel.',
  }),
  'alerts.ack': method({
    input: z.strictObject({ alertId: id }),
    output: done,
    doc: 'Acknowledges an alert to this user ("Gesehen"), for all of this user’s devices and the sender’s dashboard. `not_found` for an alert that is not to this user.',
  }),
};

export type TemplateView = z.output<typeof templateViewSchema>;
export type AlertView = z.output<typeof alertViewSchema>;
export type AlertDashboardView = z.output<typeof alertDashboardSchema>;
