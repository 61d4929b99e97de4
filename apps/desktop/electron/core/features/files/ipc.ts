// IPC handlers for files: upload (policy check, streaming encryption, relay upload with progress
// and cancel, file.share), the channel file store, thumbnails, previews decrypted into memory, and
// "save as" through a decrypting reader. Transfers belong to the profile that started them: another
// profile on the same workstation cannot continue, read or cancel them.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { FILE_CHUNK_MAX_BYTES, type FileView } from '@klinikfunk/protocol/api/features/files.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { nameLookup } from '../kit/channel-access.ts';
import { asFileKey } from '@klinikfunk/crypto/keys.ts';
import type { FileRow } from '../../store/collaboration.ts';
import { TransportError } from '../../transport/transport.ts';
import { blobPath, ensureCached, isCached } from '../../files/blob-cache.ts';
import { ExportReader } from '../../files/export.ts';
import { fileKind, MAX_PREVIEW_BYTES, previewRefusal } from '../../files/file-kinds.ts';
import { extensionOf, uploadRefusal } from '../../files/file-policy.ts';
import { decryptBytes, decryptFileToMemory } from '../../files/memory-crypto.ts';
import { TransferCancelled, Transfers } from '../../files/transfers.ts';
import { Upload } from '../../files/upload.ts';

type Names =
  | 'files.policy'
  | 'files.list'
  | 'files.beginUpload'
  | 'files.uploadChunk'
  | 'files.finishUpload'
  | 'files.cancel'
  | 'files.thumbnail'
  | 'files.preview'
  | 'files.download'
  | 'files.exportOpen'
  | 'files.exportRead'
  | 'files.exportClose';

const done = { done: true as const };
const ABANDONED_MS = 15 * 60_000;
const newTransferId = () => `tr${toBase64Url(new Uint8Array(randomBytes(12)))}`;
const profileOf = (runtime: ProfileRuntime) => runtime.profile.summary.profileId;
const keyOf = (row: FileRow) => {
  const bytes = fromBase64Url(row.keyB64);
  if (!bytes || bytes.length !== 32) throw new AppError('internal', 'The file key in the event is damaged.');
  return asFileKey(bytes);
};

/** The API's bytes (a Uint8Array, checked by the contract) as a Buffer over the same memory: no copy. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Case and accents do not matter when searching by name ("ubergabe" finds "Übergabe.pdf"). */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('de');

/** A relay failure becomes `relay_unreachable`; cancellation and everything else pass through. */
function relayError(error: unknown): never {
  if (error instanceof TransportError) throw new AppError('relay_unreachable', `relay: ${error.code} ${error.message}`);
  throw error;
}

export function fileHandlers(ctx: HandlerContext): Pick<ProfileHandlers, Names> {
  const uploads = new Map<string, Upload>();
  /** Last chunk per upload: an upload the renderer abandoned (window closed, crash) is dropped after a while. */
  const touched = new Map<string, number>();
  const sweep = async () => {
    for (const [id, at] of touched) {
      if (ctx.clock.now() - at < ABANDONED_MS) continue;
      touched.delete(id);
      const upload = uploads.get(id);
      uploads.delete(id);
      await upload?.discard();
    }
  };
  /** Ends an upload that will not be shared: its partial ciphertext goes, the renderer hears why. */
  const dropUpload = async (uploadId: string, phase: 'failed' | 'cancelled') => {
    const upload = uploads.get(uploadId);
    uploads.delete(uploadId);
    touched.delete(uploadId);
    if (!upload) return;
    transfers.end(uploadId, 'up', phase, upload.meta.size);
    await upload.discard();
  };
  const exports = new Map<string, ExportReader>();
  const transfers = new Transfers(
    (progress) => ctx.emit('files.progress', progress),
    () => ctx.clock.now(),
  );
  const values = ctx.policy.values;

  const fileRow = async (runtime: ProfileRuntime, channelId: string, fileId: string): Promise<FileRow> => {
    const row = runtime.profile.store.collaboration.file(channelId, fileId);
    if (!row) throw new AppError('not_found', 'No such file in this channel.');
    return row;
  };

  const ownUpload = (uploadId: string): { runtime: ProfileRuntime; upload: Upload } => {
    const runtime = ctx.sessions.visible();
    const upload = uploads.get(uploadId);
    if (!upload || upload.meta.profileId !== profileOf(runtime)) throw new AppError('not_found', 'No such upload.');
    touched.set(uploadId, ctx.clock.now());
    return { runtime, upload };
  };

  /** Downloads into the cache with progress events under `transferId` (when the renderer gave one). */
  const cached = async (runtime: ProfileRuntime, row: FileRow, transferId: string | undefined): Promise<string> => {
    const filesDir = runtime.profile.filesDir;
    if (isCached(filesDir, row.blobId)) return blobPath(filesDir, row.blobId);
    const id = transferId ?? newTransferId();
    transfers.start(id, profileOf(runtime));
    try {
      const path = await ensureCached(
        runtime.transport,
        filesDir,
        row.blobId,
        row.hashB64,
        (p) => transfers.progress(id, 'down', 'transfer', p.done, p.total),
        row.parts,
        row.size,
      );
      transfers.end(id, 'down', 'done', row.size);
      return path;
    } catch (error) {
      transfers.end(id, 'down', error instanceof TransferCancelled ? 'cancelled' : 'failed', row.size);
      if (error instanceof TransferCancelled) throw new AppError('not_found', 'The download was cancelled.');
      return relayError(error);
    }
  };

  const views = async (
    runtime: ProfileRuntime,
    channelId: string,
    input: { sort: 'newest' | 'oldest' | 'name' | 'size'; kind: string; query: string },
  ): Promise<FileView[]> => {
    const rows = await runtime.profile.store.collaboration.files(channelId, { sort: input.sort, limit: 1000 });
    const query = fold(input.query.trim());
    const name = await nameLookup(runtime.profile.store);
    const me = runtime.identity.userId;
    return rows
      .filter(
        (r) =>
          (input.kind === 'all' || fileKind(r.mimeType) === input.kind) &&
          (query === '' || fold(r.name).includes(query)),
      )
      .map((r) => ({
        fileId: r.fileId,
        name: r.name,
        mimeType: r.mimeType,
        size: r.size,
        uploader: name(r.uploaderUserId),
        createdAt: r.createdAt,
        caption: r.caption,
        hasThumbnail: r.thumbnailBlobId !== null,
        cached: isCached(runtime.profile.filesDir, r.blobId),
        own: r.uploaderUserId === me,
      }));
  };

  return {
    'files.policy': () => ({
      maxUploadBytes: values.maxUploadMegabytes * 1024 * 1024,
      maxUploadMegabytes: values.maxUploadMegabytes,
      blockedTypes: [...values.blockedFileTypes],
      allowedTypes: [...values.allowedFileTypes],
      maxPreviewBytes: MAX_PREVIEW_BYTES,
    }),

    'files.list': async (input, { runtime }) => views(runtime, input.channelId, input),

    'files.beginUpload': async ({ channelId, name, mimeType, size }, { runtime }) => {
      const refusal = uploadRefusal(values, name, size);
      if (refusal)
        return {
          status: 'refused' as const,
          reason: refusal,
          maxUploadMegabytes: values.maxUploadMegabytes,
          extension: extensionOf(name),
        };
      await sweep();
      const uploadId = newTransferId();
      const upload = new Upload(
        {
          uploadId,
          profileId: profileOf(runtime),
          channelId,
          name: name.trim(),
          mimeType: mimeType || 'application/octet-stream',
          size,
        },
        runtime.profile.filesDir,
        runtime.transport,
      );
      // Segments go to the relay while later chunks still arrive; the progress callback is also how a cancel stops it.
      upload.onProgress((p) => transfers.progress(uploadId, 'up', 'transfer', p.done, p.total));
      uploads.set(uploadId, upload);
      touched.set(uploadId, ctx.clock.now());
      transfers.start(uploadId, profileOf(runtime));
      return { status: 'started' as const, uploadId };
    },

    'files.uploadChunk': async ({ uploadId, offset, data }) => {
      const { upload } = ownUpload(uploadId);
      const chunk = asBuffer(data);
      if (transfers.isCancelled(uploadId)) return { received: upload.received };
      try {
        const received = await upload.write(offset, chunk);
        transfers.progress(uploadId, 'up', 'encrypting', received, upload.meta.size);
        return { received };
      } catch (error) {
        if (error instanceof RangeError) throw new AppError('invalid_input', error.message);
        if (error instanceof TransferCancelled) return { received: upload.received };
        // A segment the relay refused or never took: this upload cannot finish, so it is dropped
        // now (temp file, queued segments) rather than at the next sweep.
        await dropUpload(uploadId, 'failed');
        return relayError(error);
      }
    },

    'files.finishUpload': async ({ uploadId, caption, thumbnail: thumbnailBytes }) => {
      const { runtime, upload } = ownUpload(uploadId);
      const { meta } = upload;
      const end = async (phase: 'done' | 'failed' | 'cancelled') => {
        uploads.delete(uploadId);
        touched.delete(uploadId);
        transfers.end(uploadId, 'up', phase, meta.size);
        if (phase !== 'done') await upload.discard();
      };
      if (transfers.isCancelled(uploadId)) {
        await end('cancelled');
        return { status: 'cancelled' as const };
      }
      const thumbnail = thumbnailBytes && meta.mimeType.startsWith('image/') ? thumbnailBytes : null;
      let sealed;
      try {
        sealed = await upload.seal(runtime.transport, thumbnail);
      } catch (error) {
        if (error instanceof TransferCancelled) {
          await end('cancelled');
          return { status: 'cancelled' as const };
        }
        await end('failed');
        if (error instanceof RangeError) throw new AppError('invalid_input', error.message);
        return relayError(error);
      }
      const fileId = await runtime.client.send(meta.channelId, {
        type: 'file.share',
        name: meta.name,
        mimeType: meta.mimeType.slice(0, 128),
        size: meta.size,
        blobId: sealed.blobId,
        ...(sealed.parts.length > 1 ? { parts: sealed.parts } : {}),
        keyB64: sealed.keyB64,
        hashB64: sealed.hashB64,
        thumbnailBlobId: sealed.thumbnailBlobId,
        caption,
      });
      await end('done');
      return { status: 'sent' as const, fileId };
    },

    'files.cancel': async ({ transferId }) => {
      const runtime = ctx.sessions.visible();
      transfers.cancel(transferId, profileOf(runtime));
      // An upload waiting for the relay (offline) stops at once, not at its next progress report.
      const upload = uploads.get(transferId);
      if (upload && upload.meta.profileId === profileOf(runtime)) upload.cancel();
      return done;
    },

    'files.thumbnail': async ({ channelId, fileId }, { runtime }) => {
      const row = await fileRow(runtime, channelId, fileId);
      if (!row.thumbnailBlobId) return null;
      // Authenticated by the AEAD under the file key; the relay's SHA-256 guards the transfer.
      const path = await ensureCached(runtime.transport, runtime.profile.filesDir, row.thumbnailBlobId, null).catch(
        relayError,
      );
      const plain = await decryptBytes(keyOf(row), await readFile(path));
      return { mimeType: plain[0] === 0x89 ? 'image/png' : 'image/jpeg', data: plain };
    },

    'files.preview': async ({ channelId, fileId, transferId }, { runtime }) => {
      const row = await fileRow(runtime, channelId, fileId);
      // Refused before a byte is downloaded; the renderer tells "too large" from the policy's maxPreviewBytes.
      const refusal = previewRefusal(row.mimeType, row.size);
      if (refusal === 'too_large')
        throw new AppError('unavailable', `Larger than the ${MAX_PREVIEW_BYTES}-byte preview limit; use save as.`);
      if (refusal) throw new AppError('unavailable', 'No preview for this file type; use save as.');
      const path = await cached(runtime, row, transferId);
      const plain = await decryptFileToMemory(keyOf(row), path, MAX_PREVIEW_BYTES);
      return { mimeType: row.mimeType, data: plain };
    },

    'files.download': async ({ channelId, fileId, transferId }, { runtime }) => {
      const row = await fileRow(runtime, channelId, fileId);
      await cached(runtime, row, transferId);
      return { size: row.size };
    },

    'files.exportOpen': async ({ channelId, fileId }, { runtime }) => {
      const row = await fileRow(runtime, channelId, fileId);
      const path = await cached(runtime, row, undefined);
      const exportId = newTransferId();
      exports.set(exportId, new ExportReader(profileOf(runtime), keyOf(row), path));
      return { exportId, name: row.name, mimeType: row.mimeType, size: row.size };
    },

    'files.exportRead': async ({ exportId }) => {
      const runtime = ctx.sessions.visible();
      const reader = exports.get(exportId);
      if (!reader || reader.profileId !== profileOf(runtime)) throw new AppError('not_found', 'No such export.');
      try {
        const { data, done: finished } = await reader.next(FILE_CHUNK_MAX_BYTES);
        if (finished) exports.delete(exportId);
        return { data, done: finished };
      } catch (error) {
        exports.delete(exportId);
        reader.close();
        throw error;
      }
    },

    'files.exportClose': async ({ exportId }) => {
      const runtime = ctx.sessions.visible();
      const reader = exports.get(exportId);
      if (reader && reader.profileId === profileOf(runtime)) {
        reader.close();
        exports.delete(exportId);
      }
      return done;
    },
  };
}
