// Templates for recurring urgent messages and broadcast alerts (docs/protocol.md "Templates and
// broadcast alerts"): what travels, encrypted, in the organisation's directory channel, whose
// roster is every active user, so every device opens them and the relay reads none of them. Who
// may define a template or send an alert every client decides alike from these events in the
// relay's order (apps/desktop/electron/core/features/alerts/resolve.ts); the placeholders of a
// template are checked here, so the renderer's preview and every receiver parse them the same way.
import { z } from 'zod';

const id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const department = z.string().min(1).max(200);

/** A field's name between braces: letters (umlauts too), digits, space, hyphen, underscore. */
const FIELD_NAME = /^[\p{L}\p{N}_ -]{1,40}$/u;
/** Most fields one template has. */
export const MAX_TEMPLATE_FIELDS = 10;
/** Longest value of one field ("12", "3 Nord, Bett 2"). */
export const MAX_FIELD_VALUE = 200;
export const MAX_TEMPLATE_TEXT = 2000;
export const MAX_ALERT_TEXT = 4000;

export type TemplateTextProblem = 'unbalanced_brace' | 'bad_field_name' | 'too_many_fields';

/** A template's text cut into literal text and `{Feld}` fields; `{{` and `}}` stand for a brace. */
export type TemplatePart = { text: string } | { field: string };

export function parseTemplateText(
  text: string,
): { ok: true; parts: TemplatePart[]; fields: string[] } | { ok: false; problem: TemplateTextProblem } {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '}') return { ok: false, problem: 'unbalanced_brace' };
    else if (c === '{') {
      const end = text.indexOf('}', i + 1);
      if (end < 0) return { ok: false, problem: 'unbalanced_brace' };
      const name = text.slice(i + 1, end).trim();
      if (!FIELD_NAME.test(name) || name.includes('{')) return { ok: false, problem: 'bad_field_name' };
      if (literal) parts.push({ text: literal });
      literal = '';
      parts.push({ field: name });
      i = end;
    } else literal += c;
  }
  if (literal) parts.push({ text: literal });
  const fields = [...new Set(parts.flatMap((p) => ('field' in p ? [p.field] : [])))];
  if (fields.length > MAX_TEMPLATE_FIELDS) return { ok: false, problem: 'too_many_fields' };
  return { ok: true, parts, fields };
}

export type FieldProblem = 'missing' | 'too_long' | 'line_break';

/**
 * The template's text with every field filled in. Each field is required (a value of only spaces
 * is missing), one line, at most MAX_FIELD_VALUE characters; the problems come per field, in the
 * order the fields appear, so the form marks each one.
 */
export function fillTemplate(
  text: string,
  values: Readonly<Record<string, string>>,
): { ok: true; text: string } | { ok: false; problems: Array<{ field: string; problem: FieldProblem }> } {
  const parsed = parseTemplateText(text);
  if (!parsed.ok) throw new Error(`template text: ${parsed.problem}`);
  const problems: Array<{ field: string; problem: FieldProblem }> = [];
  for (const field of parsed.fields) {
    const value = (Object.hasOwn(values, field) ? values[field]! : '').trim();
    if (value === '') problems.push({ field, problem: 'missing' });
    else if (/[\r\n]/.test(value)) problems.push({ field, problem: 'line_break' });
    else if (value.length > MAX_FIELD_VALUE) problems.push({ field, problem: 'too_long' });
  }
  if (problems.length > 0) return { ok: false, problems };
  const filled = parsed.parts.map((p) => ('field' in p ? values[p.field]!.trim() : p.text)).join('');
  return { ok: true, text: filled };
}

const templateText = z
  .string()
  .trim()
  .min(1)
  .max(MAX_TEMPLATE_TEXT)
  .superRefine((text, ctx) => {
    const parsed = parseTemplateText(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
  });

/** Where a template's message goes unless the sender picks another target. */
export const templateTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('role'), roleId: id }),
  z.strictObject({ kind: z.literal('channel'), channelId: id }),
  z.strictObject({ kind: z.literal('department'), department }),
  z.strictObject({ kind: z.literal('everyone') }),
]);

/** Who a broadcast alert is for: the members of a department (user record `ward`) or everyone. */
export const alertAudience = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('department'), department }),
  z.strictObject({ kind: z.literal('everyone') }),
]);

/**
 * Defines a template or changes it (the newest accepted definition in the relay's order counts):
 * an organisation admin; a department admin for a template of a department the delegation covers
 * (for a change, the template's current department too). `department` null: the whole
 * organisation's template, which only an organisation admin defines.
 */
export const templateDefine = z.strictObject({
  type: z.literal('template.define'),
  templateId: id,
  name: z.string().trim().min(1).max(80),
  text: templateText,
  department: department.nullable(),
  target: templateTarget,
  /** A retired template is no longer offered. */
  retired: z.boolean().default(false),
});

/**
 * A broadcast alert that asks every recipient to acknowledge it. Its recipients are the active
 * users of the audience at its relay time (the sender's devices excepted), the same on every
 * client; who may send it the fold decides (admins, department admins for their department, and
 * holders of the roles the organisation's settings name).
 */
export const alertSend = z.strictObject({
  type: z.literal('alert.send'),
  alertId: id,
  text: z.string().trim().min(1).max(MAX_ALERT_TEXT),
  audience: alertAudience,
  /** The template it was filled from, if any (shown on the dashboard). */
  templateId: id.nullable(),
});

/** The sender's acknowledgement of an alert ("Gesehen"); the first one of a user counts. */
export const alertAck = z.strictObject({ type: z.literal('alert.ack'), alertId: id });

export type TemplateDefinePayload = z.output<typeof templateDefine>;
export type AlertSendPayload = z.output<typeof alertSend>;
export type AlertAckPayload = z.output<typeof alertAck>;
export type AlertPayload = TemplateDefinePayload | AlertSendPayload | AlertAckPayload;
export type TemplateTarget = z.output<typeof templateTarget>;
export type AlertAudience = z.output<typeof alertAudience>;
