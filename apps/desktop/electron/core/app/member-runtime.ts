// The visible profile's runtime for a channel its user is a member of, else `not_found` (the same
// answer as for a channel that does not exist, so the renderer cannot probe for channels). Every
// handler that touches one channel goes through here.
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { ProfileRuntime } from './profile-runtime.ts';
import type { SessionService } from './session-service.ts';

export async function memberRuntime(sessions: SessionService, channelId: string): Promise<ProfileRuntime> {
  const runtime = sessions.visible();
  if (!(await runtime.profile.store.members.isActiveMember(channelId, runtime.identity.userId)))
    throw new AppError('not_found', 'No such channel for this user.');
  return runtime;
}
