// IPC adapter of pinned messages: each handler hands the call to the PinService of the profile the
// router checked the membership on (`requires: 'member'` in packages/protocol/api/features/pins.ts).
import type { PINS_METHOD_NAMES } from '@klinikfunk/protocol/api/features/pins-names.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { pinService } from './service.ts';

const done = { done: true as const };

export function pinHandlers(_ctx: HandlerContext): Pick<ProfileHandlers, (typeof PINS_METHOD_NAMES)[number]> {
  return {
    'pins.list': ({ channelId }, { runtime }) => pinService(runtime).list(channelId),
    'pins.add': async ({ channelId, messageId }, { runtime }) => {
      await pinService(runtime).add(channelId, messageId);
      return done;
    },
    'pins.remove': async ({ channelId, messageId }, { runtime }) => {
      await pinService(runtime).remove(channelId, messageId);
      return done;
    },
  };
}
