// Reading shared files out of the core: previews and thumbnails as in-memory blob URLs (the
// plaintext is never written to disk), and "save as" streamed in pieces into a download.
import { call } from '../../lib/api.ts';
import type { AppErrorShape } from '@klinikfunk/protocol/api/result.ts';
import { saveBlob } from './bytes.ts';

/**
 * Bytes from IPC (structured clone: a Uint8Array over its own ArrayBuffer) typed for Blob and
 * pdf.js; a view into a shared buffer is copied once.
 */
const owned = (bytes: Uint8Array): Uint8Array<ArrayBuffer> =>
  bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);

export type LoadedBytes =
  { ok: true; bytes: Uint8Array<ArrayBuffer>; mimeType: string } | { ok: false; error: AppErrorShape };

/** What the in-app preview shows; the same types the core previews (SVG can carry script: never). */
export function previewKind(mimeType: string): 'image' | 'pdf' | null {
  if (mimeType === 'application/pdf') return 'pdf';
  return ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp'].includes(mimeType) ? 'image' : null;
}

/** The largest file the preview opens (the core's limit), or null when the core cannot say. */
export async function maxPreviewBytes(): Promise<number | null> {
  const result = await call('files.policy', {});
  return result.ok ? result.value.maxPreviewBytes : null;
}

/** The decrypted file in renderer memory only: it is drawn (PDF) or shown from a blob URL (image), never saved. */
export async function previewBytes(channelId: string, fileId: string, transferId?: string): Promise<LoadedBytes> {
  const result = await call('files.preview', { channelId, fileId, ...(transferId ? { transferId } : {}) });
  if (!result.ok) return result;
  return { ok: true, mimeType: result.value.mimeType, bytes: owned(result.value.data) };
}

export async function thumbnailUrl(channelId: string, fileId: string): Promise<string | null> {
  const result = await call('files.thumbnail', { channelId, fileId });
  if (!result.ok || !result.value) return null;
  return URL.createObjectURL(new Blob([owned(result.value.data)], { type: result.value.mimeType }));
}

/** Downloads (with progress under `transferId`), then hands the decrypted bytes to the browser's download. */
export async function saveAs(channelId: string, fileId: string, transferId: string): Promise<AppErrorShape | null> {
  const fetched = await call('files.download', { channelId, fileId, transferId });
  if (!fetched.ok) return fetched.error;
  const opened = await call('files.exportOpen', { channelId, fileId });
  if (!opened.ok) return opened.error;
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (;;) {
    const piece = await call('files.exportRead', { exportId: opened.value.exportId });
    if (!piece.ok) return piece.error;
    parts.push(owned(piece.value.data));
    if (piece.value.done) break;
  }
  saveBlob(new Blob(parts, { type: opened.value.mimeType || 'application/octet-stream' }), opened.value.name);
  return null;
}

export const newTransferId = (): string => `tr${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
