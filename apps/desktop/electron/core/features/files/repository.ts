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
    // A file's name is in its log event alone (as a message's text).
    'file.share': {
      schema: fileShare,
      rule: { who: 'member' },
      contentType: 'file',
      searchText: { field: 'name', scrubbed: true },
    },
    'file.group': { schema: fileGroup, rule: { who: 'member' }, contentType: 'file' },
  },
  apply(db, event) {
    if (event.payload.type === 'file.group') return applyFileGroup(db, event as FileGroup);
    return applyFileShare(db, event as FileShare);
  },
  // A share is a new thing: any member's (the rule table asks for no author).
  author: () => undefined,
  own: {
    // Ordered, a share is never refused by its seq or time; refused for good, it never reached anyone.
    onOwnRefused(db, event, how) {
      if (how === 'sent') return false;
      // A refused group leaves its files as they were sent: each its own item again.
      if (event.payload.type === 'file.group') {
        sql(
          db,
          'UPDATE files SET group_id = NULL, group_index = NULL, group_count = NULL WHERE channel_id = ? AND group_id = ?',
        ).run(event.channelId, event.eventId);
        return true;
      }
      sql(db, 'DELETE FROM files WHERE channel_id = ? AND file_id = ? AND seq IS NULL').run(
        event.channelId,
        event.eventId,
      );
      return true;
    },
  },
};

export interface FileRow {
  fileId: string;
  channelId: string;
  name: string;
  mimeType: string;
  size: number;
  blobId: string;
  /** Relay blobs holding the ciphertext in order (one part: the blob blobId). */
  parts: string[];
  keyB64: string;
  hashB64: string;
  thumbnailBlobId: string | null;
  caption: string;
  uploaderUserId: string;
  uploaderName: string | null;
  createdAt: number;
}

export type FileSort = 'newest' | 'oldest' | 'name' | 'size';

const FILE_ORDER: Record<FileSort, string> = {
  newest: 'f.created_at DESC',
  oldest: 'f.created_at ASC',
  name: 'f.name COLLATE NOCASE ASC',
  size: 'f.size DESC',
};

/** The files' read side: a channel's file store and one shared file. */
export class FileRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** The channel's file store: sort, filter by type prefix (e.g. "image/"), search by name. */
  async files(
    channelId: string,
    options: { sort?: FileSort; mimePrefix?: string; nameQuery?: string; limit?: number } = {},
  ): Promise<FileRow[]> {
    const params: unknown[] = [channelId];
    let filter = '';
    if (options.mimePrefix) {
      filter += ' AND f.mime_type LIKE ?';
      params.push(`${options.mimePrefix.replace(/[%_]/g, '')}%`);
    }
    if (options.nameQuery) {
      filter += " AND f.name LIKE ? ESCAPE '\\'";
      params.push(`%${options.nameQuery.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    params.push(Math.min(options.limit ?? 200, 1000));
    // Cached per shape (which filters, which order: 16 texts at most); the values are parameters.
    const rows = sql(
      this.#db,
      `SELECT f.*, u.display_name AS uploader_name FROM files f LEFT JOIN users u ON u.user_id = f.uploader_user_id
       WHERE f.channel_id = ?${filter} ORDER BY ${FILE_ORDER[options.sort ?? 'newest']} LIMIT ?`,
    ).all(...params) as Array<Record<string, unknown>>;
    const files = rows.map(toFileRow);
    // SQLite compares bytes; German users expect Ü next to U.
    return options.sort === 'name'
      ? files.sort((a, b) => a.name.localeCompare(b.name, 'de', { sensitivity: 'base' }))
      : files;
  }

  /** One shared file by its id (the file.share event id). */
  file(channelId: string, fileId: string): FileRow | null {
    const row = sql(
      this.#db,
      'SELECT f.*, u.display_name AS uploader_name FROM files f LEFT JOIN users u ON u.user_id = f.uploader_user_id WHERE f.channel_id = ? AND f.file_id = ?',
    ).get(channelId, fileId) as Record<string, unknown> | undefined;
    return row ? toFileRow(row) : null;
  }
}

function toFileRow(r: Record<string, unknown>): FileRow {
  return {
    fileId: r.file_id as string,
    channelId: r.channel_id as string,
    name: r.name as string,
    mimeType: r.mime_type as string,
    size: r.size as number,
    blobId: r.blob_id as string,
    parts: typeof r.blob_parts === 'string' ? (JSON.parse(r.blob_parts) as string[]) : [r.blob_id as string],
    keyB64: r.key_b64 as string,
    hashB64: r.hash_b64 as string,
    thumbnailBlobId: r.thumbnail_blob_id as string | null,
    caption: r.caption as string,
    uploaderUserId: r.uploader_user_id as string,
    uploaderName: r.uploader_name as string | null,
    createdAt: r.created_at as number,
  };
}

export const fileRepository = (db: Db) => new FileRepository(db);
