// Operating-system notifications for new messages, with as much content as policy allows:
// none (reception terminals), sender only (default), or sender and text. A profile that is not
// on screen (locked, or another person's turn) never shows more than "new message".
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
    from: (n: string) => `von ${n}`,
  },
  en: {
    title: 'Klinikfunk',
    message: 'New message',
    mention: 'You were mentioned',
    urgent: 'Urgent message',
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

export function notifyNewMessages(notifier: Notifier, ctx: NotifyContext, events: DecryptedEvent[]): number {
  if (!notifier.isSupported()) return 0;
  const text = TEXT[ctx.language];
  let shown = 0;
  for (const event of events) {
    const payload = event.payload as ChannelEventPayload;
    if (payload.type !== 'message.create') continue;
    const mentioned = payload.mentions.includes(ctx.myUserId);
    const kind = payload.urgent ? text.urgent : mentioned ? text.mention : text.message;
    const level = ctx.onScreen ? ctx.content : 'none';
    const request = {
      title: level === 'none' ? `${text.title}: ${kind}` : `${kind} ${text.from(ctx.senderName(event.senderUserId))}`,
      ...(level === 'full' ? { body: payload.body.slice(0, 200) } : {}),
      tag: event.channelId,
      urgent: payload.urgent,
    };
    notifier.show(request);
    shown++;
  }
  return shown;
}
