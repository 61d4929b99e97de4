// size: one owner of a profile's uploads (held sealed, shared together, cancelled, swept), so a cancel and a share never race across modules; the read side is in repository.ts.
// Files for one signed-in profile: upload (policy check, streaming encryption, relay upload with
// progress and cancel, file.share), the channel file store, thumbnails, previews decrypted into
// memory, and "save as" through a decrypting reader. The uploads, downloads and exports under way
// live here, in the profile's own service (app/profile-services.ts): another profile on the same
// workstation cannot continue, read or cancel them, and they end when the profile signs out or
// its screen locks. Files sent together (the attach tray) are uploaded first and held, sealed, and
// shared together at the end: one `file.share` each, then the `file.group` that names them, so a
// cancel before that leaves nothing half-shared in the channel.
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { FILE_CHUNK_MAX_BYTES, type FileView } from '@klinikfunk/protocol/api/features/files.ts';
import {
  FILES_LIST_LIMIT,
  fileMatches,
  type FileFilter,
  type FileSort,
} from '@klinikfunk/protocol/api/features/file-list.ts';
import type { EventPayload } from '@klinikfunk/protocol/api/contract.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { asFileKey } from '@klinikfunk/crypto/keys.ts';
import type { Clock } from '../../clock/clock.ts';
import type { Logger } from '../../log/logger.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { serviceKey } from '../../app/profile-services.ts';
import { fileRepository, type FileRow } from './repository.ts';
import { TransportError } from '../../transport/transport.ts';
import { blobPath, ensureCached, isCached } from '../../files/blob-cache.ts';
import { ExportReader } from '../../files/export.ts';
import { MAX_PREVIEW_BYTES, previewRefusal } from '../../files/file-kinds.ts';
import { extensionOf, uploadRefusal, type FilePolicyValues } from '../../files/file-policy.ts';
import { decryptBytes, decryptFileToMemory } from '../../files/memory-crypto.ts';
import { TransferCancelled, Transfers } from '../../files/transfers.ts';
import { Upload, type SealedUpload, type UploadMeta } from '../../files/upload.ts';
import { nameLookup } from '../kit/channel-access.ts';

const ABANDONED_MS = 15 * 60_000;
const newTransferId = () => `tr${toBase64Url(new Uint8Array(randomBytes(12)))}`;
const keyOf = (row: FileRow) => {
  const bytes = fromBase64Url(row.keyB64);
  if (!bytes || bytes.length !== 32) throw new AppError('internal', 'The file key in the event is damaged.');
  return asFileKey(bytes);
};

/** The API's bytes (a Uint8Array, checked by the contract) as a Buffer over the same memory: no copy. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * A relay failure becomes `relay_unreachable`, or `quota_exceeded` when the relay holds as many of
 * this device's file bytes as it allows (retrying will not help until IT acts); cancellation and
 * everything else pass through.
 */
function relayError(error: unknown): never {
  if (error instanceof TransportError)
    throw new AppError(
      error.code === 'quota_exceeded' ? 'quota_exceeded' : 'relay_unreachable',
      `relay: ${error.code} ${error.message}`,
    );
  throw error;
}

/** The upload rules of the machine policy, as the renderer shows them. */
export function filePolicy(values: FilePolicyValues) {
  return {
    maxUploadBytes: values.maxUploadMegabytes * 1024 * 1024,
    maxUploadMegabytes: values.maxUploadMegabytes,
    blockedTypes: [...values.blockedFileTypes],
    allowedTypes: [...values.allowedFileTypes],
    maxPreviewBytes: MAX_PREVIEW_BYTES,
  };
}

export interface FilesDeps {
  clock: Clock;
  policy: FilePolicyValues;
  progress: (progress: EventPayload<'files.progress'>) => void;
  log?: Logger;
}

export interface NewUpload {
  channelId: string;
  name: string;
  mimeType: string;
  size: number;
}

/** An upload sealed at the relay, waiting to be shared with the others sent together. */
interface HeldUpload {
  meta: UploadMeta;
  sealed: SealedUpload;
  at: number;
}

export interface FileQuery extends FileFilter {
  sort: FileSort;
}

/** Files as files.list (and the change events, file-changes.ts) show them. */
export async function fileViews(runtime: ProfileRuntime, rows: readonly FileRow[]): Promise<FileView[]> {
  const name = await nameLookup(runtime.profile.store);
  const me = runtime.identity.userId;
  return rows.map((r) => ({
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
}

export class FilesService {
  readonly #runtime: ProfileRuntime;
  readonly #deps: FilesDeps;
  readonly #uploads = new Map<string, Upload>();
  readonly #held = new Map<string, HeldUpload>();
  /** Last chunk per upload: an upload the renderer abandoned (window closed, crash) is dropped after a while. */
  readonly #touched = new Map<string, number>();
  readonly #exports = new Map<string, ExportReader>();
  readonly #transfers: Transfers;
  #disposed = false;

  constructor(runtime: ProfileRuntime, deps: FilesDeps) {
    this.#runtime = runtime;
    this.#deps = deps;
    this.#transfers = new Transfers(deps.progress, () => deps.clock.now());
  }

  get #profileId(): string {
    return this.#runtime.profile.summary.profileId;
  }

  async list(channelId: string, input: FileQuery): Promise<FileView[]> {
    const rows = await this.#runtime.profile.store.repository(fileRepository).files(channelId, {
      sort: input.sort,
      limit: FILES_LIST_LIMIT,
    });
    const views = await fileViews(this.#runtime, rows);
    return views.filter((f) => fileMatches(f, input));
  }

  async beginUpload({ channelId, name, mimeType, size }: NewUpload) {
    const values = this.#deps.policy;
    const refusal = uploadRefusal(values, name, size);
    if (refusal)
      return {
        status: 'refused' as const,
        reason: refusal,
        maxUploadMegabytes: values.maxUploadMegabytes,
        extension: extensionOf(name),
      };
    await this.#sweep();
    this.#assertOpen();
    const uploadId = newTransferId();
    const upload = new Upload(
      {
        uploadId,
        profileId: this.#profileId,
        channelId,
        name: name.trim(),
        mimeType: mimeType || 'application/octet-stream',
        size,
      },
      this.#runtime.profile.filesDir,
      this.#runtime.transport,
    );
    const transfers = this.#transfers;
    // Segments go to the relay while later chunks still arrive; the progress callback is also how a cancel stops it.
    upload.onProgress((p) => transfers.progress(uploadId, 'up', 'transfer', p.done, p.total));
    this.#uploads.set(uploadId, upload);
    this.#touched.set(uploadId, this.#deps.clock.now());
    transfers.start(uploadId, this.#profileId);
    return { status: 'started' as const, uploadId };
  }

  async writeChunk(uploadId: string, offset: number, data: Uint8Array): Promise<{ received: number }> {
    const upload = this.#upload(uploadId);
    const chunk = asBuffer(data);
    if (this.#transfers.isCancelled(uploadId)) return { received: upload.received };
    try {
      const received = await upload.write(offset, chunk);
      this.#transfers.progress(uploadId, 'up', 'encrypting', received, upload.meta.size);
      return { received };
    } catch (error) {
      if (error instanceof RangeError) throw new AppError('invalid_input', error.message);
      if (error instanceof TransferCancelled) return { received: upload.received };
      // A segment the relay refused or never took: this upload cannot finish, so it is dropped
      // now (temp file, queued segments) rather than at the next sweep.
      await this.#dropUpload(uploadId, 'failed');
      return relayError(error);
    }
  }

  /**
   * Seals the upload at the relay and shares it with `caption`; with `share` false, holds it
   * sealed for `shareTogether` instead (answers `ready`).
   */
  async finishUpload(uploadId: string, caption: string, thumbnailBytes: Uint8Array | null, share = true) {
    const upload = this.#upload(uploadId);
    const { meta } = upload;
    const runtime = this.#runtime;
    const end = async (phase: 'done' | 'failed' | 'cancelled') => {
      this.#uploads.delete(uploadId);
      this.#touched.delete(uploadId);
      this.#transfers.end(uploadId, 'up', phase, meta.size);
      if (phase !== 'done') await this.#discard(upload);
    };
    if (this.#transfers.isCancelled(uploadId)) {
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
    // A cancel that came while the last bytes or the thumbnail were on their way found nothing
    // left to stop; it still means the file is not shared (nor held for sharing).
    if (this.#transfers.isCancelled(uploadId)) {
      await end('cancelled');
      await this.#dropSealed({ meta, sealed, at: 0 });
      return { status: 'cancelled' as const };
    }
    if (!share) {
      this.#held.set(uploadId, { meta, sealed, at: this.#deps.clock.now() });
      await end('done');
      return { status: 'ready' as const };
    }
    const fileId = await runtime.client.send(meta.channelId, shareOf(meta, sealed, caption));
    await end('done');
    return { status: 'sent' as const, fileId };
  }

  /**
   * Shares uploads held by `finishUpload` (share false) in this channel, in the given order, the
   * caption with the first: a `file.share` each, then (two or more) the `file.group` naming them,
   * so they show as one item. A workstation that does not know groups shows each file, the caption
   * under the first. An upload cancelled meanwhile is `not_found`, and nothing is shared.
   */
  async shareTogether(
    channelId: string,
    uploadIds: readonly string[],
    caption: string,
  ): Promise<{ fileIds: string[] }> {
    this.#assertOpen();
    const held = uploadIds.map((id) => this.#held.get(id));
    if (held.some((h) => !h || h.meta.channelId !== channelId))
      throw new AppError('not_found', 'An upload of this group was cancelled or belongs elsewhere.');
    for (const id of uploadIds) this.#held.delete(id);
    const fileIds: string[] = [];
    for (const [index, h] of (held as HeldUpload[]).entries())
      fileIds.push(await this.#runtime.client.send(channelId, shareOf(h.meta, h.sealed, index === 0 ? caption : '')));
    if (fileIds.length > 1) await this.#runtime.client.send(channelId, { type: 'file.group', fileIds });
    return { fileIds };
  }

  /** Cancels an upload or download of this profile; an unknown id is ignored (it may just have ended). */
  async cancel(transferId: string): Promise<void> {
    // Sealed and waiting for the others sent with it: never shared. Its blobs at the relay go
    // with the relay's cleanup of blobs no event names; its ciphertext here goes now.
    const held = this.#held.get(transferId);
    this.#held.delete(transferId);
    if (held) await this.#dropSealed(held);
    this.#transfers.cancel(transferId, this.#profileId);
    // An upload waiting for the relay (offline) stops at once, not at its next progress report.
    this.#uploads.get(transferId)?.cancel();
  }

  async thumbnail(channelId: string, fileId: string) {
    const row = this.#row(channelId, fileId);
    if (!row.thumbnailBlobId) return null;
    const { transport, profile } = this.#runtime;
    // Authenticated by the AEAD under the file key; the relay's SHA-256 guards the transfer.
    const path = await ensureCached(transport, profile.filesDir, row.thumbnailBlobId, null).catch(relayError);
    const plain = await decryptBytes(keyOf(row), await readFile(path));
    return { mimeType: plain[0] === 0x89 ? 'image/png' : 'image/jpeg', data: plain };
  }

  async preview(channelId: string, fileId: string, transferId: string | undefined) {
    const row = this.#row(channelId, fileId);
    // Refused before a byte is downloaded; the renderer tells "too large" from the policy's maxPreviewBytes.
    const refusal = previewRefusal(row.mimeType, row.size);
    if (refusal === 'too_large')
      throw new AppError('unavailable', `Larger than the ${MAX_PREVIEW_BYTES}-byte preview limit; use save as.`);
    if (refusal) throw new AppError('unavailable', 'No preview for this file type; use save as.');
    const path = await this.#cached(row, transferId);
    const plain = await decryptFileToMemory(keyOf(row), path, MAX_PREVIEW_BYTES);
    return { mimeType: row.mimeType, data: plain };
  }

  async download(channelId: string, fileId: string, transferId: string | undefined): Promise<{ size: number }> {
    const row = this.#row(channelId, fileId);
    await this.#cached(row, transferId);
    return { size: row.size };
  }

  async exportOpen(channelId: string, fileId: string) {
    const row = this.#row(channelId, fileId);
    const path = await this.#cached(row, undefined);
    this.#assertOpen();
    const exportId = newTransferId();
    this.#exports.set(exportId, new ExportReader(this.#profileId, keyOf(row), path));
    return { exportId, name: row.name, mimeType: row.mimeType, size: row.size };
  }

  async exportRead(exportId: string): Promise<{ data: Buffer; done: boolean }> {
    const reader = this.#exports.get(exportId);
    if (!reader) throw new AppError('not_found', 'No such export.');
    try {
      const { data, done } = await reader.next(FILE_CHUNK_MAX_BYTES);
      if (done) this.#exports.delete(exportId);
      return { data, done };
    } catch (error) {
      this.#exports.delete(exportId);
      reader.close();
      throw error;
    }
  }

  exportClose(exportId: string): void {
    this.#exports.get(exportId)?.close();
    this.#exports.delete(exportId);
  }

  /**
   * The profile signed out or its screen locked: uploads are discarded (partial ciphertext
   * deleted), downloads stop at their next chunk, readers close. Later calls find nothing.
   */
  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const reader of this.#exports.values()) reader.close();
    this.#exports.clear();
    this.#transfers.cancelAll();
    const uploads = [...this.#uploads.values()];
    this.#uploads.clear();
    const held = [...this.#held.values()];
    this.#held.clear();
    for (const h of held) await this.#dropSealed(h);
    this.#touched.clear();
    for (const upload of uploads) await this.#discard(upload);
  }

  #assertOpen(): void {
    if (this.#disposed) throw new AppError('locked', 'No profile is unlocked.');
  }

  #row(channelId: string, fileId: string): FileRow {
    const row = this.#runtime.profile.store.repository(fileRepository).file(channelId, fileId);
    if (!row) throw new AppError('not_found', 'No such file in this channel.');
    return row;
  }

  #upload(uploadId: string): Upload {
    const upload = this.#uploads.get(uploadId);
    if (!upload) throw new AppError('not_found', 'No such upload.');
    this.#touched.set(uploadId, this.#deps.clock.now());
    return upload;
  }

  /** A sealed upload that will not be shared: its ciphertext goes here and at the relay. */
  async #dropSealed(held: HeldUpload): Promise<void> {
    const { filesDir } = this.#runtime.profile;
    const { sealed } = held;
    await rm(blobPath(filesDir, sealed.blobId), { force: true });
    if (sealed.thumbnailBlobId) await rm(blobPath(filesDir, sealed.thumbnailBlobId), { force: true });
    this.#discardAtRelay([...sealed.parts, ...(sealed.thumbnailBlobId ? [sealed.thumbnailBlobId] : [])]);
  }

  /** An upload that will not be shared: its partial ciphertext goes here and at the relay. */
  async #discard(upload: Upload): Promise<void> {
    await upload.discard();
    this.#discardAtRelay(upload.relayBlobs);
  }

  /**
   * Asks the relay to drop blobs no event will name, now rather than at its cleanup (24 hours
   * after they were complete). Not awaited: a cancel or a lock must not wait for the relay; if it
   * cannot be asked (offline, an older relay) its cleanup removes them as before.
   */
  #discardAtRelay(hashes: readonly string[]): void {
    if (hashes.length === 0) return;
    this.#runtime.transport
      .discardBlobs(hashes)
      .catch((error: unknown) =>
        this.#deps.log?.debug('relay kept blobs of a dropped upload', { error: String(error) }),
      );
  }

  async #sweep(): Promise<void> {
    for (const [id, held] of this.#held) {
      if (this.#deps.clock.now() - held.at < ABANDONED_MS) continue;
      this.#held.delete(id);
      await this.#dropSealed(held);
    }
    for (const [id, at] of this.#touched) {
      if (this.#deps.clock.now() - at < ABANDONED_MS) continue;
      this.#touched.delete(id);
      const upload = this.#uploads.get(id);
      this.#uploads.delete(id);
      if (upload) await this.#discard(upload);
    }
  }

  /** Ends an upload that will not be shared: its partial ciphertext goes, the renderer hears why. */
  async #dropUpload(uploadId: string, phase: 'failed' | 'cancelled'): Promise<void> {
    const upload = this.#uploads.get(uploadId);
    this.#uploads.delete(uploadId);
    this.#touched.delete(uploadId);
    if (!upload) return;
    this.#transfers.end(uploadId, 'up', phase, upload.meta.size);
    await this.#discard(upload);
  }

  /** Downloads into the cache with progress events under `transferId` (when the renderer gave one). */
  async #cached(row: FileRow, transferId: string | undefined): Promise<string> {
    const { filesDir } = this.#runtime.profile;
    if (isCached(filesDir, row.blobId)) return blobPath(filesDir, row.blobId);
    const id = transferId ?? newTransferId();
    const transfers = this.#transfers;
    transfers.start(id, this.#profileId);
    try {
      const path = await ensureCached(
        this.#runtime.transport,
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
  }
}

/** The `file.share` of a sealed upload. */
function shareOf(meta: UploadMeta, sealed: SealedUpload, caption: string): ChannelEventPayload {
  return {
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
  };
}

const FILES = serviceKey<FilesService>('files');

/** The profile's files service, made once per sign-in (and again after a lock disposed it). */
export function filesService(runtime: ProfileRuntime, deps: FilesDeps): FilesService {
  return runtime.services.get(FILES, () => new FilesService(runtime, deps));
}
