// The visible profile's runtime for a channel its user is a member of, else `not_found` (the same
// answer as for a channel that does not exist, so the renderer cannot probe for channels). Every
// handler that touches one channel goes through here.
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { ProfileRuntime } from './profile-runtime.ts';
import type { SessionService } from './session-service.ts';

export function memberRuntime(sessions: SessionService, channelId: string): ProfileRuntime {
  const runtime = sessions.visible();
  const member = runtime.profile.store.db
    .prepare('SELECT 1 FROM channel_members m JOIN channels c USING (channel_id) WHERE m.channel_id = ? AND m.user_id = ? AND c.left_at IS NULL')
    .get(channelId, runtime.identity.userId);
  if (!member) throw new AppError('not_found', 'No such channel for this user.');
  return runtime;
}
