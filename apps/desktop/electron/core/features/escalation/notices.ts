// What an escalation says on screen, in the notification port's terms: the escalated message for
// the next role ("Eskaliert von Dienstarzt Innere – nicht bestätigt seit 10 Min.") and the
// re-alert of an unacknowledged urgent message; both with the escalation's own sound. They carry
// no message text (a notification may show on a shared screen; the text is in the app).
import type { EscalationStepContent } from '@klinikfunk/protocol/domain/escalation.ts';
import type { NotificationRequest } from '../../platform/platform.ts';
import type { ArmedEscalation } from './repository.ts';

/** Whole minutes from sending to the release, never below one. */
const minutesSince = (sentAt: number, releasedAt: number) => Math.max(1, Math.round((releasedAt - sentAt) / 60_000));

export function escalatedTitle(fromName: string, sentAt: number, releasedAt: number, language: 'de' | 'en'): string {
  const minutes = minutesSince(sentAt, releasedAt);
  return language === 'de'
    ? `Eskaliert von ${fromName} – nicht bestätigt seit ${minutes} Min.`
    : `Escalated from ${fromName} – not acknowledged for ${minutes} min`;
}

export function escalatedNotice(
  step: EscalationStepContent,
  releasedAt: number,
  language: 'de' | 'en',
): NotificationRequest {
  return {
    title: escalatedTitle(step.fromName, step.sentAt, releasedAt, language),
    body:
      language === 'de'
        ? `Dringende Nachricht an ${step.roleName}: bitte in Klinikfunk öffnen und bestätigen.`
        : `Urgent message to ${step.roleName}: please open it in Klinikfunk and acknowledge it.`,
    tag: `escalation:${step.escalationId}`,
    urgent: true,
    sound: 'escalation',
  };
}

export function reAlertNotice(armed: ArmedEscalation, language: 'de' | 'en'): NotificationRequest {
  return {
    title: language === 'de' ? 'Dringende Nachricht – noch nicht bestätigt' : 'Urgent message – not yet acknowledged',
    body:
      language === 'de'
        ? 'Bitte öffnen und bestätigen; sonst geht sie an die nächste Stelle der Eskalation.'
        : 'Please open and acknowledge it; otherwise it goes to the next step of the escalation.',
    tag: armed.channelId,
    urgent: true,
    sound: 'escalation',
  };
}
