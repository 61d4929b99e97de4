// How a template's target reads on screen ("Dienst Dienstarzt Innere", "Alle in der Klinik").
import type { TemplateView } from '@klinikfunk/protocol/api/features/alerts.ts';
import { t } from '../../i18n/i18n.svelte.ts';

export function targetText(template: TemplateView): string {
  const name = template.targetName ?? t('templates.target.unknown');
  switch (template.target.kind) {
    case 'role':
      return t('templates.target.role', { name });
    case 'channel':
      return t('templates.target.channel', { name });
    case 'department':
      return t('templates.target.department', { name });
    case 'everyone':
      return t('templates.target.everyone');
  }
}
