// Operating-system notifications for new messages and shared things (files, polls, appointments),
// with as much content as policy allows: none (reception terminals), sender only (default), or
// sender and text (a message's text, a file's name, a poll's question, an appointment's title). A
// profile that is not on screen (locked, or another person's turn) never shows more than what
// kind of thing arrived. A file never previews: a notification carries text only, never its bytes
// or thumbnail (NotificationRequest has no image).
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { Notifier } from '../platform/platform.ts';
import type { DecryptedEvent } from '../sync/ports.ts';

export type NotificationContent = 'none' | 'sender' | 'full';

const TEXT = {
  de: {
    title: 'Klinikfunk',
    message: 'Neue Nachricht',
    mention: 'Sie wurden erwähnt',
    urgent: 'Dringende Nachricht',
    file: 'Neue Datei',
    poll: 'Neue Umfrage',
    calendar: 'Termin',
    from: (n: string) => `von ${n}`,
  },
  en: {
    title: 'Klinikfunk',
    message: 'New message',
    mention: 'You were mentioned',
    urgent: 'Urgent message',
    file: 'New file',
    poll: 'New poll',
    calendar: 'Appointment',
    from: (n: string) => `from ${n}`,
  },
};

export interface NotifyContext {
  content: NotificationContent;
  language: 'de' | 'en';
  onScreen: boolean;
  myUserId: string;
  senderName(userId: string): string;
}

/** What a notification says of an event: its kind, its text under `full`, whether urgent; null: none. */
function describe(
  payload: ChannelEventPayload,
  text: (typeof TEXT)['de'],
  myUserId: string,
): { kind: string; body: string; urgent: boolean } | null {
  if (payload.type === 'message.create') {
    const mentioned = payload.mentions.includes(myUserId);
    const kind = payload.urgent ? text.urgent : mentioned ? text.mention : text.message;
    return { kind, body: payload.body, urgent: payload.urgent };
  }
  if (payload.type === 'file.share') return { kind: text.file, body: payload.name, urgent: false };
  if (payload.type === 'poll.create') return { kind: text.poll, body: payload.question, urgent: false };
  if (payload.type === 'calendar.put') return { kind: text.calendar, body: payload.title, urgent: false };
  // Edits, votes, answers, receipts and settings: no notification.
  return null;
}

export function notifyNewMessages(notifier: Notifier, ctx: NotifyContext, events: DecryptedEvent[]): number {
  if (!notifier.isSupported()) return 0;
  const text = TEXT[ctx.language];
  let shown = 0;
  for (const event of events) {
    const what = describe(event.payload as ChannelEventPayload, text, ctx.myUserId);
    if (!what) continue;
    const level = ctx.onScreen ? ctx.content : 'none';
    const request = {
      title:
        level === 'none'
          ? `${text.title}: ${what.kind}`
          : `${what.kind} ${text.from(ctx.senderName(event.senderUserId))}`,
      ...(level === 'full' ? { body: what.body.slice(0, 200) } : {}),
      tag: event.channelId,
      urgent: what.urgent,
    };
    notifier.show(request);
    shown++;
  }
  return shown;
}
