// Thumbnails are drawn here from the (already redacted) image and sent encrypted with the file,
// so no server ever sees or makes them.
const MAX_SIDE = 320;

export async function makeThumbnail(image: Blob): Promise<Blob | null> {
  try {
    const bitmap = await createImageBitmap(image);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise((resolve) => canvas.toBlob((blob) => resolve(blob), 'image/jpeg', 0.8));
  } catch {
    return null;
  }
}

export const isRedactable = (file: Blob): boolean =>
  ['image/png', 'image/jpeg', 'image/webp', 'image/bmp', 'image/gif'].includes(file.type);
