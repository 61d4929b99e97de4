// The quick reactions of the open channel's messages. Loaded when a channel opens and again when
// its messages change (a reaction travels as a channel event, so the other workstations' reactions
// arrive with `messages.changed`). The own reaction shows at once: the core applies it when queued.
import type { MessageReactionsView, ReactionValue } from '@klinikfunk/protocol/api/contract.ts';
import { call, listen } from './api.ts';

/** The fixed set, in the order every client shows it (packages/protocol/domain/events.ts REACTIONS). */
export const REACTION_VALUES: readonly ReactionValue[] = ['👍', '✅', '👀', '🙏'];

class ChannelReactions {
  channelId = $state<string | null>(null);
  list = $state.raw<MessageReactionsView[]>([]);
  byMessage = $derived(new Map(this.list.map((m) => [m.messageId, m.reactions])));

  constructor() {
    listen('messages.changed', ({ channelId }) => {
      if (channelId === this.channelId) this.show(channelId);
    });
  }

  /** Shows this channel's reactions (none where they cannot be read). */
  show(channelId: string): void {
    if (channelId !== this.channelId) this.list = [];
    this.channelId = channelId;
    call('reactions.list', { channelId })
      .then((result) => {
        if (result.ok && this.channelId === channelId) this.list = result.value;
      })
      .catch(() => {});
  }
}

export const reactions = new ChannelReactions();
