// Kinds of files for the file store's filter and for what the in-app preview may open.
export type FileKind = 'image' | 'pdf' | 'document' | 'other';

const DOCUMENT = /^(text\/|application\/(msword|rtf|vnd\.openxmlformats-officedocument|vnd\.oasis\.opendocument|vnd\.ms-))/;

export function fileKind(mimeType: string): FileKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType === 'application/pdf') return 'pdf';
  if (DOCUMENT.test(mimeType)) return 'document';
  return 'other';
}

/** Raster images and PDF only: SVG can carry script, so it is never previewed. */
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'application/pdf']);
export const isPreviewable = (mimeType: string): boolean => PREVIEWABLE.has(mimeType);

export const MAX_PREVIEW_BYTES = 25 * 1024 * 1024;
