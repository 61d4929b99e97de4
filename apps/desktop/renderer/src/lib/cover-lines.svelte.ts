// The lines under the open channel's urgent messages that went to a cover ("Dr. Alt ist nicht
// erreichbar – an Dr. Berg (Vertretung) weitergeleitet"): read when a channel opens and again when
// its messages change (a line travels as a channel event, right after its message).
import type { CoverForward } from '@klinikfunk/protocol/api/contract.ts';
import { call, listen } from './api.ts';
import { onProfileChange } from './profile-change.ts';

class CoverLines {
  channelId = $state<string | null>(null);
  list = $state.raw<Array<CoverForward & { messageId: string }>>([]);
  /** Like reactions: nothing of one profile stays on screen (or in memory, locked) for the next. */
  readonly #scope = onProfileChange(() => {
    this.channelId = null;
    this.list = [];
  });

  constructor() {
    listen('messages.changed', ({ channelId }) => {
      if (channelId === this.channelId) this.show(channelId);
    });
  }

  of(messageId: string): Array<CoverForward & { messageId: string }> {
    return this.list.filter((line) => line.messageId === messageId);
  }

  show(channelId: string): void {
    if (channelId !== this.channelId) this.list = [];
    this.channelId = channelId;
    const generation = this.#scope.generation;
    call('availability.forwards', { channelId })
      .then((result) => {
        if (result.ok && this.channelId === channelId && this.#scope.generation === generation)
          this.list = result.value;
      })
      .catch(() => {});
  }
}

export const coverLines = new CoverLines();
