// Shared by the collaboration handlers: the visible profile's runtime for a channel this user is
// a member of (else `not_found`, the same answer as for a channel that does not exist, so the
// renderer cannot probe for channels), and display names from the directory.
import { AppError } from '../../../shared/api/result.ts';
import type { ProfileRuntime } from '../app/profile-runtime.ts';
import type { SessionService } from '../app/session-service.ts';
import type { Db } from '../store/database.ts';

export function memberRuntime(sessions: SessionService, channelId: string): ProfileRuntime {
  const runtime = sessions.visible();
  const member = runtime.profile.store.db
    .prepare('SELECT 1 FROM channel_members m JOIN channels c USING (channel_id) WHERE m.channel_id = ? AND m.user_id = ? AND c.left_at IS NULL')
    .get(channelId, runtime.identity.userId);
  if (!member) throw new AppError('not_found', 'No such channel for this user.');
  return runtime;
}

export const UNKNOWN_NAME = 'Unbekannt';

/** Looks up display names once per call; unknown users (not yet in the directory) get a placeholder. */
export function nameLookup(db: Db): (userId: string) => { userId: string; displayName: string } {
  const rows = db.prepare('SELECT user_id, display_name FROM users').all() as Array<{ user_id: string; display_name: string }>;
  const names = new Map(rows.map((r) => [r.user_id, r.display_name]));
  return (userId) => ({ userId, displayName: names.get(userId) ?? UNKNOWN_NAME });
}
