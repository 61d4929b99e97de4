// How a shared file enters the `files` table, inside applyEvents' transaction through the store's
// port (store/content-features.ts): any member shares (the rule table, store/authorise.ts); an own
// share applied when queued gets its seq when the relay orders it (applied again then), and is
// taken out again when the relay refuses it for good.
import { fileShare, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';

type FileShare = ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: 'file.share' }> };

function applyFileShare(db: Db, event: FileShare): string | null {
  const p = event.payload;
  sql(
    db,
    `INSERT INTO files (channel_id, file_id, name, mime_type, size, blob_id, blob_parts, key_b64, hash_b64, thumbnail_blob_id, caption, uploader_user_id, created_at, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel_id, file_id) DO UPDATE SET seq = coalesce(excluded.seq, seq)`,
  ).run(
    event.channelId,
    event.eventId,
    p.name,
    p.mimeType,
    p.size,
    p.blobId,
    p.parts ? JSON.stringify(p.parts) : null,
    p.keyB64,
    p.hashB64,
    p.thumbnailBlobId,
    p.caption,
    event.senderUserId,
    event.createdAt,
    event.seq,
  );
  return null;
}

export const filesContent: ContentFeature = {
  name: 'files',
  events: { 'file.share': { schema: fileShare, rule: { who: 'member' }, contentType: 'file' } },
  apply(db, event) {
    return applyFileShare(db, event as FileShare);
  },
  // A share is a new thing: any member's (the rule table asks for no author).
  author: () => undefined,
  own: {
    // Ordered, a share is never refused by its seq or time; refused for good, it never reached anyone.
    onOwnRefused(db, event, how) {
      if (how === 'sent') return false;
      sql(db, 'DELETE FROM files WHERE channel_id = ? AND file_id = ? AND seq IS NULL').run(
        event.channelId,
        event.eventId,
      );
      return true;
    },
  },
};
