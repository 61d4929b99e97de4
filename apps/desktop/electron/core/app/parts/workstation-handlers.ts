// IPC adapter of the API for shared workstations and the support package (issue 8)
// (packages/protocol/api/features/workstation.ts, support.ts): each call goes to the workstation's
// WorkstationService (workstation-service.ts).
import type { SUPPORT_METHOD_NAMES } from '@klinikfunk/protocol/api/features/support-names.ts';
import type { WORKSTATION_METHOD_NAMES } from '@klinikfunk/protocol/api/features/workstation-names.ts';
import type { HandlerContext, ProfileHandlers } from '../handler-context.ts';
import { WorkstationService } from '../workstation-service.ts';

type Names = (typeof WORKSTATION_METHOD_NAMES)[number] | (typeof SUPPORT_METHOD_NAMES)[number];

export function workstationHandlers(ctx: HandlerContext): Pick<ProfileHandlers, Names> {
  const workstation = new WorkstationService(ctx);
  return {
    'session.rules': () => ctx.sessions.rules(),
    // A foreign channel never gets here (`requires: 'member'` in the contract, checked by the router).
    'clipboard.copyMessage': ({ channelId, messageId }, { runtime }) =>
      workstation.copyMessage(runtime, channelId, messageId),
    'clipboard.copySelection': ({ text }) => workstation.copyText(text),
    'clipboard.copyOrgFingerprint': () => workstation.copyOrgFingerprint(),
    'support.exportPackage': () => workstation.exportSupportPackage(),
  };
}
