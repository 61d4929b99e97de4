// API of files shared in a channel: upload (encrypted while it is read), the channel file store, preview,
// download and export ("save as").
// Every method acts on the visible, unlocked profile (`locked` otherwise) and on channels this user is a member
// of (`not_found` otherwise). Everything written travels as an encrypted channel event; the reducers in
// apps/desktop/electron/core/collab decide what it does, identically on every client. Inputs are strict objects with
// bounded strings and arrays, so a hostile or buggy renderer is refused before any logic runs.
// Merged into contract.ts; the names are in ./files-names.ts.
import { z } from 'zod';
import { bytes } from '../bytes.ts';
import { event, method, type EventSpec, type MethodSpec } from '../define.ts';
import { channelId } from '../common.ts';
import { MAX_FILE_GROUP } from '../../domain/events.ts';
const done = z.object({ done: z.literal(true) });
const objectId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id');
const person = z.object({ userId: z.string(), displayName: z.string() });

export const fileId = objectId;

export const transferId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'transfer id');

/** Upload and export chunks: the harness bridge carries frames up to 1 MiB, its base64 tag adds a third. */
export const FILE_CHUNK_MAX_BYTES = 512 * 1024;

/** Largest thumbnail the renderer draws and sends with a file. */
export const THUMBNAIL_MAX_BYTES = 300_000;

/** Largest decrypted file one call returns (the in-app preview's limit, files/file-kinds.ts). */
export const FILE_BYTES_MAX = 25 * 1024 * 1024;

export const filePolicySchema = z.object({
  maxUploadBytes: z.number().int(),
  maxUploadMegabytes: z.number().int(),
  blockedTypes: z.array(z.string()),
  allowedTypes: z.array(z.string()),
  /** Largest file the in-app preview opens (decrypted into memory only). */
  maxPreviewBytes: z.number().int(),
});

export const uploadBeginInput = z.strictObject({
  channelId,
  name: z.string().trim().min(1).max(255),
  mimeType: z.string().max(128),
  size: z.number().int().nonnegative(),
});

export const uploadRefusal = z.enum(['too_large', 'blocked_type', 'not_allowed_type']);

export const uploadBeginSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('started'), uploadId: transferId }),
  z.object({
    status: z.literal('refused'),
    reason: uploadRefusal,
    maxUploadMegabytes: z.number().int(),
    extension: z.string(),
  }),
]);

export const uploadChunkInput = z.strictObject({
  uploadId: transferId,
  /** Position of this chunk in the plaintext: chunks must arrive in order. */
  offset: z.number().int().nonnegative(),
  data: bytes(FILE_CHUNK_MAX_BYTES),
});

export const uploadFinishInput = z.strictObject({
  uploadId: transferId,
  caption: z.string().max(2000).default(''),
  /** A JPEG/PNG thumbnail the renderer drew from the (redacted) image; encrypted with the file key. */
  thumbnail: bytes(THUMBNAIL_MAX_BYTES).nullable().default(null),
  /** False: held sealed for `files.shareTogether` with the other files sent with it (answers `ready`). */
  share: z.boolean().default(true),
});

export const uploadFinishSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('sent'), fileId: z.string() }),
  z.object({ status: z.literal('ready') }),
  z.object({ status: z.literal('cancelled') }),
]);

export const shareTogetherInput = z.strictObject({
  channelId,
  /** Uploads finished with `share: false`, in the order to show them. */
  uploadIds: z.array(transferId).min(1).max(MAX_FILE_GROUP),
  caption: z.string().max(2000).default(''),
});

export const fileKindFilter = z.enum(['all', 'image', 'pdf', 'document', 'other']);

export const fileListInput = z.strictObject({
  channelId,
  sort: z.enum(['newest', 'oldest', 'name', 'size']).default('newest'),
  kind: fileKindFilter.default('all'),
  query: z.string().max(200).default(''),
});

export const fileViewSchema = z.object({
  fileId: z.string(),
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
  uploader: person,
  createdAt: z.number(),
  caption: z.string(),
  hasThumbnail: z.boolean(),
  /** The ciphertext is in this workstation's encrypted cache. */
  cached: z.boolean(),
  own: z.boolean(),
});

export const fileRef = z.strictObject({ channelId, fileId });

export const fileTransferInput = z.strictObject({ channelId, fileId, transferId: transferId.optional() });

export const fileBytesSchema = z.object({ mimeType: z.string(), data: bytes(FILE_BYTES_MAX) });

export const exportOpenSchema = z.object({
  exportId: transferId,
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
});

export const exportReadSchema = z.object({ data: bytes(FILE_CHUNK_MAX_BYTES), done: z.boolean() });

export const transferProgressSchema = z.object({
  transferId: z.string(),
  direction: z.enum(['up', 'down']),
  /** encrypting: reading the file in; transfer: bytes to or from the relay. */
  phase: z.enum(['encrypting', 'transfer', 'done', 'failed', 'cancelled']),
  done: z.number(),
  total: z.number(),
});

export const filesMethods = {
  'files.policy': method({
    input: z.strictObject({}),
    output: filePolicySchema,
    doc: 'What machine policy allows to send: largest file and allowed/blocked extensions, so the UI can explain a refusal before reading the file.',
  }),
  'files.list': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileListInput,
    output: z.array(fileViewSchema),
    doc: 'The channel file store: every shared file with name, type, size, uploader and date; sorted, filtered by kind and searched by name.',
  }),
  'files.beginUpload': method({
    requires: 'member',
    channelField: 'channelId',
    input: uploadBeginInput,
    output: uploadBeginSchema,
    doc: 'Starts an upload: checks size and type against policy (answers `refused` with the reason) and opens a streaming encryptor into the encrypted cache.',
  }),
  'files.uploadChunk': method({
    input: uploadChunkInput,
    output: z.object({ received: z.number().int() }),
    doc: 'The next plaintext chunk (up to 512 KiB, in order); it is encrypted at once and never written in clear. `invalid_input` for a chunk out of order or beyond the announced size, `not_found` for an unknown upload.',
  }),
  'files.finishUpload': method({
    input: uploadFinishInput,
    output: uploadFinishSchema,
    doc: 'Uploads the ciphertext to the relay (progress as `files.progress`) and shares the file in the channel. Answers `cancelled` after `files.cancel`; `relay_unreachable` when the relay cannot be reached in time.',
  }),
  'files.shareTogether': method({
    requires: 'member',
    channelField: 'channelId',
    input: shareTogetherInput,
    output: z.object({ fileIds: z.array(z.string()) }),
    doc: 'Shares uploads held sealed (`files.finishUpload` with `share: false`) as one item: a `file.share` each, the caption with the first, then a `file.group` naming them. `not_found` when one of them was cancelled (nothing is shared).',
  }),
  'files.cancel': method({
    input: z.strictObject({ transferId }),
    output: done,
    doc: 'Cancels an upload or download in progress, or an upload held for `files.shareTogether` (never shared then); its ciphertext here is deleted.',
  }),
  'files.thumbnail': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileRef,
    output: fileBytesSchema.nullable(),
    doc: 'The image thumbnail of a shared file, decrypted in memory (null when it has none). Fetched once and cached encrypted.',
  }),
  'files.preview': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileTransferInput,
    output: fileBytesSchema,
    doc: 'An image or PDF decrypted into memory for the in-app preview; plaintext never touches the disk. `unavailable` for other types or files above the preview limit.',
  }),
  'files.download': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileTransferInput,
    output: z.object({ size: z.number().int() }),
    doc: 'Fetches the ciphertext into the encrypted cache (progress as `files.progress`) and checks its hash.',
  }),
  'files.exportOpen': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileRef,
    output: exportOpenSchema,
    doc: '"Save as": opens a decrypting reader over the cached file (download first). Electron main may instead write the same stream to a path chosen in a save dialog (apps/desktop/electron/core/files/export.ts).',
  }),
  'files.exportRead': method({
    input: z.strictObject({ exportId: transferId }),
    output: exportReadSchema,
    doc: 'The next up to 512 KiB of decrypted bytes of an export; `done` after the last. A file whose ciphertext was tampered with fails as `internal` before its end.',
  }),
  'files.exportClose': method({
    input: z.strictObject({ exportId: transferId }),
    output: done,
    doc: 'Ends an export early and frees its reader.',
  }),
} satisfies Record<string, MethodSpec>;

export const filesEvents = {
  'files.progress': event({
    payload: transferProgressSchema,
    doc: 'Progress of an upload or download of the visible profile.',
  }),
} satisfies Record<string, EventSpec>;

export type FileView = z.output<typeof fileViewSchema>;
export type FilePolicyView = z.output<typeof filePolicySchema>;
export type TransferProgress = z.output<typeof transferProgressSchema>;
export type UploadRefusal = z.output<typeof uploadRefusal>;
