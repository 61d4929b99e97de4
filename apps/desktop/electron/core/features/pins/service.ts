// Pinned messages for one signed-in profile: narrow methods over its store and client. What the
// rule table would refuse on every client is refused here at once with its reason (the check that
// counts is the store's, store/authorise.ts, the same on every workstation).
import type { PinView } from '@klinikfunk/protocol/api/contract.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { serviceKey } from '../../app/profile-services.ts';
import { assertPermitted, nameLookup } from '../kit/channel-access.ts';
import { pinRepository } from './repository.ts';

export class PinService {
  readonly #runtime: ProfileRuntime;
  constructor(runtime: ProfileRuntime) {
    this.#runtime = runtime;
  }

  get #pins() {
    return this.#runtime.profile.store.repository(pinRepository);
  }

  async list(channelId: string): Promise<PinView[]> {
    const store = this.#runtime.profile.store;
    const name = await nameLookup(store);
    const views: PinView[] = [];
    for (const pin of await this.#pins.list(channelId)) {
      const unpin = await this.#verdict(channelId, { type: 'pin.remove', messageId: pin.messageId });
      views.push({
        messageId: pin.messageId,
        sortKey: pin.sortKey,
        sender: name(pin.senderUserId),
        body: pin.body,
        createdAt: pin.createdAt,
        pinnedBy: name(pin.pinnedBy),
        pinnedAt: pin.pinnedAt,
        mayUnpin: unpin === null,
      });
    }
    return views;
  }

  /** Pins a message for everyone; a message pinned already stays as it is. */
  async add(channelId: string, messageId: string): Promise<void> {
    const message = await this.#runtime.profile.store.messages.get(channelId, messageId);
    if (!message || message.deletedAt !== null) throw new AppError('not_found', 'No such message.');
    if ((await this.#pins.pinnedBy(channelId, messageId)) !== null) return;
    await this.#send(channelId, { type: 'pin.add', messageId });
  }

  /** Takes a pin off for everyone (its pinner or a channel admin); a message not pinned stays as it is. */
  async remove(channelId: string, messageId: string): Promise<void> {
    if ((await this.#pins.pinnedBy(channelId, messageId)) === null) return;
    await this.#send(channelId, { type: 'pin.remove', messageId });
  }

  async #send(channelId: string, payload: { type: 'pin.add' | 'pin.remove'; messageId: string }): Promise<void> {
    await assertPermitted(this.#runtime, channelId, payload);
    await this.#runtime.client.send(channelId, payload);
  }

  #verdict(channelId: string, payload: { type: 'pin.remove'; messageId: string }) {
    return this.#runtime.profile.store.authorise({
      eventId: 'local-check',
      channelId,
      seq: null,
      senderUserId: this.#runtime.identity.userId,
      senderDeviceId: '',
      createdAt: 0,
      payload,
    });
  }
}

const PINS = serviceKey<PinService>('pins');

/** The profile's pin service, made once per sign-in (it goes with the runtime). */
export function pinService(runtime: ProfileRuntime): PinService {
  return runtime.services.get(PINS, () => new PinService(runtime));
}
