// IPC handlers of the API part for shared workstations (issue 8) (shared/api/parts/workstation-contract.ts).
import type { WORKSTATION_METHOD_NAMES } from '../../../../shared/api/parts/workstation-names.ts';
import { AppError } from '../../../../shared/api/result.ts';
import type { Handlers } from '../../../ipc/router.ts';
import type { HandlerContext } from '../handler-context.ts';

type Names = (typeof WORKSTATION_METHOD_NAMES)[number];

export function workstationHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const { sessions } = ctx;
  return {
    'session.rules': () => sessions.rules(),
    'clipboard.copyMessage': async ({ channelId, messageId }) => {
      // visible() throws `locked`: a locked or another person's profile is never reached.
      const runtime = sessions.visible();
      const member = runtime.profile.store.db
        .prepare(
          'SELECT 1 FROM channel_members m JOIN channels c USING (channel_id) WHERE m.channel_id = ? AND m.user_id = ? AND c.left_at IS NULL',
        )
        .get(channelId, runtime.identity.userId);
      const row = member ? await runtime.profile.store.messages.get(channelId, messageId) : null;
      if (!row || row.deletedAt !== null) throw new AppError('not_found', 'No such message.');
      await sessions.clipboard.copy(row.body);
      return { clearAfterSeconds: sessions.clipboard.clearAfterSeconds };
    },
    'clipboard.copySelection': async ({ channelId, text }) => {
      const runtime = sessions.visible();
      const member = runtime.profile.store.db
        .prepare('SELECT 1 FROM channel_members m JOIN channels c USING (channel_id) WHERE m.channel_id = ? AND m.user_id = ? AND c.left_at IS NULL')
        .get(channelId, runtime.identity.userId);
      if (!member) throw new AppError('not_found', 'No such channel.');
      await sessions.clipboard.copy(text);
      return { clearAfterSeconds: sessions.clipboard.clearAfterSeconds };
    },
  };
}
