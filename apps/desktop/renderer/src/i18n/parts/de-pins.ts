// German strings of pinned messages; merged into de.ts (the source of truth for keys).
export const dePins = {
  'pins.button': 'Angeheftet ({count})',
  'pins.title': 'Angeheftete Nachrichten',
  'pins.empty': 'Noch keine Nachricht angeheftet. Heften Sie eine Nachricht über „Anheften“ an ihr an.',
  'pins.pinnedBy': 'Angeheftet von {name}',
  'pins.pin': 'Anheften',
  'pins.pinLabel': 'Nachricht von {sender} für alle im Kanal anheften',
  'pins.unpin': 'Lösen',
  'pins.unpinLabel': 'Angeheftete Nachricht von {sender} lösen',
  'pins.pinned': 'Nachricht angeheftet.',
  'pins.unpinned': 'Nachricht gelöst.',
  'pins.failed': 'Das hat nicht geklappt: {reason}',
} as const;
