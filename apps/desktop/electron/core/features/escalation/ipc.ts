// IPC adapter of escalations: each handler hands the call to the EscalationService of the profile
// (the router checked the membership for `escalations.ofMessage` on the runtime it hands in).
import type { ESCALATIONS_METHOD_NAMES } from '@klinikfunk/protocol/api/features/escalations-names.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { escalationService, type EscalationDeps } from './service.ts';

export function escalationHandlers(
  ctx: HandlerContext,
  deps: EscalationDeps,
): Pick<ProfileHandlers, (typeof ESCALATIONS_METHOD_NAMES)[number]> {
  return {
    'escalations.ofMessage': ({ channelId, messageId }, { runtime }) =>
      escalationService(runtime, deps).ofMessage(channelId, messageId),
    'escalations.received': () => escalationService(ctx.sessions.visible(), deps).received(),
    'escalations.acknowledge': async ({ escalationId }) => {
      let found: boolean;
      try {
        found = await escalationService(ctx.sessions.visible(), deps).acknowledgeStep(escalationId);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError('unavailable', 'The relay could not be reached; please acknowledge again.');
      }
      if (!found) throw new AppError('not_found', 'No escalated message with this id reached this workstation.');
      return { done: true as const };
    },
  };
}
