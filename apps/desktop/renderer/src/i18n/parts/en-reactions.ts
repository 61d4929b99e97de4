// English strings of quick reactions; merged into en.ts (keys as in de-reactions.ts).
export const enReactions = {
  'reactions.add': 'React',
  'reactions.addLabel': 'React to the message from {sender}',
  'reactions.pick': 'Choose a reaction',
  'reactions.name.thumbsUp': 'Thumbs up',
  'reactions.name.done': 'Done',
  'reactions.name.seen': 'Seen',
  'reactions.name.thanks': 'Thanks',
  'reactions.giveLabel': 'React with {name}',
  'reactions.takeBackLabel': 'Take back {name}',
  'reactions.summary': '{name}: {count} – {people}',
  'reactions.group': 'Reactions',
  'reactions.given': 'Reaction {name} given.',
  'reactions.takenBack': 'Reaction {name} taken back.',
  'reactions.failed': 'The reaction did not work: {reason}',
} as const;
