// Messages and search for one signed-in profile: page, send, edit, delete, acknowledge, who read
// or acknowledged, retry. Narrow methods over the profile's store and client; the IPC adapter
// (ipc.ts) hands each call here for the profile the router checked the membership on.
import type { MessagePage } from '@klinikfunk/protocol/api/contract.ts';
import type { MethodParsedInput } from '@klinikfunk/protocol/api/contract.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { Clock } from '../../clock/clock.ts';
import type { Logger } from '../../log/logger.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { serviceKey } from '../../app/profile-services.ts';
import { assertPermitted, readReceiptsOn, UNKNOWN_NAME } from '../kit/channel-access.ts';
import { channelTitles } from '../kit/channel-titles.ts';
import type { UrgentWatch } from '../kit/urgent.ts';
import { afterUrgentSent } from '../kit/urgent-sent.ts';
import { toMessageViews } from './message-views.ts';
import { ownMessages } from './own-repository.ts';

export interface MessageDeps {
  clock: Clock;
  /** The change feed's version of a channel (change-feed.ts), read before the page. */
  versionOf: (channelId: string) => number;
  /** Escalation of urgent messages (features/registry.ts hands it in). */
  urgent: UrgentWatch;
  /** Where a step after an urgent send (the cover of a member on "nicht stören") reports what failed. */
  log: Logger;
}

export class MessageService {
  readonly #runtime: ProfileRuntime;
  readonly #deps: MessageDeps;
  constructor(runtime: ProfileRuntime, deps: MessageDeps) {
    this.#runtime = runtime;
    this.#deps = deps;
  }

  async page(input: MethodParsedInput<'messages.page'>): Promise<MessagePage> {
    const runtime = this.#runtime;
    const repo = runtime.profile.store.messages;
    const { channelId, limit } = input;
    const version = this.#deps.versionOf(channelId);
    let rows;
    let hasOlder: boolean;
    let hasNewer: boolean;
    if (input.aroundSortKey !== undefined) {
      const half = Math.ceil(limit / 2);
      const older = await repo.page(channelId, { beforeSortKey: input.aroundSortKey, limit: half + 1 });
      const newer = await repo.pageAfter(channelId, input.aroundSortKey, half + 1, { inclusive: true });
      hasOlder = older.length > half;
      hasNewer = newer.length > half;
      rows = [...older.slice(0, half).reverse(), ...newer.slice(0, half)];
    } else if (input.afterSortKey !== undefined) {
      const newer = await repo.pageAfter(channelId, input.afterSortKey, limit + 1);
      hasNewer = newer.length > limit;
      hasOlder = true;
      rows = newer.slice(0, limit);
    } else {
      const older = await repo.page(channelId, {
        ...(input.beforeSortKey !== undefined ? { beforeSortKey: input.beforeSortKey } : {}),
        limit: limit + 1,
      });
      hasOlder = older.length > limit;
      hasNewer = input.beforeSortKey !== undefined;
      rows = older.slice(0, limit).reverse();
    }
    const page: MessagePage = {
      messages: await toMessageViews(
        {
          store: runtime.profile.store,
          myUserId: runtime.identity.userId,
          unknownName: UNKNOWN_NAME,
          readReceipts: readReceiptsOn(runtime),
          lateDeliveryMs: runtime.lateDeliveryMs,
        },
        channelId,
        rows,
      ),
      hasOlder,
      hasNewer,
      total: await repo.count(channelId),
      historyStart: await runtime.profile.store.messageDetails.historyStart(channelId),
      version,
    };
    return page;
  }

  async send(input: MethodParsedInput<'messages.send'>) {
    const runtime = this.#runtime;
    const messageId = await runtime.client.sendMessage(input.channelId, input.body, {
      mentions: input.mentions,
      replyTo: input.replyTo,
      urgent: input.urgent,
    });
    if (!input.urgent) return { messageId, forwarded: [], escalation: 'none' as const };
    const escalation = await this.#deps.urgent.sent(runtime, {
      channelId: input.channelId,
      messageId,
      body: input.body,
    });
    const sent = { channelId: input.channelId, messageId, body: input.body, mentions: input.mentions };
    return { messageId, forwarded: await afterUrgentSent(runtime, this.#deps, sent), escalation };
  }

  async edit({ channelId, messageId, body, mentions }: MethodParsedInput<'messages.edit'>): Promise<void> {
    const runtime = this.#runtime;
    await this.#requireOwnMessage(channelId, messageId);
    const edit = { type: 'message.edit' as const, messageId, body, mentions };
    // An urgent message somebody acknowledged is refused by every client: say so now.
    await assertPermitted(runtime, channelId, edit);
    await runtime.client.send(channelId, edit);
  }

  async delete(channelId: string, messageId: string): Promise<void> {
    const runtime = this.#runtime;
    await this.#requireOwnMessage(channelId, messageId);
    await runtime.client.send(channelId, { type: 'message.delete', messageId });
  }

  async ack(channelId: string, messageId: string): Promise<void> {
    const runtime = this.#runtime;
    const row = await runtime.profile.store.messages.get(channelId, messageId);
    if (!row?.urgent) throw new AppError('not_found', 'No urgent message to acknowledge.');
    const already = (await runtime.profile.store.messages.acks(channelId, messageId)).some(
      (a) => a.userId === runtime.identity.userId,
    );
    if (!already) await runtime.client.send(channelId, { type: 'message.ack', messageId });
    await this.#deps.urgent.acknowledged(runtime, channelId, messageId);
  }

  async acks(channelId: string, messageId: string) {
    const runtime = this.#runtime;
    const store = runtime.profile.store;
    const row = await store.messages.get(channelId, messageId);
    if (!row) throw new AppError('not_found', 'No such message.');
    const acks = await store.messages.acks(channelId, messageId);
    const names = new Map(
      [...(await store.members.names(channelId))].map(([userId, name]) => [userId, name ?? UNKNOWN_NAME]),
    );
    const ackedIds = new Set(acks.map((a) => a.userId));
    return {
      acked: acks
        .filter((a) => a.userId !== row.senderUserId)
        .map((a) => ({ userId: a.userId, displayName: names.get(a.userId) ?? UNKNOWN_NAME, at: a.ackedAt })),
      pending: [...names.entries()]
        .filter(([userId]) => userId !== row.senderUserId && !ackedIds.has(userId))
        .map(([userId, displayName]) => ({ userId, displayName })),
    };
  }

  async readers(channelId: string, messageId: string) {
    const runtime = this.#runtime;
    if (!readReceiptsOn(runtime))
      throw new AppError('unavailable', 'Read receipts are switched off by the organisation.');
    const store = runtime.profile.store;
    const row = await store.messages.get(channelId, messageId);
    if (!row || row.senderUserId !== runtime.identity.userId)
      throw new AppError('not_found', 'No own message with this id.');
    const members = await store.members.readPositions(channelId, runtime.identity.userId);
    const hasRead = (m: (typeof members)[number]) => row.seq !== null && m.upToSeq !== null && m.upToSeq >= row.seq;
    return {
      read: members
        .filter(hasRead)
        .map((m) => ({ userId: m.userId, displayName: m.displayName ?? UNKNOWN_NAME, at: m.readAt ?? 0 })),
      unread: members
        .filter((m) => !hasRead(m))
        .map((m) => ({ userId: m.userId, displayName: m.displayName ?? UNKNOWN_NAME })),
    };
  }

  async retry(channelId: string, messageId: string): Promise<void> {
    const runtime = this.#runtime;
    // One the relay refused for good left the queue (own-repository.ts): it is queued anew.
    const changed = await runtime.profile.store
      .repository(ownMessages)
      .retry(channelId, messageId, this.#deps.clock.now());
    if (changed === 0) throw new AppError('not_found', 'Nothing to send again: the message was sent already.');
    runtime.client.sendQueued();
  }

  async search({ text, channelId, limit }: MethodParsedInput<'search.query'>) {
    const runtime = this.#runtime;
    const store = runtime.profile.store;
    const hits = await store.search({ text, ...(channelId ? { channelId } : {}), limit });
    const channels = await store.channels.listFor(runtime.identity.userId);
    const title = await channelTitles(store, runtime.identity.userId, channels);
    const mine = new Map(channels.map((c) => [c.channelId, title(c)]));
    const shown = hits.filter((h) => mine.has(h.channelId));
    const senders = new Map<string, string | null>();
    for (const h of shown)
      if (h.kind === 'message')
        senders.set(`${h.channelId}/${h.id}`, await store.messageDetails.senderName(h.channelId, h.id));
    return shown.map((h) => ({
      kind: h.kind,
      channelId: h.channelId,
      channelName: mine.get(h.channelId) ?? '',
      id: h.id,
      ...(h.part ? { part: h.part } : {}),
      sortKey: h.sortKey,
      createdAt: h.createdAt,
      senderName: h.kind === 'message' ? (senders.get(`${h.channelId}/${h.id}`) ?? UNKNOWN_NAME) : '',
      snippet: h.snippet,
      highlights: h.highlights,
    }));
  }

  async #requireOwnMessage(channelId: string, messageId: string) {
    const runtime = this.#runtime;
    const row = await runtime.profile.store.messages.get(channelId, messageId);
    if (!row) throw new AppError('not_found', 'No such message.');
    if (row.senderUserId !== runtime.identity.userId)
      throw new AppError('not_permitted', 'Only the sender can change a message.');
    if (row.deletedAt !== null) throw new AppError('not_found', 'The message was deleted.');
    return row;
  }
}

const MESSAGES = serviceKey<MessageService>('messages');

/** The profile's message service, made once per sign-in (it goes with the runtime). */
export function messageService(runtime: ProfileRuntime, deps: MessageDeps): MessageService {
  return runtime.services.get(MESSAGES, () => new MessageService(runtime, deps));
}
