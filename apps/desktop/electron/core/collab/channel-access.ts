// Shared by the channel handlers: the member check (app/member-runtime.ts), the rule table's
// verdict before anything is queued, and display names from the directory.
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { ProfileRuntime } from '../app/profile-runtime.ts';
import { authoriseEvent } from '../store/authorise-facts.ts';
import type { Db } from '../store/database.ts';
import { refusalError } from '../store/refusal-error.ts';

export { memberRuntime } from '../app/member-runtime.ts';

export const UNKNOWN_NAME = 'Unbekannt';

/** Looks up display names once per call; unknown users (not yet in the directory) get a placeholder. */
export function nameLookup(db: Db): (userId: string) => { userId: string; displayName: string } {
  const rows = db.prepare('SELECT user_id, display_name FROM users').all() as Array<{ user_id: string; display_name: string }>;
  const names = new Map(rows.map((r) => [r.user_id, r.display_name]));
  return (userId) => ({ userId, displayName: names.get(userId) ?? UNKNOWN_NAME });
}

/**
 * Refuses at once (`not_permitted`) what every receiving client would refuse anyway: the same rule
 * table (store/authorise.ts) over this device's store, with this user as the sender.
 */
export function assertPermitted(runtime: ProfileRuntime, channelId: string, payload: ChannelEventPayload): void {
  const refusal = authoriseEvent(runtime.profile.store.db, {
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
