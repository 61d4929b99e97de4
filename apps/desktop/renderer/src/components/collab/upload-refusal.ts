// Why the core refused an upload by the machine policy (files.beginUpload), in words.
import type { UploadRefusal } from '@klinikfunk/protocol/api/features/files.ts';
import { t } from '../../i18n/i18n.svelte.ts';

export function refusalText(
  reason: UploadRefusal,
  name: string,
  maxUploadMegabytes: number,
  extension: string,
): string {
  if (reason === 'too_large') return t('files.refused.tooLarge', { name, max: maxUploadMegabytes });
  if (reason === 'blocked_type') return t('files.refused.blocked', { name, ext: extension || '–' });
  return t('files.refused.notAllowed', { name, ext: extension || '–' });
}
