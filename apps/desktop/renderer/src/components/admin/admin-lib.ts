// Small helpers of the admin views: error sentences per code, date display, file downloads.
import type { AppErrorShape } from '@klinikfunk/protocol/api/result.ts';
import { hasKey, i18n, t } from '../../i18n/i18n.svelte.ts';
import { dateLabel, dateTimeLabel } from '../../lib/dates.ts';
import { errorText } from '../../lib/errors.ts';

/** A sentence for a failed admin call: the scope's own (e.g. orgKey), the admin view's, else the generic one. */
export function adminError(error: AppErrorShape, scope?: 'orgKey'): string {
  const specific = scope ? `orgAdmin.${scope}.error.${error.code}` : '';
  if (specific && hasKey(specific)) return t(specific);
  const admin = `orgAdmin.error.${error.code}`;
  return hasKey(admin) ? t(admin) : errorText(error, 'admin');
}

export const day = (timestamp: number) => dateLabel(timestamp, i18n.tag);
export const dayTime = (timestamp: number) => dateTimeLabel(timestamp, i18n.tag);

/** Offers text as a file download (the save dialog in Electron, the downloads folder in a browser). */
export function download(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
