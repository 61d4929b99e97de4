// Gives or takes back the own reaction, says what happened for screen readers, and shows the
// channel's reactions again (the own one at once: the core applies it when it is queued).
import type { ReactionValue } from '@klinikfunk/protocol/api/contract.ts';
import { t } from '../i18n/i18n.svelte.ts';
import { REACTION_NAME } from './reaction-names.ts';
import { announcer } from './announcer.svelte.ts';
import { call } from './api.ts';
import { errorText } from './errors.ts';
import { reactions } from './reactions.svelte.ts';

export async function toggleReaction(
  channelId: string,
  messageId: string,
  reaction: ReactionValue,
  onerror: (text: string) => void,
): Promise<void> {
  const result = await call('reactions.toggle', { channelId, messageId, reaction });
  if (!result.ok) return onerror(t('reactions.failed', { reason: errorText(result.error) }));
  announcer.say(
    t(result.value.given ? 'reactions.given' : 'reactions.takenBack', { name: t(REACTION_NAME[reaction]) }),
  );
  reactions.show(channelId);
}
