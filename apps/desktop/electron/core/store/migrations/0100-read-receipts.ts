import type { Migration } from './migration.ts';

/** How far each member has read a channel, from their read receipts (only where the organisation turns them on). */
export const migration0100: Migration = {
  version: 100,
  name: 'read-receipts',
  up(db) {
    db.exec(`
      CREATE TABLE read_receipts (
        channel_id TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        up_to_seq  INTEGER NOT NULL,
        read_at    INTEGER NOT NULL,
        PRIMARY KEY (channel_id, user_id)
      ) WITHOUT ROWID;
      -- "read by n" of a message: members of the channel whose receipt reaches its seq (primary key prefix)
    `);
  },
  sample(db) {
    db.prepare(`INSERT INTO read_receipts VALUES ('chn-sample-0001', 'usr-sample-0001', 1, 1)`).run();
  },
  hotQueries: [
    {
      name: 'readers of a message',
      sql: 'SELECT user_id, read_at FROM read_receipts WHERE channel_id = ? AND up_to_seq >= ?',
      params: ['c', 5],
    },
  ],
};
