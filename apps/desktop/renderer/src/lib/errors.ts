// Error codes become sentences that tell staff what to do. A context (the action that failed)
// may have its own sentence, e.g. a wrong passphrase is `not_permitted` from session.signIn.
import type { AppErrorShape, ErrorCode } from '@klinikfunk/protocol/api/result.ts';
import { hasKey, t } from '../i18n/i18n.svelte.ts';

export type ErrorContext =
  | 'signIn'
  | 'orgCreate'
  | 'orgJoin'
  | 'setPin'
  | 'unlock'
  | 'send'
  | 'edit'
  | 'delete'
  | 'ack'
  | 'retry'
  | 'channelCreate'
  | 'channelLeave'
  | 'channelMembers'
  | 'search'
  | 'icsImport'
  | 'admin';

export function errorText(error: AppErrorShape | ErrorCode, context?: ErrorContext): string {
  const code = typeof error === 'string' ? error : error.code;
  if (context) {
    const specific = `error.${context}.${code}`;
    if (hasKey(specific)) return t(specific);
  }
  const generic = `error.${code}`;
  return hasKey(generic) ? t(generic) : t('error.internal');
}
