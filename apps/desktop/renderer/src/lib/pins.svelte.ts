// The pinned messages of the open channel, for its header list and the messages' "Pin"/"Unpin"
// actions. Loaded when a channel opens and again when its messages change (a pin travels as a
// channel event, so the other workstations' pins arrive with `messages.changed`). Asked after the
// next paint: on opening a channel its messages page goes first, the pins of the header are not
// what the reader looks at first.
import { untrack } from 'svelte';
import type { PinView } from '@klinikfunk/protocol/api/contract.ts';
import { call, listen } from './api.ts';
import { afterPaint } from './dom.ts';
import { onProfileChange } from './profile-change.ts';

class ChannelPins {
  channelId = $state<string | null>(null);
  list = $state<PinView[]>([]);
  byMessage = $derived(new Map(this.list.map((p) => [p.messageId, p])));
  /** The pins (with bodies and who may unpin) are the profile's on screen: locked or switched, they go. */
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
   * Shows this channel's pins (the list stays empty where they cannot be read). Untracked: called
   * from an effect, reading the field it writes made that effect run again at once, and every
   * channel open asked the core twice.
   */
  show(channelId: string): void {
    untrack(() => {
      if (channelId !== this.channelId) this.list = [];
      this.channelId = channelId;
    });
    const generation = this.#scope.generation;
    afterPaint(() => {
      if (this.channelId !== channelId || this.#scope.generation !== generation) return;
      call('pins.list', { channelId })
        .then((result) => {
          if (result.ok && this.channelId === channelId && this.#scope.generation === generation)
            this.list = result.value;
        })
        .catch(() => {});
    });
  }
}

export const pins = new ChannelPins();
