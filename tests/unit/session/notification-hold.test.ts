// Files sent together notify once: the shares of a tray wait for their file.group, which makes
// them one notification ("Anna Admin hat 3 Dateien geteilt"); a share no group claims notifies on
// its own once the wait is over; messages, polls and appointments are not held.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { HOLD_MS, NotificationHold } from '../../../apps/desktop/electron/core/app/notification-hold.ts';
import {
  notifyNewMessages,
  type Notifiable,
  type NotificationContent,
} from '../../../apps/desktop/electron/core/app/notifications.ts';
import { FakeNotifier } from '../../../apps/desktop/electron/core/platform/fakes.ts';
import type { DecryptedEvent } from '../../../apps/desktop/electron/core/sync/ports.ts';

const CH = 'chan-station-3b';
let seq = 0;
function event(payload: Record<string, unknown>, eventId = `evt-${++seq}`, sender = 'user-anna'): DecryptedEvent {
  return {
    eventId,
    channelId: CH,
    seq: ++seq,
    senderUserId: sender,
    senderDeviceId: `dev-${sender}`,
    createdAt: 0,
    payload,
  } as unknown as DecryptedEvent;
}
const share = (eventId: string, name: string, caption = '', sender = 'user-anna') =>
  event(
    {
      type: 'file.share',
      name,
      mimeType: 'image/jpeg',
      size: 1000,
      blobId: 'b'.repeat(64),
      keyB64: 'k'.repeat(43),
      hashB64: 'h'.repeat(43),
      thumbnailBlobId: null,
      caption,
    },
    eventId,
    sender,
  );
const group = (fileIds: string[], sender = 'user-anna') => event({ type: 'file.group', fileIds }, undefined, sender);
const message = (body: string) => event({ type: 'message.create', body, mentions: [], replyTo: null, urgent: false });

function world(content: NotificationContent = 'sender') {
  const clock = new FakeClock();
  const notifier = new FakeNotifier();
  const hold = new NotificationHold(clock, (_profile, items: Notifiable[]) =>
    notifyNewMessages(
      notifier,
      {
        content,
        language: 'de',
        onScreen: true,
        myUserId: 'user-bernd',
        senderName: (id) => (id === 'user-anna' ? 'Anna Pflege' : 'Carl Arzt'),
      },
      items,
    ),
  );
  return { clock, notifier, hold };
}

describe('files sent together notify once', () => {
  it('three shares and their group, arriving one by one, are one notification', () => {
    const { clock, notifier, hold } = world();
    hold.add('p1', [share('f1', 'Wunde-1.jpg', 'Verband gewechselt')]);
    clock.advance(HOLD_MS - 1);
    hold.add('p1', [share('f2', 'Wunde-2.jpg')]);
    clock.advance(HOLD_MS - 1);
    hold.add('p1', [share('f3', 'Befund.pdf')]);
    expect(notifier.shown).toEqual([]);
    hold.add('p1', [group(['f1', 'f2', 'f3'])]);
    expect(notifier.shown).toEqual([{ title: 'Anna Pflege hat 3 Dateien geteilt', tag: CH, urgent: false }]);
    clock.advance(10 * HOLD_MS);
    expect(notifier.shown).toHaveLength(1);
  });

  it('in one batch too (a workstation catching up)', () => {
    const { notifier, hold } = world();
    hold.add('p1', [share('f1', 'a.jpg'), share('f2', 'b.jpg'), group(['f1', 'f2'])]);
    expect(notifier.shown.map((n) => n.title)).toEqual(['Anna Pflege hat 2 Dateien geteilt']);
  });

  it('under full the caption is the text (else the names), never a preview; under none neither sender nor text', () => {
    const full = world('full');
    full.hold.add('p1', [
      share('f1', 'Wunde Meier.jpg', 'Verband gewechselt'),
      share('f2', 'b.jpg'),
      group(['f1', 'f2']),
    ]);
    expect(full.notifier.shown).toEqual([
      { title: 'Anna Pflege hat 2 Dateien geteilt', body: 'Verband gewechselt', tag: CH, urgent: false },
    ]);
    const names = world('full');
    names.hold.add('p1', [share('f1', 'a.jpg'), share('f2', 'b.pdf'), group(['f1', 'f2'])]);
    expect(names.notifier.shown[0]!.body).toBe('a.jpg, b.pdf');
    const none = world('none');
    none.hold.add('p1', [share('f1', 'Wunde Meier.jpg', 'Meier'), share('f2', 'b.jpg'), group(['f1', 'f2'])]);
    expect(none.notifier.shown).toEqual([{ title: 'Klinikfunk: 2 neue Dateien', tag: CH, urgent: false }]);
  });

  it('a share no group claims notifies on its own after the wait; a message is not held', () => {
    const { clock, notifier, hold } = world();
    hold.add('p1', [share('f1', 'a.jpg'), message('Hallo')]);
    expect(notifier.shown.map((n) => n.title)).toEqual(['Neue Nachricht von Anna Pflege']);
    clock.advance(HOLD_MS);
    expect(notifier.shown.map((n) => n.title)).toEqual([
      'Neue Nachricht von Anna Pflege',
      'Neue Datei von Anna Pflege',
    ]);
  });

  it("a group gathers only its own sender's shares it names; another person's share waits on its own", () => {
    const { clock, notifier, hold } = world();
    hold.add('p1', [share('f1', 'a.jpg'), share('c1', 'x.jpg', '', 'user-carl'), share('f2', 'b.jpg')]);
    // Carl's group naming Anna's files gathers nothing.
    hold.add('p1', [group(['f1', 'f2'], 'user-carl')]);
    expect(notifier.shown).toEqual([]);
    hold.add('p1', [group(['f1', 'f2'])]);
    expect(notifier.shown.map((n) => n.title)).toEqual(['Anna Pflege hat 2 Dateien geteilt']);
    clock.advance(HOLD_MS);
    expect(notifier.shown.map((n) => n.title)).toEqual([
      'Anna Pflege hat 2 Dateien geteilt',
      'Neue Datei von Carl Arzt',
    ]);
  });
});
