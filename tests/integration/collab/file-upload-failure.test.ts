// An upload the relay refuses, through the core of two workstations on a real relay process whose
// blob quota is tiny: the refusal reaches the renderer as `quota_exceeded` (what to do: tell IT),
// not as "server unreachable". A group that cannot be sent whole is sent not at all, and what was
// uploaded of it leaves no ciphertext behind: the files held sealed for the group are removed
// ("Entfernen") from this workstation's cache and from the relay's blob store at once (the relay
// keeps nothing no event names), and the other workstation sees no file, no item, no notification.
// A seal that fails half way (the thumbnail refused after the file got through) leaves nothing in
// the cache or at the relay either.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

type Station = TwoWorkstations['admin'];
const QUOTA = 400_000;

async function begin(station: Station, channelId: string, name: string, size: number, mimeType = 'text/plain') {
  const begun = await station.value('files.beginUpload', { channelId, name, mimeType, size });
  if (begun.status !== 'started') throw new Error(`refused: ${begun.reason}`);
  return begun.uploadId;
}

/** Uploads random bytes and holds them sealed for a group; returns the upload id. */
async function held(station: Station, channelId: string, name: string, size: number): Promise<string> {
  const uploadId = await begin(station, channelId, name, size);
  await station.value('files.uploadChunk', { uploadId, offset: 0, data: randomBytes(size) });
  const finished = await station.value('files.finishUpload', { uploadId, caption: '', thumbnail: null, share: false });
  expect(finished.status).toBe('ready');
  return uploadId;
}

/** The error of an upload that fails at its chunk or at its seal. */
async function failing(station: Station, uploadId: string, size: number, thumbnail: Uint8Array | null = null) {
  const chunk = await station.call('files.uploadChunk', { uploadId, offset: 0, data: randomBytes(size) });
  if (!chunk.ok) return chunk.error;
  const finished = await station.call('files.finishUpload', { uploadId, caption: '', thumbnail, share: false });
  if (finished.ok) throw new Error(`the upload went through: ${finished.value.status}`);
  return finished.error;
}

describe('an upload the relay refuses', () => {
  let w: TwoWorkstations;
  let relayDb: Database.Database;
  const relayBlobs = () => (relayDb.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n;
  const cached = async () => readdir(w.admin.core.sessions.visible().profile.filesDir).catch(() => []);

  beforeAll(async () => {
    w = await twoWorkstations({ relayLimits: { blobQuotaBytes: QUOTA } });
    relayDb = new Database(join(w.relay.relay.dataDir, 'relay.db'), { readonly: true });
  }, 90_000);
  afterAll(async () => {
    relayDb?.close();
    await w?.close();
  });

  it('a group whose third file the quota refuses: quota_exceeded, and removing it leaves nothing anywhere', async () => {
    const { admin, nurse, channelId } = w;
    const kept = [
      await held(admin, channelId, 'Laborwerte.txt', 120_000),
      await held(admin, channelId, 'Medikation.txt', 120_000),
    ];
    expect(relayBlobs()).toBe(2);
    expect(await cached()).toHaveLength(2);
    const third = await begin(admin, channelId, 'Verlauf.txt', 250_000);
    const error = await failing(admin, third, 250_000);
    expect(error.code).toBe('quota_exceeded');

    // "Entfernen": the renderer cancels what the core holds of the group.
    for (const uploadId of kept) await admin.value('files.cancel', { transferId: uploadId });
    await eventually(async () => relayBlobs() === 0, 20_000, 'the relay dropped the held files');
    expect(await cached()).toEqual([]);
    // Nothing of the group was shared: the other workstation has no file, no item, no notification.
    await admin.value('messages.send', {
      channelId,
      body: 'Befunde folgen',
      urgent: false,
      mentions: [],
      replyTo: null,
    });
    await eventually(
      () => nurse.platform.notifier.shown.some((n) => n.title === 'Neue Nachricht von Anna Admin'),
      20_000,
      'the message notified at the nurse',
    );
    expect(nurse.platform.notifier.shown.map((n) => n.title)).toEqual(['Neue Nachricht von Anna Admin']);
    expect(await nurse.value('files.list', { channelId })).toEqual([]);
    const { items } = await nurse.value('timeline.items', { channelId, afterSortKey: null, upToSortKey: null });
    expect(items.filter((i) => i.kind === 'file')).toEqual([]);
  });

  it('a seal that fails half way (the thumbnail over the quota) leaves no ciphertext in the cache or at the relay', async () => {
    const { admin, channelId } = w;
    expect(relayBlobs()).toBe(0);
    const uploadId = await begin(admin, channelId, 'Wunde.png', 300_000, 'image/png');
    const thumbnail = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(150_000)]);
    const error = await failing(admin, uploadId, 300_000, thumbnail);
    expect(error.code).toBe('quota_exceeded');
    await eventually(async () => relayBlobs() === 0, 20_000, 'the relay dropped the file');
    expect(await cached()).toEqual([]);
    // The quota is free again: a file that fits goes through.
    const fits = await held(admin, channelId, 'Passt.txt', 100_000);
    await admin.value('files.shareTogether', { channelId, uploadIds: [fits], caption: 'Passt' });
    expect((await admin.value('files.list', { channelId })).map((f) => f.name)).toEqual(['Passt.txt']);
  });
});
