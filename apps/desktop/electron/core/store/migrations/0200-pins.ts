import type { Migration } from './migration.ts';

/**
 * Pinned messages of a channel (features/pins/): one row per pinned message, with who pinned it
 * (the only one besides a channel admin who may unpin it) and when. A pin goes with its message
 * (retention, a left channel): the foreign key cascades.
 */
export const migration0200: Migration = {
  version: 200,
  name: 'pins',
  up(db) {
    db.exec(`
      CREATE TABLE pins (
        channel_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        pinned_by  TEXT NOT NULL,
        pinned_at  INTEGER NOT NULL,
        PRIMARY KEY (channel_id, message_id),
        FOREIGN KEY (channel_id, message_id) REFERENCES messages (channel_id, message_id) ON DELETE CASCADE
      ) WITHOUT ROWID;
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO pins (channel_id, message_id, pinned_by, pinned_at) VALUES ('chn-sample-0001', 'msg-sample-0180', 'usr-sample-0001', 2)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'pinned messages of a channel',
      sql: `SELECT p.message_id, p.pinned_by, p.pinned_at, m.sender_user_id, m.body, m.created_at, m.sort_key
            FROM pins p CROSS JOIN messages m ON m.channel_id = p.channel_id AND m.message_id = p.message_id
            WHERE p.channel_id = ? AND m.deleted_at IS NULL ORDER BY p.pinned_at DESC`,
      params: ['c'],
    },
  ],
};
