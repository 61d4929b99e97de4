// Reading shared files out of the core: previews and thumbnails as in-memory blob URLs (the
// plaintext is never written to disk), and "save as" streamed in pieces into a download.
import { call } from '../../lib/api.ts';
import type { AppErrorShape } from '../../../../shared/api/result.ts';
import { fromBase64, saveBlob } from './bytes.ts';

export type Loaded = { ok: true; url: string; mimeType: string } | { ok: false; error: AppErrorShape };

export async function previewUrl(channelId: string, fileId: string, transferId?: string): Promise<Loaded> {
  const result = await call('files.preview', { channelId, fileId, ...(transferId ? { transferId } : {}) });
  if (!result.ok) return result;
  return { ok: true, mimeType: result.value.mimeType, url: URL.createObjectURL(new Blob([fromBase64(result.value.dataB64)], { type: result.value.mimeType })) };
}

export async function thumbnailUrl(channelId: string, fileId: string): Promise<string | null> {
  const result = await call('files.thumbnail', { channelId, fileId });
  if (!result.ok || !result.value) return null;
  return URL.createObjectURL(new Blob([fromBase64(result.value.dataB64)], { type: result.value.mimeType }));
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
    parts.push(fromBase64(piece.value.dataB64));
    if (piece.value.done) break;
  }
  saveBlob(new Blob(parts, { type: opened.value.mimeType || 'application/octet-stream' }), opened.value.name);
  return null;
}

export const newTransferId = (): string => `tr${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
