// The caption of files sent from the attach tray travels encrypted inside the first file's
// `file.share` event (its `caption` field), validated by the same schema on every client: an event
// from before captions (no field) still reads, with an empty caption; a caption is text of at most
// 2000 characters; nothing else rides along (the schema is strict).
import { describe, expect, it } from 'vitest';
import { channelEventPayload } from '@klinikfunk/protocol/domain/events.ts';

const share = {
  type: 'file.share',
  name: 'Wunde-Zimmer-12.png',
  mimeType: 'image/png',
  size: 3_600,
  blobId: 'a'.repeat(64),
  keyB64: 'k'.repeat(43),
  hashB64: 'h'.repeat(43),
  thumbnailBlobId: 'b'.repeat(64),
};

describe('file.share caption', () => {
  it('an event from before captions reads, with an empty caption', () => {
    const parsed = channelEventPayload.parse(share);
    expect(parsed).toMatchObject({ type: 'file.share', caption: '' });
  });

  it('carries the caption as it was typed', () => {
    const parsed = channelEventPayload.parse({ ...share, caption: 'Wundheilung Tag 3, Zimmer 12' });
    expect(parsed).toMatchObject({ caption: 'Wundheilung Tag 3, Zimmer 12' });
    expect(channelEventPayload.safeParse({ ...share, caption: 'x'.repeat(2000) }).success).toBe(true);
  });

  it('refuses a caption over 2000 characters, one that is not text, and any other field', () => {
    expect(channelEventPayload.safeParse({ ...share, caption: 'x'.repeat(2001) }).success).toBe(false);
    expect(channelEventPayload.safeParse({ ...share, caption: 12 }).success).toBe(false);
    expect(channelEventPayload.safeParse({ ...share, caption: null }).success).toBe(false);
    expect(channelEventPayload.safeParse({ ...share, caption: 'ok', captionHtml: '<b>x</b>' }).success).toBe(false);
  });
});
