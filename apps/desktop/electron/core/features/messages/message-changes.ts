// The message views a change event carries (change-feed.ts): the changed messages and those quoting
// an edited or deleted one, built by the same toMessageViews as messages.page, so a patched window
// shows exactly what a reloaded one would.
import { MAX_PATCH_MESSAGES, type MessagePatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { ChannelChange } from '../../changes/channel-change.ts';
import { toMessageViews } from './message-views.ts';
import type { SessionService } from '../../app/session-service.ts';
import { readReceiptsOn, UNKNOWN_NAME } from '../kit/channel-access.ts';

type Runtime = ReturnType<SessionService['visible']>;

/** Null: more messages changed than one event carries (many quotes of an edited message); reload. */
export async function messagePatch(
  runtime: Runtime,
  channelId: string,
  change: ChannelChange,
): Promise<MessagePatch | null> {
  const store = runtime.profile.store;
  const rows = await store.messages.withReplies(channelId, change.messageIds, change.quoted);
  if (rows.length > MAX_PATCH_MESSAGES) return null;
  const upserted = await toMessageViews(
    {
      store,
      myUserId: runtime.identity.userId,
      unknownName: UNKNOWN_NAME,
      readReceipts: readReceiptsOn(runtime),
      lateDeliveryMs: runtime.lateDeliveryMs,
    },
    channelId,
    rows,
  );
  const found = new Set(rows.map((r) => r.messageId));
  return {
    kind: 'patch',
    upserted,
    removed: change.messageIds.filter((id) => !found.has(id)),
    total: await store.messages.count(channelId),
    historyStart: await store.messageDetails.historyStart(channelId),
  };
}
