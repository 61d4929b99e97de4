import type { Migration } from './migration.ts';

/** Which file rows use a cached blob: deletion reports a blob only when its last row is gone. */
export const migration0070: Migration = {
  version: 70,
  name: 'file-blobs',
  up(db) {
    db.exec(`
      -- retention and selective deletion: is this blob still referenced (retention.ts orphans)
      CREATE INDEX files_by_blob ON files (blob_id);
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO files (channel_id, file_id, name, mime_type, size, blob_id, key_b64, hash_b64, uploader_user_id, created_at) VALUES ('chn-sample-0001', 'fil-sample-0001', 'Dienstplan.pdf', 'application/pdf', 10, 'blob-sample-0001', 'k', 'h', 'usr-sample-0001', 1)`,
    ).run();
  },
  hotQueries: [
    { name: 'is a blob still referenced', sql: 'SELECT 1 FROM files WHERE blob_id = ? LIMIT 1', params: ['b'] },
  ],
};
