// IPC adapter of function roles: each handler hands the call to the RoleService of the visible
// profile (roles travel in the directory channel; only `roles.conversation` names a channel, whose
// membership the router checked on the runtime it hands in).
import type { ROLES_METHOD_NAMES } from '@klinikfunk/protocol/api/features/roles-names.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { roleService } from './service.ts';

const done = { done: true as const };

export function roleHandlers(ctx: HandlerContext): Pick<ProfileHandlers, (typeof ROLES_METHOD_NAMES)[number]> {
  const roles = () => roleService(ctx.sessions.visible(), ctx.clock);
  return {
    'roles.list': () => roles().list(),
    'roles.define': async (input) => ({ roleId: await roles().define(input) }),
    'roles.take': async ({ roleId }) => {
      await roles().take(roleId);
      return done;
    },
    'roles.handOver': async ({ roleId, userId }) => {
      await roles().handOver(roleId, userId);
      return done;
    },
    'roles.setEscalation': async ({ roleId, policy }) => {
      await roles().setEscalation(roleId, policy);
      return done;
    },
    'roles.previewRoster': (input) => roles().previewRoster(input),
    'roles.importRoster': async (input) => ({ entries: await roles().importRoster(input) }),
    'roles.openConversation': async ({ roleId }) => ({ channelId: await roles().openConversation(roleId) }),
    'roles.conversation': ({ channelId }, { runtime }) => roleService(runtime, ctx.clock).conversation(channelId),
  };
}
