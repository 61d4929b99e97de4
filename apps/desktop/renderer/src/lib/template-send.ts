// Sending a filled template: to a channel or a role as an urgent message (a role's conversation is
// opened, made on first use), to a department or everyone as a broadcast alert. The fields are
// filled here with the protocol's fillTemplate, the same reading of `{Feld}` every workstation has.
import type { AppErrorShape } from '@klinikfunk/protocol/api/result.ts';
import type { TemplateView } from '@klinikfunk/protocol/api/features/alerts.ts';
import { fillTemplate, type FieldProblem, type TemplateTarget } from '@klinikfunk/protocol/domain/alert-events.ts';
import { call } from './api.ts';

export type FilledTemplate =
  { ok: true; text: string } | { ok: false; problems: Array<{ field: string; problem: FieldProblem }> };

export const fillFields = (template: TemplateView, values: Readonly<Record<string, string>>): FilledTemplate =>
  fillTemplate(template.text, values);

/** The filled text sent to the target; the channel it went to (null for an alert), or why not. */
export async function sendFilled(
  target: TemplateTarget,
  text: string,
  templateId: string,
): Promise<{ ok: true; channelId: string | null } | { ok: false; error: AppErrorShape }> {
  if (target.kind === 'department' || target.kind === 'everyone') {
    const sent = await call('alerts.send', { text, audience: target, templateId });
    return sent.ok ? { ok: true, channelId: null } : sent;
  }
  let channelId = target.kind === 'channel' ? target.channelId : null;
  if (target.kind === 'role') {
    const opened = await call('roles.openConversation', { roleId: target.roleId });
    if (!opened.ok) return opened;
    channelId = opened.value.channelId;
  }
  const sent = await call('messages.send', { channelId: channelId!, body: text, urgent: true });
  return sent.ok ? { ok: true, channelId } : sent;
}
