// IPC adapter of availability: each handler hands the call to the AvailabilityService of the visible
// profile (statuses travel in the directory channel; only `availability.forwards` names a channel,
// whose membership the router checked on the runtime it hands in).
import type { AVAILABILITY_METHOD_NAMES } from '@klinikfunk/protocol/api/features/availability-names.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { registerUrgentSentStep, type UrgentSentStep } from '../kit/urgent-sent.ts';
import { availabilityService } from './service.ts';

const toCovers: UrgentSentStep = (runtime, { clock, log }, sent) =>
  availabilityService(runtime, clock).forwardUrgent(sent, log);

export function availabilityHandlers(
  ctx: HandlerContext,
): Pick<ProfileHandlers, (typeof AVAILABILITY_METHOD_NAMES)[number]> {
  // An urgent message sent by any profile goes to the covers of its members marked "nicht stören".
  registerUrgentSentStep(toCovers);
  const availability = () => availabilityService(ctx.sessions.visible(), ctx.clock);
  return {
    'availability.list': () => availability().list(),
    'availability.set': async (input) => {
      await availability().set(input);
      return { done: true as const };
    },
    'availability.forwards': ({ channelId }, { runtime }) =>
      availabilityService(runtime, ctx.clock).forwards(channelId),
  };
}
