// Shared by the channel handlers: the rule table's verdict before anything is queued, and display
// names from the directory. The member check is the router's (`requires: 'member'` in the contract).
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import type { ProfileStore } from '../../store/profile-store.ts';
import { refusalError } from '../../store/refusal-error.ts';

export const UNKNOWN_NAME = 'Unbekannt';

/** Read receipts travel and show only while the organisation's signed settings allow them. */
export const readReceiptsOn = (runtime: ProfileRuntime): boolean =>
  runtime.client.directory.orgSettings?.body.readReceipts === true;

/** Looks up display names once per call; unknown users (not yet in the directory) get a placeholder. */
export async function nameLookup(
  store: ProfileStore,
): Promise<(userId: string) => { userId: string; displayName: string }> {
  const names = await store.directory.displayNames();
  return (userId) => ({ userId, displayName: names.get(userId) ?? UNKNOWN_NAME });
}

/**
 * Refuses at once (`not_permitted`) what every receiving client would refuse anyway: the same rule
 * table (store/authorise.ts) over this device's store, with this user as the sender.
 */
export async function assertPermitted(
  runtime: ProfileRuntime,
  channelId: string,
  payload: ChannelEventPayload,
): Promise<void> {
  const refusal = await runtime.profile.store.authorise({
    eventId: 'local-check',
    channelId,
    seq: null,
    senderUserId: runtime.identity.userId,
    senderDeviceId: '',
    createdAt: 0,
    payload,
  });
  if (refusal) throw refusalError(refusal);
}
