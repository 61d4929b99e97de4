// Method and event names of channels (api/features/channels.ts); merged into names.ts.
export const CHANNELS_METHOD_NAMES = [
  'channels.list',
  'channels.get',
  'channels.create',
  'channels.setMembers',
  'channels.leave',
  'channels.discover',
  'channels.join',
  'channels.markRead',
] as const;
export const CHANNELS_EVENT_NAMES = ['channels.changed'] as const;
