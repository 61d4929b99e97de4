import type { Migration } from './migration.ts';

/** How far this profile has read each channel (unread counts, mention badges). */
export const migration0060: Migration = {
  version: 60,
  name: 'read-state',
  up(db) {
    db.exec(`
      CREATE TABLE read_state (
        channel_id  TEXT PRIMARY KEY REFERENCES channels (channel_id) ON DELETE CASCADE,
        read_up_to  INTEGER NOT NULL DEFAULT 0,
        updated_at  INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- drafts kept per channel (composer)
      CREATE TABLE drafts (channel_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
    `);
  },
  sample(db) {
    db.prepare(`INSERT INTO read_state VALUES ('chn-sample-0001', 1, 1)`).run();
    db.prepare(`INSERT INTO drafts VALUES ('chn-sample-0001', 'Entwurf', 1)`).run();
  },
  hotQueries: [
    {
      name: 'read position of a channel',
      sql: 'SELECT read_up_to FROM read_state WHERE channel_id = ?',
      params: ['c'],
    },
  ],
};
