// Read side of polls and shared files (written by their features from the event log).
import { pollResults, type PollResults, type PollState } from '../collab/polls.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

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

export class CollaborationRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Open and closed polls of a channel with their current results. */
  async polls(
    channelId: string,
    now: number,
  ): Promise<
    Array<PollResults & { question: string; creatorUserId: string; multipleChoice: boolean; deadline: number | null }>
  > {
    const rows = sql(this.#db, 'SELECT * FROM polls WHERE channel_id = ? ORDER BY created_at DESC').all(
      channelId,
    ) as Array<{
      poll_id: string;
      creator_user_id: string;
      definition: string;
      created_seq: number | null;
      closed_seq: number | null;
    }>;
    const votes = sql(this.#db, 'SELECT user_id, option_ids, seq FROM poll_votes WHERE channel_id = ? AND poll_id = ?');
    return rows.map((row) => {
      const definition = JSON.parse(row.definition) as PollState['definition'];
      const state: PollState = {
        definition,
        creatorUserId: row.creator_user_id,
        createdSeq: row.created_seq ?? 0,
        closedSeq: row.closed_seq,
        votes: new Map(
          (votes.all(channelId, row.poll_id) as Array<{ user_id: string; option_ids: string; seq: number }>).map(
            (v) => [v.user_id, { optionIds: JSON.parse(v.option_ids) as string[], seq: v.seq }],
          ),
        ),
      };
      return {
        ...pollResults(state, now),
        question: definition.question,
        creatorUserId: row.creator_user_id,
        multipleChoice: definition.multipleChoice,
        deadline: definition.deadline,
      };
    });
  }

  /** Per poll of a channel: when it was made and whether voters are hidden, whether its creator closed it, and this user's vote. */
  async pollDetails(
    channelId: string,
    userId: string,
  ): Promise<{
    created: Map<string, { createdAt: number; hideVoters: boolean }>;
    closedByCreator: Set<string>;
    myVotes: Map<string, string[]>;
  }> {
    const polls = sql(
      this.#db,
      'SELECT poll_id, created_at, definition, closed_seq FROM polls WHERE channel_id = ?',
    ).all(channelId) as Array<{
      poll_id: string;
      created_at: number;
      definition: string;
      closed_seq: number | null;
    }>;
    const votes = sql(this.#db, 'SELECT poll_id, option_ids FROM poll_votes WHERE channel_id = ? AND user_id = ?').all(
      channelId,
      userId,
    ) as Array<{ poll_id: string; option_ids: string }>;
    return {
      created: new Map(
        polls.map((r) => [
          r.poll_id,
          { createdAt: r.created_at, hideVoters: (JSON.parse(r.definition) as { hideVoters: boolean }).hideVoters },
        ]),
      ),
      closedByCreator: new Set(polls.filter((r) => r.closed_seq !== null).map((r) => r.poll_id)),
      myVotes: new Map(votes.map((r) => [r.poll_id, JSON.parse(r.option_ids) as string[]])),
    };
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
    const rows = this.#db
      .prepare(
        `SELECT f.*, u.display_name AS uploader_name FROM files f LEFT JOIN users u ON u.user_id = f.uploader_user_id
         WHERE f.channel_id = ?${filter} ORDER BY ${FILE_ORDER[options.sort ?? 'newest']} LIMIT ${Math.min(options.limit ?? 200, 1000)}`,
      )
      .all(...params) as Array<Record<string, unknown>>;
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
