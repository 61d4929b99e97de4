// The spoken name of each quick reaction (screen readers, tooltips): the emoji alone says little.
import type { ReactionValue } from '@klinikfunk/protocol/api/contract.ts';
import type { MessageKey } from '../i18n/de.ts';

export const REACTION_NAME: Record<ReactionValue, MessageKey> = {
  '👍': 'reactions.name.thumbsUp',
  '✅': 'reactions.name.done',
  '👀': 'reactions.name.seen',
  '🙏': 'reactions.name.thanks',
};
