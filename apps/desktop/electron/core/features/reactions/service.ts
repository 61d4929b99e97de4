// Quick reactions for one signed-in profile: narrow methods over its store and client. What the
// rule table would refuse on every client is refused here at once with its reason (the check that
// counts is the store's, store/authorise.ts, the same on every workstation).
import type { MessageReactionsView, ReactionValue } from '@klinikfunk/protocol/api/contract.ts';
import { REACTIONS } from '@klinikfunk/protocol/domain/events.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { serviceKey } from '../../app/profile-services.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { assertPermitted, nameLookup } from '../kit/channel-access.ts';
import { reactionRepository, type ReactionRow } from './repository.ts';

export class ReactionService {
  readonly #runtime: ProfileRuntime;
  constructor(runtime: ProfileRuntime) {
    this.#runtime = runtime;
  }

  get #reactions() {
    return this.#runtime.profile.store.repository(reactionRepository);
  }

  /** Per message with reactions: each value given, in the fixed order, with who gave it. */
  async list(channelId: string): Promise<MessageReactionsView[]> {
    return this.#views(await this.#reactions.list(channelId));
  }

  /** The same for these messages only (a page's, none deleted: a deleted message shows none). */
  async ofMessages(channelId: string, messageIds: readonly string[]): Promise<MessageReactionsView[]> {
    return this.#views(await this.#reactions.ofMessages(channelId, messageIds));
  }

  async #views(rows: readonly ReactionRow[]): Promise<MessageReactionsView[]> {
    if (rows.length === 0) return [];
    const name = await nameLookup(this.#runtime.profile.store);
    const me = this.#runtime.identity.userId;
    const byMessage = new Map<string, Map<string, string[]>>();
    for (const row of rows) {
      const values = byMessage.get(row.messageId) ?? new Map<string, string[]>();
      values.set(row.reaction, [...(values.get(row.reaction) ?? []), row.userId]);
      byMessage.set(row.messageId, values);
    }
    return [...byMessage].map(([messageId, values]) => ({
      messageId,
      reactions: REACTIONS.filter((r) => values.has(r)).map((reaction) => {
        const users = values.get(reaction)!;
        return { reaction, mine: users.includes(me), people: users.map(name) };
      }),
    }));
  }

  /** Gives the reaction, or takes the own one off when given already; `given` says which it is now. */
  async toggle(channelId: string, messageId: string, reaction: ReactionValue): Promise<{ given: boolean }> {
    const message = await this.#runtime.profile.store.messages.get(channelId, messageId);
    if (!message || message.deletedAt !== null) throw new AppError('not_found', 'No such message.');
    const given = await this.#reactions.has(channelId, messageId, this.#runtime.identity.userId, reaction);
    const payload = { type: given ? 'reaction.remove' : 'reaction.add', messageId, reaction } as const;
    await assertPermitted(this.#runtime, channelId, payload);
    await this.#runtime.client.send(channelId, payload);
    return { given: !given };
  }
}

const REACTIONS_SERVICE = serviceKey<ReactionService>('reactions');

/** The profile's reaction service, made once per sign-in (it goes with the runtime). */
export function reactionService(runtime: ProfileRuntime): ReactionService {
  return runtime.services.get(REACTIONS_SERVICE, () => new ReactionService(runtime));
}
