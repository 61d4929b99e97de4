// Operating-system notifications for new messages and shared things (files, polls, appointments),
// with as much content as policy allows: none (reception terminals), sender only (default), or
// sender and text (a message's text, a file's caption or else its name, a poll's question, an
// appointment's title). A profile that is not on screen (locked, or another person's turn) never
// shows more than what kind of thing arrived. A file never previews: a notification carries text
// only, never its bytes or thumbnail (NotificationRequest has no image). Files sent together
// (a `file.group`) are one notification (app/notification-hold.ts gathers them).
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { Notifier } from '../platform/platform.ts';

export type NotificationContent = 'none' | 'sender' | 'full';

const TEXT = {
  de: {
    title: 'Klinikfunk',
    message: 'Neue Nachricht',
    mention: 'Sie wurden erwähnt',
    urgent: 'Dringende Nachricht',
    alert: 'Alarm',
    file: 'Neue Datei',
    files: (count: number) => `${count} neue Dateien`,
    filesBy: (name: string, count: number) => `${name} hat ${count} Dateien geteilt`,
    poll: 'Neue Umfrage',
    calendar: 'Termin',
    from: (n: string) => `von ${n}`,
  },
  en: {
    title: 'Klinikfunk',
    message: 'New message',
    mention: 'You were mentioned',
    urgent: 'Urgent message',
    alert: 'Alert',
    file: 'New file',
    files: (count: number) => `${count} new files`,
    filesBy: (name: string, count: number) => `${name} shared ${count} files`,
    poll: 'New poll',
    calendar: 'Appointment',
    from: (n: string) => `from ${n}`,
  },
};
type Text = (typeof TEXT)['de'];

export interface NotifyContext {
  content: NotificationContent;
  language: 'de' | 'en';
  onScreen: boolean;
  myUserId: string;
  senderName(userId: string): string;
}

type FileShare = Extract<ChannelEventPayload, { type: 'file.share' }>;

/** What notifies: one event, or the files one person sent together (their shares, in order). */
export type Notifiable =
  | { channelId: string; senderUserId: string; payload: unknown }
  | { channelId: string; senderUserId: string; files: readonly FileShare[] };

interface Described {
  kind: string;
  /** The title naming the sender; absent: "<kind> von <sender>". */
  bySender?: (name: string) => string;
  body: string;
  urgent: boolean;
}

/** A file's text under `full`: what its sender typed with it, else its name (never its content). */
const fileText = (files: readonly FileShare[]) =>
  files.find((f) => f.caption !== '')?.caption ?? files.map((f) => f.name).join(', ');

/** What a notification says of an event: its kind, its text under `full`, whether urgent; null: none. */
function describe(item: Notifiable, text: Text, myUserId: string): Described | null {
  if ('files' in item) {
    const count = item.files.length;
    if (count === 1) return { kind: text.file, body: fileText(item.files), urgent: false };
    return {
      kind: text.files(count),
      bySender: (name) => text.filesBy(name, count),
      body: fileText(item.files),
      urgent: false,
    };
  }
  const payload = item.payload as ChannelEventPayload;
  if (payload.type === 'message.create') {
    const mentioned = payload.mentions.includes(myUserId);
    const kind = payload.urgent ? text.urgent : mentioned ? text.mention : text.message;
    return { kind, body: payload.body, urgent: payload.urgent };
  }
  // A broadcast alert asks for acknowledgement: it alerts like an urgent message. Only one the fold
  // counts and that names this user reaches here (wiring.ts asks features/registry.ts alertToMe).
  if (payload.type === 'alert.send') return { kind: text.alert, body: payload.text, urgent: true };
  if (payload.type === 'file.share') return { kind: text.file, body: fileText([payload]), urgent: false };
  if (payload.type === 'poll.create') return { kind: text.poll, body: payload.question, urgent: false };
  if (payload.type === 'calendar.put') return { kind: text.calendar, body: payload.title, urgent: false };
  // Edits, votes, answers, receipts, groups (gathered before) and settings: no notification.
  return null;
}

export function notifyNewMessages(notifier: Notifier, ctx: NotifyContext, items: readonly Notifiable[]): number {
  if (!notifier.isSupported()) return 0;
  const text = TEXT[ctx.language];
  let shown = 0;
  for (const item of items) {
    const what = describe(item, text, ctx.myUserId);
    if (!what) continue;
    const level = ctx.onScreen ? ctx.content : 'none';
    const sender = level === 'none' ? '' : ctx.senderName(item.senderUserId);
    const request = {
      title:
        level === 'none'
          ? `${text.title}: ${what.kind}`
          : (what.bySender?.(sender) ?? `${what.kind} ${text.from(sender)}`),
      ...(level === 'full' ? { body: what.body.slice(0, 200) } : {}),
      tag: item.channelId,
      urgent: what.urgent,
    };
    notifier.show(request);
    shown++;
  }
  return shown;
}
