// IPC adapter of messages and search: each handler hands the call to the MessageService
// (service.ts) of the profile whose membership the router checked before it ran
// (`requires: 'member'` in the contract; `call.runtime`), never the visible one read again.
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import type { UrgentWatch } from '../kit/urgent.ts';
import { messageService, type MessageDeps } from './service.ts';

// messages.page is joined with the other features' parts of a page in ../channel-page.ts.
type MessagingMethods =
  | 'messages.send'
  | 'messages.edit'
  | 'messages.delete'
  | 'messages.ack'
  | 'messages.acks'
  | 'messages.readers'
  | 'messages.retry'
  | 'search.query';

const done = { done: true as const };

/**
 * What the profile's one MessageService is built with. Every handler table that reaches it passes
 * these same deps: the service is made once per profile by whichever asks first.
 */
export const messageDeps = (ctx: HandlerContext, urgent: UrgentWatch): MessageDeps => ({
  clock: ctx.clock,
  versionOf: ctx.channelVersion,
  urgent,
  log: ctx.log,
});

export function messagingHandlers(ctx: HandlerContext, urgent: UrgentWatch): Pick<ProfileHandlers, MessagingMethods> {
  const deps = messageDeps(ctx, urgent);
  const messages = (runtime: ProfileRuntime) => messageService(runtime, deps);
  return {
    'messages.send': (input, { runtime }) => messages(runtime).send(input),
    'messages.edit': async (input, { runtime }) => {
      await messages(runtime).edit(input);
      return done;
    },
    'messages.delete': async ({ channelId, messageId }, { runtime }) => {
      await messages(runtime).delete(channelId, messageId);
      return done;
    },
    'messages.ack': async ({ channelId, messageId }, { runtime }) => {
      await messages(runtime).ack(channelId, messageId);
      return done;
    },
    'messages.acks': ({ channelId, messageId }, { runtime }) => messages(runtime).acks(channelId, messageId),
    'messages.readers': ({ channelId, messageId }, { runtime }) => messages(runtime).readers(channelId, messageId),
    'messages.retry': async ({ channelId, messageId }, { runtime }) => {
      await messages(runtime).retry(channelId, messageId);
      return done;
    },
    'search.query': (input, { runtime }) => messages(runtime).search(input),
  };
}
