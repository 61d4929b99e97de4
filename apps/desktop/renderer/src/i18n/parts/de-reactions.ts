// German strings of quick reactions; merged into de.ts (the source of truth for keys).
export const deReactions = {
  'reactions.add': 'Reagieren',
  'reactions.addLabel': 'Auf die Nachricht von {sender} reagieren',
  'reactions.pick': 'Reaktion wählen',
  'reactions.name.thumbsUp': 'Daumen hoch',
  'reactions.name.done': 'Erledigt',
  'reactions.name.seen': 'Gesehen',
  'reactions.name.thanks': 'Danke',
  'reactions.giveLabel': 'Mit {name} reagieren',
  'reactions.takeBackLabel': '{name} zurücknehmen',
  'reactions.summary': '{name}: {count} – {people}',
  'reactions.group': 'Reaktionen',
  'reactions.given': 'Reaktion {name} gegeben.',
  'reactions.takenBack': 'Reaktion {name} zurückgenommen.',
  'reactions.failed': 'Die Reaktion hat nicht geklappt: {reason}',
} as const;
