// Redaction of images before they are sent: rectangles are blacked out or blurred in the pixels
// themselves, then the canvas is encoded anew. What is encrypted and sent is only this new image;
// the original stays in the browser's memory until the dialog closes and is never sent or stored.
// Re-encoding also drops embedded metadata (EXIF, GPS position).
export interface RedactRect {
  x: number;
  y: number;
  width: number;
  height: number;
  mode: 'black' | 'blur';
}

/** Draws `source` with the rectangles applied onto `canvas` (full resolution). */
export function renderRedacted(canvas: HTMLCanvasElement, source: ImageBitmap, rects: readonly RedactRect[]): void {
  canvas.width = source.width;
  canvas.height = source.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.drawImage(source, 0, 0);
  for (const r of rects) {
    const x = Math.max(0, Math.round(r.x));
    const y = Math.max(0, Math.round(r.y));
    const width = Math.min(source.width - x, Math.round(r.width));
    const height = Math.min(source.height - y, Math.round(r.height));
    if (width <= 0 || height <= 0) continue;
    if (r.mode === 'black') {
      ctx.fillStyle = '#000';
      ctx.fillRect(x, y, width, height);
      continue;
    }
    // Blur that cannot be undone: shrink the area to a few blocks (the detail is gone), then
    // scale it back up smoothed.
    const blocks = Math.max(1, Math.round(Math.max(width, height) / 24));
    const small = document.createElement('canvas');
    small.width = Math.max(1, Math.min(blocks, width));
    small.height = Math.max(1, Math.min(Math.round((blocks * height) / Math.max(1, width)) || 1, height));
    small.getContext('2d')?.drawImage(canvas, x, y, width, height, 0, 0, small.width, small.height);
    ctx.save();
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.filter = 'blur(6px)';
    ctx.drawImage(small, 0, 0, small.width, small.height, x, y, width, height);
    ctx.restore();
  }
}

/** The encoding to send: JPEG and WebP stay so (photos), everything else becomes PNG. */
export function outputType(type: string): { mimeType: string; extension: string } {
  if (type === 'image/jpeg') return { mimeType: 'image/jpeg', extension: 'jpg' };
  if (type === 'image/webp') return { mimeType: 'image/webp', extension: 'webp' };
  return { mimeType: 'image/png', extension: 'png' };
}

export function renamed(name: string, extension: string): string {
  const base = name.replace(/\.[^.]+$/, '');
  return `${base || 'Bild'}.${extension}`;
}

export function encode(canvas: HTMLCanvasElement, mimeType: string): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob), mimeType, 0.92));
}

/**
 * An image sent without redacted areas is still drawn and encoded anew, so its metadata (EXIF, GPS
 * position) never leaves; null when it cannot be read (then it is not sent as an image).
 */
export async function reencoded(image: Blob, name: string): Promise<{ image: Blob; name: string } | null> {
  try {
    const bitmap = await createImageBitmap(image);
    const canvas = document.createElement('canvas');
    renderRedacted(canvas, bitmap, []);
    bitmap.close();
    const type = outputType(image.type);
    const encoded = await encode(canvas, type.mimeType);
    return encoded ? { image: encoded, name: renamed(name, type.extension) } : null;
  } catch {
    return null;
  }
}
