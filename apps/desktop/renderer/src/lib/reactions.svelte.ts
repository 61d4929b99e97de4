// The quick reactions of the open channel's messages. Each messages page brings those of its
// messages (channel-messages.svelte.ts: `take`), so opening a channel asks for no list; read for
// the whole channel again when its messages change (a reaction travels as a channel event, so the
// other workstations' reactions arrive with `messages.changed`). The own reaction shows at once:
// the core applies it when queued.
import type { MessageReactionsView, ReactionValue } from '@klinikfunk/protocol/api/contract.ts';
import { call, listen } from './api.ts';
import { onProfileChange } from './profile-change.ts';

/** The fixed set, in the order every client shows it (packages/protocol/domain/events.ts REACTIONS). */
export const REACTION_VALUES: readonly ReactionValue[] = ['👍', '✅', '👀', '🙏'];

class ChannelReactions {
  channelId = $state<string | null>(null);
  list = $state.raw<MessageReactionsView[]>([]);
  byMessage = $derived(new Map(this.list.map((m) => [m.messageId, m.reactions])));

  /** Another profile on screen (or none, locked) drops the list; an answer asked for before does not show. */
  readonly #scope = onProfileChange(() => {
    this.channelId = null;
    this.list = [];
  });

  constructor() {
    listen('messages.changed', ({ channelId }) => {
      if (channelId === this.channelId) this.show(channelId);
    });
  }

  /**
   * The reactions a messages page brought for its messages: they replace what was held for those
   * messages (one without reactions now has none); those of another channel go.
   */
  take(
    channelId: string,
    messageIds: readonly string[],
    views: readonly MessageReactionsView[],
    generation: number,
  ): void {
    if (generation !== this.#scope.generation) return;
    const held = channelId === this.channelId ? this.list : [];
    this.channelId = channelId;
    const ids = new Set(messageIds);
    if (views.length === 0 && !held.some((m) => ids.has(m.messageId))) {
      if (held !== this.list) this.list = held;
      return;
    }
    this.list = [...held.filter((m) => !ids.has(m.messageId)), ...views];
  }

  /** Counts profile changes: `take` drops a page asked for before one (pass it from before the call). */
  get generation(): number {
    return this.#scope.generation;
  }

  /** Shows this channel's reactions (none where they cannot be read). */
  show(channelId: string): void {
    if (channelId !== this.channelId) this.list = [];
    this.channelId = channelId;
    const generation = this.#scope.generation;
    call('reactions.list', { channelId })
      .then((result) => {
        if (result.ok && this.channelId === channelId && this.#scope.generation === generation)
          this.list = result.value;
      })
      .catch(() => {});
  }
}

export const reactions = new ChannelReactions();
