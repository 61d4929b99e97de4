// English strings of the channel timeline's shared things; merged into en.ts.
import type { deTimeline } from './de-timeline.ts';

export const enTimeline: Record<keyof typeof deTimeline, string> = {
  'timeline.file.shared': 'shared a file',
  'timeline.poll.shared': 'started a poll',
  'timeline.calendar.shared': 'added an appointment',
  'timeline.file.open': 'Open {name} ({type}, {size})',
  'timeline.file.imageAlt': 'Thumbnail of {name}',
  'timeline.poll.loading': 'Loading poll …',
  'timeline.calendar.cancelled': 'Cancelled',
  'timeline.calendar.recurring': 'Repeats',
  'timeline.calendar.yourAnswer': 'Your answer to “{title}”',
  'timeline.calendar.answered': 'Answer saved: {answer}',
  'timeline.change.renamed': '{sender} renamed the channel to “{name}”.',
  'timeline.change.retention': '{sender} set retention to {days} days.',
  'timeline.change.retentionOrg':
    '{sender} removed the channel’s own retention period: the organisation’s rule applies.',
  'timeline.loadOlder': 'Load older items',
  'timeline.loadingOlder': 'Loading older items …',
  'timeline.members.added': '{sender} added {names}.',
  'timeline.members.removed': '{sender} removed {names}.',
  'timeline.members.leftChannel': '{sender} left the channel.',
  'timeline.members.leftGroup': '{sender} left the group.',
  'timeline.sending': 'Sending …',
  'timeline.actions': 'Actions for “{title}” by {sender}',
  'timeline.replyExcerpt.file': 'File: {name}',
  'timeline.replyExcerpt.poll': 'Poll: {question}',
  'timeline.replyExcerpt.calendar': 'Appointment: {title}',
};
