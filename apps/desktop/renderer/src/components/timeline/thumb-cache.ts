// Thumbnails of the timeline (an image's encrypted thumbnail, a PDF's first page), decoded once
// and kept as blob URLs in memory: scrolling back and forth or a reload of the items never asks
// the core again. Bounded: at most MAX_THUMBS entries, the least recently used one is revoked
// first; an image thumbnail is at most THUMBNAIL_MAX_BYTES (300 kB) and a drawn first page is
// smaller, so the cache holds at most about 30 MB. Emptied when the profile is locked, signed out
// or another one is shown (lib/session-end.ts), like drafts (blob URLs live in this renderer
// only and never touch the disk).
import { onSessionEnd } from '../../lib/session-end.ts';

export const MAX_THUMBS = 100;

const cache = new Map<string, Promise<string | null>>();

/** The cached URL for `key`, made by `make` the first time (a failure is not kept: tried again later). */
export function cachedThumb(key: string, make: () => Promise<string | null>): Promise<string | null> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const made = make().catch(() => null);
  cache.set(key, made);
  void made.then((url) => {
    if (url === null && cache.get(key) === made) cache.delete(key);
  });
  while (cache.size > MAX_THUMBS) {
    const [oldest, url] = cache.entries().next().value!;
    cache.delete(oldest);
    void url.then((u) => u && URL.revokeObjectURL(u));
  }
  return made;
}

/** Drops every thumbnail and revokes its URL, also one still being decoded (once it is made). */
export function clearThumbs(): void {
  for (const made of cache.values()) void made.then((u) => u && URL.revokeObjectURL(u));
  cache.clear();
}

/** How many thumbnails are held (for the bench and tests). */
export const cachedThumbCount = (): number => cache.size;

onSessionEnd(clearThumbs);
