// How a shared file enters the `files` table, inside applyEvents' transaction through the store's
// port (store/content-features.ts): any member shares (the rule table, store/authorise.ts); an own
// share applied when queued gets its seq when the relay orders it (applied again then). A
// `file.group` (several files sent with one caption) marks the sender's own shares it names as one
// group, in its order.
import { fileGroup, fileShare, type ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';

type FileShare = ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: 'file.share' }> };
type FileGroup = ChannelEvent & { payload: Extract<ChannelEvent['payload'], { type: 'file.group' }> };

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

/**
 * The group takes the files the sender shared that are here and in no group yet (a file is in one
 * group, the first by seq, the relay's order, on every client alike); another member's file is
 * never pulled into it. Applied again when the relay orders an own group (the same result). Sent after its shares, so they are here before it in the relay's order.
 */
function applyFileGroup(db: Db, event: FileGroup): string | null {
  const ids = event.payload.fileIds;
  const mark = sql(
    db,
    `UPDATE files SET group_id = ?, group_index = ?, group_count = ?
     WHERE channel_id = ? AND file_id = ? AND uploader_user_id = ? AND (group_id IS NULL OR group_id = ?)`,
  );
  let marked = 0;
  ids.forEach((fileId, index) => {
    const run = mark.run(event.eventId, index, ids.length, event.channelId, fileId, event.senderUserId, event.eventId);
    marked += run.changes;
  });
  return marked === 0 ? 'unknown_target' : null;
}

export const filesContent: ContentFeature = {
  name: 'files',
  events: {
    'file.share': { schema: fileShare, rule: { who: 'member' }, contentType: 'file' },
    'file.group': { schema: fileGroup, rule: { who: 'member' }, contentType: 'file' },
  },
  apply(db, event) {
    if (event.payload.type === 'file.group') return applyFileGroup(db, event as FileGroup);
    return applyFileShare(db, event as FileShare);
  },
  // A share is a new thing: any member's (the rule table asks for no author).
  author: () => undefined,
};
