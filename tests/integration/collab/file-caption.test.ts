// A caption typed in the attach tray travels encrypted inside the file's `file.share` event and
// reads on the other workstation with the file; the relay's data never holds it in plaintext.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

describe('file captions through the core', () => {
  let w: TwoWorkstations;
  beforeAll(async () => {
    w = await twoWorkstations();
  }, 90_000);
  afterAll(async () => w?.close());

  it('the caption arrives with the file on the other workstation', async () => {
    const { admin, nurse, channelId } = w;
    const caption = 'Wundheilung Tag 3, Zimmer 12 – CAPTION-MARKER-7781';
    const bytes = Buffer.from('nicht wirklich ein Bild, aber ein Anhang');
    const begun = await admin.value('files.beginUpload', {
      channelId,
      name: 'Wunde.txt',
      mimeType: 'text/plain',
      size: bytes.length,
    });
    if (begun.status !== 'started') throw new Error(`refused: ${begun.reason}`);
    await admin.value('files.uploadChunk', { uploadId: begun.uploadId, offset: 0, data: bytes });
    const finished = await admin.value('files.finishUpload', { uploadId: begun.uploadId, caption, thumbnail: null });
    expect(finished.status).toBe('sent');

    await eventually(
      async () => (await nurse.value('files.list', { channelId })).some((f) => f.name === 'Wunde.txt'),
      15_000,
      'file at nurse',
    );
    const file = (await nurse.value('files.list', { channelId })).find((f) => f.name === 'Wunde.txt');
    expect(file?.caption).toBe(caption);

    const marker = Buffer.from('CAPTION-MARKER-7781');
    const hits: string[] = [];
    for (const entry of await readdir(w.relay.relay.dataDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      if ((await readFile(path)).includes(marker)) hits.push(path);
    }
    expect(hits).toEqual([]);
  });
});
