import type { Migration } from './migration.ts';

/**
 * Quick reactions to messages (features/reactions/): one row per member and reaction from the fixed
 * set (packages/protocol/domain/events.ts REACTIONS), with when it was given. A reaction goes with
 * its message (retention, a left channel): the foreign key cascades.
 */
export const migration0230: Migration = {
  version: 230,
  name: 'reactions',
  up(db) {
    db.exec(`
      CREATE TABLE reactions (
        channel_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        reaction   TEXT NOT NULL,
        reacted_at INTEGER NOT NULL,
        PRIMARY KEY (channel_id, message_id, user_id, reaction),
        FOREIGN KEY (channel_id, message_id) REFERENCES messages (channel_id, message_id) ON DELETE CASCADE
      ) WITHOUT ROWID;
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO reactions (channel_id, message_id, user_id, reaction, reacted_at) VALUES ('chn-sample-0001', 'msg-sample-0180', 'usr-sample-0001', '👍', 3)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'reactions of a channel',
      sql: `SELECT r.message_id, r.user_id, r.reaction, r.reacted_at FROM reactions r
            CROSS JOIN messages m ON m.channel_id = r.channel_id AND m.message_id = r.message_id
            WHERE r.channel_id = ? AND m.deleted_at IS NULL ORDER BY r.reacted_at`,
      params: ['c'],
    },
  ],
};
