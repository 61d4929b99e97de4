// Files sent together from the attach tray, through the core of two workstations on a real relay:
// each upload is sealed and held, then shared together (files.shareTogether), and the other
// workstation's timeline shows one item with the files in order and the caption once. An upload
// cancelled while held is never shared: no file.share of it reaches the other workstation, and a
// group still naming it shares nothing. The other workstation gets one notification for the group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

type Station = TwoWorkstations['admin'];

/** Uploads a small text file and holds it sealed; returns its upload id. */
async function held(station: Station, channelId: string, name: string): Promise<string> {
  const bytes = Buffer.from(`Inhalt von ${name}`);
  const begun = await station.value('files.beginUpload', {
    channelId,
    name,
    mimeType: 'text/plain',
    size: bytes.length,
  });
  if (begun.status !== 'started') throw new Error(`refused: ${begun.reason}`);
  await station.value('files.uploadChunk', { uploadId: begun.uploadId, offset: 0, data: bytes });
  const finished = await station.value('files.finishUpload', {
    uploadId: begun.uploadId,
    caption: '',
    thumbnail: null,
    share: false,
  });
  expect(finished.status).toBe('ready');
  return begun.uploadId;
}

describe('files sent together through the core', () => {
  let w: TwoWorkstations;
  beforeAll(async () => {
    w = await twoWorkstations();
  }, 90_000);
  afterAll(async () => w?.close());

  it('three files with one caption are one item on the other workstation; a cancelled one never arrives', async () => {
    const { admin, nurse, channelId } = w;
    const kept = [
      await held(admin, channelId, 'Befund-1.txt'),
      await held(admin, channelId, 'Befund-2.txt'),
      await held(admin, channelId, 'Befund-3.txt'),
    ];
    const dropped = await held(admin, channelId, 'Verworfen.txt');
    await admin.value('files.cancel', { transferId: dropped });
    // A group naming the cancelled upload shares nothing.
    const refused = await admin.call('files.shareTogether', {
      channelId,
      uploadIds: [kept[0]!, dropped],
      caption: 'nicht senden',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const { fileIds } = await admin.value('files.shareTogether', {
      channelId,
      uploadIds: kept,
      caption: 'Befunde von heute',
    });
    expect(fileIds).toHaveLength(3);

    const grouped = async () => {
      const { items } = await nurse.value('timeline.items', { channelId, afterSortKey: null, upToSortKey: null });
      const files = items.filter((i) => i.kind === 'file');
      return files.length === 1 && files[0]!.group?.files.length === 3 ? files : null;
    };
    await eventually(async () => (await grouped()) !== null, 20_000, 'one grouped item at the nurse');
    const [item] = (await grouped())!;
    expect(item!.group!.files.map((f) => [f.name, f.caption])).toEqual([
      ['Befund-1.txt', 'Befunde von heute'],
      ['Befund-2.txt', ''],
      ['Befund-3.txt', ''],
    ]);
    expect(item!.group!.count).toBe(3);
    // One notification at the nurse for the three files, not one per file: a message sent after
    // them notifies after it, so nothing about the files is still to come.
    await admin.value('messages.send', {
      channelId,
      body: 'Bitte ansehen',
      urgent: false,
      mentions: [],
      replyTo: null,
    });
    const titles = () => nurse.platform.notifier.shown.map((n) => n.title);
    await eventually(() => titles().includes('Neue Nachricht von Anna Admin'), 20_000, 'the message notified');
    expect(titles()).toEqual(['Anna Admin hat 3 Dateien geteilt', 'Neue Nachricht von Anna Admin']);
    // Each file is there (the Dateien tab lists them one by one); the cancelled one is not.
    const listed = (await nurse.value('files.list', { channelId })).map((f) => f.name).sort();
    expect(listed).toEqual(['Befund-1.txt', 'Befund-2.txt', 'Befund-3.txt']);
    // The sender's own timeline shows the same one item.
    const own = await admin.value('timeline.items', { channelId, afterSortKey: null, upToSortKey: null });
    expect(own.items.filter((i) => i.kind === 'file').map((i) => i.kind === 'file' && i.group?.files.length)).toEqual([
      3,
    ]);
  });

  it('a cancel that comes while the upload is being sealed is a cancel: the upload is never shared', async () => {
    const { admin, channelId } = w;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from('Foto von Station 3B')]);
    const thumbnail = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from('klein')]);
    const begun = await admin.value('files.beginUpload', {
      channelId,
      name: 'Zu-spaet.png',
      mimeType: 'image/png',
      size: png.length,
    });
    if (begun.status !== 'started') throw new Error(`refused: ${begun.reason}`);
    const { uploadId } = begun;
    await admin.value('files.uploadChunk', { uploadId, offset: 0, data: png });
    // Abbrechen pressed just after the relay took the last byte (its progress event), while the
    // thumbnail still goes to the relay: the upload is not finished yet.
    let cancelled: Promise<unknown> | null = null;
    const push = admin.events.push.bind(admin.events);
    admin.events.push = (...entries) => {
      for (const e of entries) {
        const p = e.payload as { transferId?: string; phase?: string; done?: number; total?: number };
        if (e.event === 'files.progress' && p.transferId === uploadId && p.phase === 'transfer' && p.done === p.total)
          cancelled ??= new Promise((resolve) => setImmediate(resolve)).then(() =>
            admin.value('files.cancel', { transferId: uploadId }),
          );
      }
      return push(...entries);
    };
    try {
      await admin.value('files.finishUpload', { uploadId, caption: '', thumbnail, share: false });
      expect(cancelled).not.toBeNull();
      await cancelled;
    } finally {
      admin.events.push = push;
    }
    const late = await admin.call('files.shareTogether', { channelId, uploadIds: [uploadId], caption: '' });
    expect(late).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await admin.value('files.list', { channelId })).map((f) => f.name)).not.toContain('Zu-spaet.png');
  });
});
