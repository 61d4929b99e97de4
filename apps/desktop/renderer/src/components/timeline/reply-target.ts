// A reply to a shared thing goes through the composer's reply like one to a message: the
// composer shows who and what is answered, and the new message refers to the thing's event id.
import type { MessageView, TimelineItem } from '@klinikfunk/protocol/api/contract.ts';
import type { MessageKey } from '../../i18n/de.ts';

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function titleOf(item: TimelineItem): string {
  if (item.kind === 'file') return item.file.name;
  if (item.kind === 'poll') return item.poll.question;
  if (item.kind === 'calendar') return item.calendar.title;
  return '';
}

export function replyTarget(item: TimelineItem, channelId: string, t: Translate): MessageView {
  const body =
    item.kind === 'file'
      ? item.group
        ? t('timeline.replyExcerpt.files', { name: item.file.name, more: item.group.files.length - 1 })
        : t('timeline.replyExcerpt.file', { name: item.file.name })
      : item.kind === 'poll'
        ? t('timeline.replyExcerpt.poll', { question: item.poll.question })
        : t('timeline.replyExcerpt.calendar', { title: titleOf(item) });
  return {
    messageId: item.eventId,
    channelId,
    seq: item.seq,
    sortKey: item.sortKey,
    senderUserId: item.sender.userId,
    senderName: item.sender.displayName,
    own: item.own,
    createdAt: item.createdAt,
    body,
    mentions: [],
    mentionsMe: false,
    replyTo: null,
    urgent: false,
    ack: null,
    readBy: null,
    editedAt: null,
    deleted: false,
    delivery: item.delivery,
    deliveredAt: null,
    late: null,
    refusal: null,
  };
}
