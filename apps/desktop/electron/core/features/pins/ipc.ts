// IPC adapter of pinned messages: each handler hands the call to the visible profile's PinService.
// Membership is the router's check (`requires: 'member'` in packages/protocol/api/features/pins.ts).
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import type { PINS_METHOD_NAMES } from '@klinikfunk/protocol/api/features/pins-names.ts';
import type { HandlerContext } from '../../app/handler-context.ts';
import { pinService } from './service.ts';

const done = { done: true as const };

export function pinHandlers(ctx: HandlerContext): Pick<Handlers, (typeof PINS_METHOD_NAMES)[number]> {
  const pins = () => pinService(ctx.sessions.visible());
  return {
    'pins.list': ({ channelId }) => pins().list(channelId),
    'pins.add': async ({ channelId, messageId }) => {
      await pins().add(channelId, messageId);
      return done;
    },
    'pins.remove': async ({ channelId, messageId }) => {
      await pins().remove(channelId, messageId);
      return done;
    },
  };
}
