// The lines under the open channel's urgent messages that went to a cover ("Dr. Alt ist nicht
// erreichbar – an Dr. Berg (Vertretung) weitergeleitet"): read when a channel opens and again when
// its messages change (a line travels as a channel event, right after its message).
import type { CoverForward } from '@klinikfunk/protocol/api/contract.ts';
import { call, listen } from './api.ts';

class CoverLines {
  channelId = $state<string | null>(null);
  list = $state.raw<Array<CoverForward & { messageId: string }>>([]);
  #profile: string | null = null;
  #generation = 0;

  constructor() {
    listen('messages.changed', ({ channelId }) => {
      if (channelId === this.channelId) this.show(channelId);
    });
    // Like reactions (lib/reactions.svelte.ts): nothing of one profile stays on screen for the next.
    listen('session.changed', (next) => {
      const visible = next.state === 'unlocked' ? next.activeProfileId : null;
      if (visible === this.#profile) return;
      this.#profile = visible;
      this.#generation++;
      this.channelId = null;
      this.list = [];
    });
  }

  of(messageId: string): Array<CoverForward & { messageId: string }> {
    return this.list.filter((line) => line.messageId === messageId);
  }

  show(channelId: string): void {
    if (channelId !== this.channelId) this.list = [];
    this.channelId = channelId;
    const generation = this.#generation;
    call('availability.forwards', { channelId })
      .then((result) => {
        if (result.ok && this.channelId === channelId && this.#generation === generation) this.list = result.value;
      })
      .catch(() => {});
  }
}

export const coverLines = new CoverLines();
