// IPC handlers of the API part for shared workstations (issue 8) (shared/api/parts/workstation-contract.ts).
import type { WORKSTATION_METHOD_NAMES } from '../../../../shared/api/parts/workstation-names.ts';
import { AppError } from '../../../../shared/api/result.ts';
import { orgFingerprint } from '../../../../shared/protocol/org-fingerprint.ts';
import type { Handlers } from '../../../ipc/router.ts';
import type { HandlerContext } from '../handler-context.ts';
import { memberRuntime } from '../member-runtime.ts';

type Names = (typeof WORKSTATION_METHOD_NAMES)[number];

export function workstationHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const { sessions } = ctx;
  return {
    'session.rules': () => sessions.rules(),
    'clipboard.copyMessage': async ({ channelId, messageId }) => {
      // `locked` for a locked or another person's profile, `not_found` for a foreign channel.
      const runtime = memberRuntime(sessions, channelId);
      const row = await runtime.profile.store.messages.get(channelId, messageId);
      if (!row || row.deletedAt !== null) throw new AppError('not_found', 'No such message.');
      await sessions.clipboard.copy(row.body);
      return { clearAfterSeconds: sessions.clipboard.clearAfterSeconds };
    },
    'clipboard.copySelection': async ({ channelId, text }) => {
      memberRuntime(sessions, channelId);
      await sessions.clipboard.copy(text);
      return { clearAfterSeconds: sessions.clipboard.clearAfterSeconds };
    },
    'clipboard.copyOrgFingerprint': async () => {
      const fingerprint = orgFingerprint(sessions.visible().identity.orgId);
      await sessions.clipboard.copy(fingerprint);
      return { fingerprint, clearAfterSeconds: sessions.clipboard.clearAfterSeconds };
    },
  };
}
