// Method and event names of messages (api/features/messages.ts); merged into names.ts.
export const MESSAGES_METHOD_NAMES = [
  'messages.page',
  'messages.send',
  'messages.edit',
  'messages.delete',
  'messages.ack',
  'messages.acks',
  'messages.readers',
  'messages.retry',
] as const;
export const MESSAGES_EVENT_NAMES = ['messages.changed'] as const;
