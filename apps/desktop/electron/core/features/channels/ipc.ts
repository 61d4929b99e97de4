// IPC adapter of channels and the directory's member picker: each handler hands the call to the
// ChannelService (service.ts) of its profile. A method on one channel acts on the profile whose
// membership the router checked (`requires: 'member'` in the contract; `call.runtime`); the others
// on the visible, unlocked profile (SessionService.visible() throws `locked` otherwise).
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { channelService } from './service.ts';

type ChannelMethods =
  | 'directory.users'
  | 'channels.list'
  | 'channels.get'
  | 'channels.create'
  | 'channels.setMembers'
  | 'channels.leave'
  | 'channels.discover'
  | 'channels.join'
  | 'channels.markRead';

const done = { done: true as const };

export function channelHandlers(ctx: HandlerContext): Pick<ProfileHandlers, ChannelMethods> {
  const channels = (runtime: ProfileRuntime) => channelService(runtime, ctx.clock);
  const visible = () => channels(ctx.sessions.visible());
  return {
    'directory.users': () => visible().users(),
    'channels.list': () => visible().list(),
    'channels.get': ({ channelId }, { runtime }) => channels(runtime).get(channelId),
    'channels.create': (input) => visible().create(input),
    'channels.setMembers': async ({ channelId, memberUserIds }, { runtime }) => {
      await channels(runtime).setMembers(channelId, memberUserIds);
      return done;
    },
    'channels.leave': async ({ channelId }, { runtime }) => {
      await channels(runtime).leave(channelId);
      return done;
    },
    'channels.discover': () => visible().discover(),
    'channels.join': ({ channelId }) => visible().join(channelId),
    'channels.markRead': async ({ channelId, upToSortKey }, { runtime }) => {
      await channels(runtime).markRead(channelId, upToSortKey);
      return done;
    },
  };
}
