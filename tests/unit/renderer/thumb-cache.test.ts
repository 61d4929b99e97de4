// The timeline's thumbnail cache (decrypted images and PDF pages as blob URLs): bounded, and
// emptied with every URL revoked when the profile is locked or another one is shown
// (lib/session.svelte.ts), so no decrypted picture outlives the screen it belonged to.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cachedThumb,
  cachedThumbCount,
  clearThumbs,
  MAX_THUMBS,
} from '../../../apps/desktop/renderer/src/components/timeline/thumb-cache.ts';

afterEach(() => {
  clearThumbs();
  vi.restoreAllMocks();
});

describe('thumbnail cache', () => {
  it('keeps at most MAX_THUMBS and revokes the least recently used', async () => {
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    for (let i = 0; i <= MAX_THUMBS; i++) await cachedThumb(`c/f${i}`, async () => `blob:${i}`);
    expect(cachedThumbCount()).toBe(MAX_THUMBS);
    await Promise.resolve();
    expect(revoke).toHaveBeenCalledWith('blob:0');
  });

  it('clearing drops every thumbnail and revokes its URL; the next look decodes again', async () => {
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    await cachedThumb('c/a', async () => 'blob:a');
    await cachedThumb('c/b', async () => 'blob:b');
    clearThumbs();
    expect(cachedThumbCount()).toBe(0);
    await Promise.resolve();
    expect(revoke.mock.calls.map(([u]) => u).sort()).toEqual(['blob:a', 'blob:b']);
    const make = vi.fn(async () => 'blob:a2');
    expect(await cachedThumb('c/a', make)).toBe('blob:a2');
    expect(make).toHaveBeenCalledOnce();
  });
});
