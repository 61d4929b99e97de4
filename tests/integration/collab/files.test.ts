// Files between two workstations through the core and the real relay: chunked upload with
// progress, the file store list, download and a byte-identical export on the other workstation,
// no plaintext in either profile folder, policy refusals, cancel, and thumbnails.
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3-multiple-ciphers';
import { partsId } from '../../../apps/desktop/electron/core/files/blob-cache.ts';
import { SEGMENT_BYTES } from '../../../apps/desktop/electron/core/files/segment-sender.ts';
import { FILE_CHUNK_MAX_BYTES } from '@klinikfunk/protocol/api/features/files.ts';
import type { CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';
import { fileRepository } from '../../../apps/desktop/electron/core/features/files/repository.ts';

async function upload(
  client: CoreClient,
  channelId: string,
  name: string,
  mimeType: string,
  bytes: Buffer,
  thumbnail: Buffer | null = null,
) {
  const begun = await client.value('files.beginUpload', { channelId, name, mimeType, size: bytes.length });
  if (begun.status !== 'started') throw new Error(`refused: ${begun.reason}`);
  for (let offset = 0; offset < bytes.length; offset += FILE_CHUNK_MAX_BYTES) {
    await client.value('files.uploadChunk', {
      uploadId: begun.uploadId,
      offset,
      data: bytes.subarray(offset, offset + FILE_CHUNK_MAX_BYTES),
    });
  }
  return {
    uploadId: begun.uploadId,
    result: await client.value('files.finishUpload', {
      uploadId: begun.uploadId,
      caption: '',
      thumbnail,
    }),
  };
}

async function exportAll(client: CoreClient, channelId: string, fileId: string): Promise<Buffer> {
  const opened = await client.value('files.exportOpen', { channelId, fileId });
  const parts: Buffer[] = [];
  for (;;) {
    const piece = await client.value('files.exportRead', { exportId: opened.exportId });
    parts.push(Buffer.from(piece.data));
    if (piece.done) return Buffer.concat(parts);
  }
}

async function folderContains(dir: string, needle: Buffer): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) hits.push(path);
  }
  return hits;
}

describe('files through the core', () => {
  let w: TwoWorkstations;
  beforeAll(async () => {
    w = await twoWorkstations();
  }, 90_000);
  afterAll(async () => w?.close());

  it('uploads with progress, lists, and the other workstation exports identical bytes; no plaintext on disk', async () => {
    const { admin, nurse, channelId } = w;
    const marker = Buffer.from('KLINIKFUNK-PLAINTEXT-MARKER-0123456789');
    const bytes = Buffer.concat([marker, randomBytes(3 * 1024 * 1024 + 12345), marker]);
    const { uploadId, result } = await upload(admin, channelId, 'Übergabeprotokoll.pdf', 'application/pdf', bytes);
    expect(result.status).toBe('sent');
    const progress = admin.events
      .filter((e) => e.event === 'files.progress' && (e.payload as { transferId: string }).transferId === uploadId)
      .map((e) => e.payload as { phase: string; done: number; total: number });
    expect(progress.some((p) => p.phase === 'encrypting' && p.done > 0)).toBe(true);
    expect(progress.some((p) => p.phase === 'transfer' && p.total === bytes.length && p.done === p.total)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done' });

    const listed = await eventually(
      async () => (await nurse.value('files.list', { channelId, query: 'ubergabe' }))[0],
      15_000,
      'file at nurse',
    );
    expect(listed).toMatchObject({
      name: 'Übergabeprotokoll.pdf',
      mimeType: 'application/pdf',
      size: bytes.length,
      uploader: { displayName: 'Anna Admin' },
      cached: false,
      own: false,
    });
    expect(await nurse.value('files.list', { channelId, kind: 'image' })).toEqual([]);

    await nurse.value('files.download', { channelId, fileId: listed.fileId, transferId: 'trDownload0001' });
    expect(
      nurse.events.some(
        (e) =>
          e.event === 'files.progress' &&
          (e.payload as { transferId: string; phase: string }).transferId === 'trDownload0001' &&
          (e.payload as { phase: string }).phase === 'done',
      ),
    ).toBe(true);
    const exported = await exportAll(nurse, channelId, listed.fileId);
    expect(createHash('sha256').update(exported).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await nurse.value('files.list', { channelId }))[0]!.cached).toBe(true);

    expect(await folderContains(admin.dataDir, marker)).toEqual([]);
    expect(await folderContains(nurse.dataDir, marker)).toEqual([]);
  }, 60_000);

  it('previews an image and a PDF in memory and serves its encrypted thumbnail; refuses previews of other types', async () => {
    const { admin, nurse, channelId } = w;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(2000)]);
    const thumb = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(300)]);
    const { result } = await upload(admin, channelId, 'Wunde.png', 'image/png', png, thumb);
    if (result.status !== 'sent') throw new Error('not sent');
    await eventually(
      async () => (await nurse.value('files.list', { channelId, kind: 'image' })).length === 1,
      15_000,
      'image at nurse',
    );
    const preview = await nurse.value('files.preview', { channelId, fileId: result.fileId });
    expect(preview.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(preview.data).equals(png)).toBe(true);
    const thumbnail = await nurse.value('files.thumbnail', { channelId, fileId: result.fileId });
    expect(Buffer.from(thumbnail!.data).equals(thumb)).toBe(true);
    const pdf = (await nurse.value('files.list', { channelId, kind: 'pdf' }))[0]!;
    expect(await nurse.value('files.thumbnail', { channelId, fileId: pdf.fileId })).toBeNull();
    // PDF previews the same way (rendered by pdf.js in the renderer); the plaintext stays in memory.
    const pdfPreview = await nurse.value('files.preview', { channelId, fileId: pdf.fileId });
    expect(pdfPreview.mimeType).toBe('application/pdf');
    expect(pdfPreview.data.byteLength).toBe(pdf.size);
    const zip = await upload(admin, channelId, 'Archiv.zip', 'application/zip', randomBytes(100));
    if (zip.result.status !== 'sent') throw new Error('not sent');
    await eventually(
      async () => (await nurse.value('files.list', { channelId, kind: 'other' })).length === 1,
      15_000,
      'zip at nurse',
    );
    expect(await nurse.call('files.preview', { channelId, fileId: zip.result.fileId })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  }, 30_000);

  it('sorts, filters and searches the file store', async () => {
    const { nurse, channelId } = w;
    const byName = await nurse.value('files.list', { channelId, sort: 'name' });
    expect(byName.map((f) => f.name)).toEqual(['Archiv.zip', 'Übergabeprotokoll.pdf', 'Wunde.png']);
    const bySize = await nurse.value('files.list', { channelId, sort: 'size' });
    expect(bySize[0]!.name).toBe('Übergabeprotokoll.pdf');
    expect((await nurse.value('files.list', { channelId, query: 'WUND' })).map((f) => f.name)).toEqual(['Wunde.png']);
  });

  it('refuses by policy with a reason, and out-of-order chunks with invalid_input', async () => {
    const { admin, channelId } = w;
    expect(
      await admin.value('files.beginUpload', {
        channelId,
        name: 'setup.exe',
        mimeType: 'application/octet-stream',
        size: 10,
      }),
    ).toEqual({ status: 'refused', reason: 'blocked_type', maxUploadMegabytes: 100, extension: 'exe' });
    expect(
      await admin.value('files.beginUpload', { channelId, name: 'Röntgen.dcm', mimeType: '', size: 101 * 1024 * 1024 }),
    ).toMatchObject({ status: 'refused', reason: 'too_large' });
    const begun = await admin.value('files.beginUpload', {
      channelId,
      name: 'a.txt',
      mimeType: 'text/plain',
      size: 10,
    });
    if (begun.status !== 'started') throw new Error('refused');
    expect(
      await admin.call('files.uploadChunk', { uploadId: begun.uploadId, offset: 5, data: new Uint8Array(3) }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    // Bytes are a Uint8Array within the chunk size; text (base64 as before) or a bigger chunk is refused.
    for (const data of ['AAAA', [0, 0, 0], { 0: 0, length: 1 }, new Uint8Array(FILE_CHUNK_MAX_BYTES + 1)])
      expect(
        await admin.call('files.uploadChunk', { uploadId: begun.uploadId, offset: 0, data: data as Uint8Array }),
      ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await admin.call('files.uploadChunk', {
        uploadId: begun.uploadId,
        offset: 0,
        data: new Uint8Array(11),
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await admin.call('files.uploadChunk', { uploadId: 'trUnknownUpload', offset: 0, data: new Uint8Array(3) }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Another workstation cannot continue someone else's upload.
    expect(
      await w.nurse.call('files.uploadChunk', { uploadId: begun.uploadId, offset: 0, data: new Uint8Array(3) }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('cancels an upload: nothing is shared and the partial ciphertext is gone', async () => {
    const { admin, channelId } = w;
    const before = (await admin.value('files.list', { channelId })).length;
    const begun = await admin.value('files.beginUpload', {
      channelId,
      name: 'gross.bin',
      mimeType: 'application/octet-stream',
      size: 2 * FILE_CHUNK_MAX_BYTES,
    });
    if (begun.status !== 'started') throw new Error('refused');
    await admin.value('files.uploadChunk', {
      uploadId: begun.uploadId,
      offset: 0,
      data: randomBytes(FILE_CHUNK_MAX_BYTES),
    });
    await admin.value('files.cancel', { transferId: begun.uploadId });
    await admin.value('files.uploadChunk', {
      uploadId: begun.uploadId,
      offset: FILE_CHUNK_MAX_BYTES,
      data: randomBytes(FILE_CHUNK_MAX_BYTES),
    });
    expect(await admin.value('files.finishUpload', { uploadId: begun.uploadId })).toEqual({ status: 'cancelled' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await admin.value('files.list', { channelId })).length).toBe(before);
    const leftovers = (await readdir(admin.dataDir, { recursive: true })).filter((f) =>
      String(f).includes(`.up-${begun.uploadId}`),
    );
    expect(leftovers).toEqual([]);
  });
  it('sends a large file in segments while it is encrypted; the relay keeps every part for the event; the other side gets identical bytes', async () => {
    const { admin, nurse, channelId, relay } = w;
    const bytes = randomBytes(20 * 1024 * 1024 + 4321);
    const { result } = await upload(admin, channelId, 'Röntgen-Serie.zip', 'application/zip', bytes);
    if (result.status !== 'sent') throw new Error('not sent');
    const row = await eventually(
      async () => admin.core.sessions.visible().profile.store.repository(fileRepository).file(channelId, result.fileId),
      15_000,
      'own file stored',
    );
    // Cut at the first encrypted chunk boundary past each SEGMENT_BYTES.
    expect(row.parts.length).toBeGreaterThan(2);
    expect(row.parts.length).toBeLessThanOrEqual(Math.ceil(bytes.length / SEGMENT_BYTES));
    expect(row.blobId).toBe(partsId(row.parts));

    // The publish named the parts: the relay counts a reference on each (blob GC keeps them).
    const relayDb = new Database(join(relay.relay.dataDir, 'relay.db'), { readonly: true });
    try {
      await eventually(
        async () => {
          const refs = row.parts.map(
            (hash) =>
              (relayDb.prepare('SELECT refs FROM blobs WHERE hash = ?').get(hash) as { refs: number } | undefined)
                ?.refs ?? 0,
          );
          return refs.every((r) => r >= 1);
        },
        10_000,
        'parts referenced at the relay',
      );
    } finally {
      relayDb.close();
    }

    await eventually(
      async () => (await nurse.value('files.list', { channelId })).some((f) => f.fileId === result.fileId),
      15_000,
      'large file at nurse',
    );
    await nurse.value('files.download', { channelId, fileId: result.fileId });
    expect((await exportAll(nurse, channelId, result.fileId)).equals(bytes)).toBe(true);
  }, 90_000);
});
