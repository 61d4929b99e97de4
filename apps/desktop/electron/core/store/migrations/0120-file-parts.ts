import type { Migration } from './migration.ts';

/**
 * The relay blobs that hold a large file's ciphertext, in order (`blob_parts`, a JSON array of hex
 * SHA-256), from file.share's `parts`: such files were uploaded in segments while still being
 * encrypted. NULL (every file before this migration, and small files) means the one blob `blob_id`.
 */
export const migration0120: Migration = {
  version: 120,
  name: 'file-parts',
  up(db) {
    db.exec(`ALTER TABLE files ADD COLUMN blob_parts TEXT`);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO files (channel_id, file_id, name, mime_type, size, blob_id, key_b64, hash_b64, thumbnail_blob_id, caption, uploader_user_id, created_at, blob_parts)
       VALUES ('chn-sample-0001', 'evt-sample-0120', 'Befund.pdf', 'application/pdf', 10, ?, 'k', 'h', NULL, '', 'usr-sample-0001', 1, ?)`,
    ).run('a'.repeat(64), JSON.stringify(['b'.repeat(64), 'c'.repeat(64)]));
  },
  hotQueries: [
    {
      name: 'one shared file by id (download)',
      sql: 'SELECT blob_id, blob_parts FROM files WHERE channel_id = ? AND file_id = ?',
      params: ['c', 'f'],
    },
  ],
};
