// Kinds of files for the file store's filter and for what the in-app preview may open.
// The kinds are the file store's filter, which the renderer applies to patched rows too.
export { fileKind, type FileKind } from '@klinikfunk/protocol/api/features/file-list.ts';

/** Raster images and PDF only: SVG can carry script, so it is never previewed. */
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'application/pdf']);
export const isPreviewable = (mimeType: string): boolean => PREVIEWABLE.has(mimeType);

/**
 * Largest file the in-app preview opens, images and PDF alike. The plaintext is held in
 * main-process memory, crosses IPC as base64 (a third larger) and is copied once more into the
 * renderer (pdf.js hands it to its worker): at 25 MiB the peak stays near 120 MB. That covers a
 * scanned report of 50 to 100 pages; anything larger is offered for "save as".
 */
export const MAX_PREVIEW_BYTES = 25 * 1024 * 1024;

export type PreviewRefusal = 'not_previewable' | 'too_large';

/** Why the preview will not open this file, or null when it will. */
export function previewRefusal(mimeType: string, size: number): PreviewRefusal | null {
  if (!isPreviewable(mimeType)) return 'not_previewable';
  if (size > MAX_PREVIEW_BYTES) return 'too_large';
  return null;
}
