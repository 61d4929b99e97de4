// English strings of pinned messages; merged into en.ts.
export const enPins = {
  'pins.button': 'Pinned ({count})',
  'pins.title': 'Pinned messages',
  'pins.empty': 'No message is pinned yet. Pin one with “Pin” on the message.',
  'pins.pinnedBy': 'Pinned by {name}',
  'pins.pin': 'Pin',
  'pins.pinLabel': 'Pin the message from {sender} for everyone in the channel',
  'pins.unpin': 'Unpin',
  'pins.unpinLabel': 'Unpin the message from {sender}',
  'pins.pinned': 'Message pinned.',
  'pins.unpinned': 'Message unpinned.',
  'pins.failed': 'That did not work: {reason}',
} as const;
