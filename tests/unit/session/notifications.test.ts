// Notification content per policy (none | sender | full) and for a profile that is not on screen.
import { describe, expect, it } from 'vitest';
import {
  notifyNewMessages,
  type NotificationContent,
  type NotifyContext,
} from '../../../apps/desktop/electron/core/app/notifications.ts';
import { FakeNotifier } from '../../../apps/desktop/electron/core/platform/fakes.ts';
import type { DecryptedEvent } from '../../../apps/desktop/electron/core/sync/ports.ts';

const BODY = 'Herr Meier, Zimmer 12: Blutzucker 250 mg/dl';

function message(overrides: { urgent?: boolean; mentions?: string[]; type?: string } = {}): DecryptedEvent {
  return {
    eventId: 'evt-1',
    channelId: 'chan-station-3b',
    seq: 7,
    senderUserId: 'user-anna',
    senderDeviceId: 'dev-anna',
    createdAt: 0,
    payload: {
      type: overrides.type ?? 'message.create',
      body: BODY,
      mentions: overrides.mentions ?? [],
      replyTo: null,
      urgent: overrides.urgent ?? false,
    },
  } as unknown as DecryptedEvent;
}

function notify(content: NotificationContent, options: Partial<NotifyContext> = {}, events = [message()]) {
  const notifier = new FakeNotifier();
  const count = notifyNewMessages(
    notifier,
    { content, language: 'de', onScreen: true, myUserId: 'user-bernd', senderName: () => 'Anna Admin', ...options },
    events,
  );
  return { shown: notifier.shown, count };
}

describe('notifications by policy', () => {
  it('none: neither sender nor text', () => {
    const { shown } = notify('none');
    expect(shown).toEqual([{ title: 'Klinikfunk: Neue Nachricht', tag: 'chan-station-3b', urgent: false }]);
  });

  it('sender (the default): the sender, never the text', () => {
    const { shown } = notify('sender');
    expect(shown).toEqual([{ title: 'Neue Nachricht von Anna Admin', tag: 'chan-station-3b', urgent: false }]);
    expect(JSON.stringify(shown)).not.toContain('Meier');
  });

  it('full: sender and the text', () => {
    const { shown } = notify('full');
    expect(shown).toEqual([
      { title: 'Neue Nachricht von Anna Admin', body: BODY, tag: 'chan-station-3b', urgent: false },
    ]);
  });

  it('a profile that is not on screen (locked, or another person) shows only "new message", whatever the policy', () => {
    for (const content of ['none', 'sender', 'full'] as const) {
      const { shown } = notify(content, { onScreen: false });
      expect(shown).toEqual([{ title: 'Klinikfunk: Neue Nachricht', tag: 'chan-station-3b', urgent: false }]);
    }
  });

  it('urgent and mention are named, still without content under none', () => {
    expect(notify('none', {}, [message({ urgent: true })]).shown[0]).toMatchObject({
      title: 'Klinikfunk: Dringende Nachricht',
      urgent: true,
    });
    expect(notify('none', {}, [message({ mentions: ['user-bernd'] })]).shown[0]).toMatchObject({
      title: 'Klinikfunk: Sie wurden erwähnt',
    });
    expect(notify('sender', { language: 'en' }, [message({ urgent: true })]).shown[0]).toMatchObject({
      title: 'Urgent message from Anna Admin',
    });
  });

  it('only new messages notify (no edits, votes or receipts)', () => {
    expect(notify('full', {}, [message({ type: 'message.edit' })]).count).toBe(0);
  });

  describe('shared things notify like messages', () => {
    const shared = (payload: Record<string, unknown>): DecryptedEvent =>
      ({ ...message(), eventId: 'evt-2', payload }) as unknown as DecryptedEvent;
    const file = shared({
      type: 'file.share',
      name: 'Wunde Meier Zimmer 12.jpg',
      mimeType: 'image/jpeg',
      size: 52_000,
      blobId: 'b'.repeat(64),
      keyB64: 'k'.repeat(43),
      hashB64: 'h'.repeat(43),
      thumbnailBlobId: 't'.repeat(64),
      caption: 'Verband gewechselt',
    });
    const poll = shared({ type: 'poll.create', question: 'Dienstplan Meier?', options: [] });
    const appointment = shared({ type: 'calendar.put', uid: 'cal-1', title: 'Visite Meier', start: 0, end: 1 });

    it('a file, a poll and an appointment each notify with their kind', () => {
      const { shown, count } = notify('sender', {}, [file, poll, appointment]);
      expect(count).toBe(3);
      expect(shown.map((n) => n.title)).toEqual([
        'Neue Datei von Anna Admin',
        'Neue Umfrage von Anna Admin',
        'Termin von Anna Admin',
      ]);
      expect(notify('sender', { language: 'en' }, [file]).shown[0]!.title).toBe('New file from Anna Admin');
    });

    it('no content unless the policy allows it: name, question and title stay out under none and sender', () => {
      for (const content of ['none', 'sender'] as const) {
        const text = JSON.stringify(notify(content, {}, [file, poll, appointment]).shown);
        expect(text).not.toContain('Meier');
      }
      expect(notify('none', {}, [file]).shown[0]).toEqual({
        title: 'Klinikfunk: Neue Datei',
        tag: 'chan-station-3b',
        urgent: false,
      });
      const notOnScreen = JSON.stringify(notify('full', { onScreen: false }, [file, poll, appointment]).shown);
      expect(notOnScreen).not.toContain('Meier');
    });

    it('a file never previews: under full its caption (typed like a message), else its name; never its thumbnail or bytes', () => {
      const [shown] = notify('full', {}, [file]).shown;
      expect(shown).toEqual({
        title: 'Neue Datei von Anna Admin',
        body: 'Verband gewechselt',
        tag: 'chan-station-3b',
        urgent: false,
      });
      expect(Object.keys(shown!).sort()).toEqual(['body', 'tag', 'title', 'urgent']);
      const uncaptioned = shared({ ...(file.payload as object), caption: '' });
      expect(notify('full', {}, [uncaptioned]).shown[0]!.body).toBe('Wunde Meier Zimmer 12.jpg');
    });

    it('votes, RSVPs and channel settings do not notify', () => {
      const others = [
        shared({ type: 'poll.vote', pollId: 'pol-1', optionIds: ['o1'] }),
        shared({ type: 'calendar.rsvp', uid: 'cal-1', rsvp: 'yes' }),
        shared({ type: 'channel.update', name: 'x', topic: '', historyForNewMembers: false, retentionDays: null }),
      ];
      expect(notify('full', {}, others).count).toBe(0);
    });
  });
});
