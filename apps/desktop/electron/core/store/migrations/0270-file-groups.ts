import type { Migration } from './migration.ts';

/**
 * Files sent together with one caption (`file.group`, the attach tray): each file of a group
 * knows the group (the file.group event's id), its place in it and how many files the group
 * named, so the timeline shows them as one item. NULL: a file shared on its own (every file before
 * this migration).
 */
export const migration0270: Migration = {
  version: 270,
  name: 'file-groups',
  up(db) {
    db.exec(`
      ALTER TABLE files ADD COLUMN group_id TEXT;
      ALTER TABLE files ADD COLUMN group_index INTEGER;
      ALTER TABLE files ADD COLUMN group_count INTEGER;
      -- The files of one group, in order (the timeline's grouped item).
      CREATE INDEX files_by_group ON files (channel_id, group_id, group_index) WHERE group_id IS NOT NULL;
    `);
  },
  sample(db) {
    const insert = db.prepare(
      `INSERT INTO files (channel_id, file_id, name, mime_type, size, blob_id, key_b64, hash_b64, thumbnail_blob_id, caption, uploader_user_id, created_at, group_id, group_index, group_count)
       VALUES ('chn-sample-0001', ?, ?, 'image/jpeg', 10, ?, 'k', 'h', NULL, '', 'usr-sample-0001', 1, 'evt-sample-group', ?, 2)`,
    );
    insert.run('evt-sample-0271', 'Wunde-1.jpg', 'd'.repeat(64), 0);
    insert.run('evt-sample-0272', 'Wunde-2.jpg', 'e'.repeat(64), 1);
  },
  hotQueries: [
    {
      name: 'the files of one group in order',
      sql: `SELECT file_id, name FROM files WHERE channel_id = ? AND group_id = ? ORDER BY group_index`,
      params: ['c', 'g'],
    },
  ],
};
