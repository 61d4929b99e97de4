import type { Migration } from './migration.ts';

/** Channels (org-wide), conversations (private groups), direct messages, and their members. */
export const migration0030: Migration = {
  version: 30,
  name: 'channels',
  up(db) {
    db.exec(`
      CREATE TABLE channels (
        channel_id     TEXT PRIMARY KEY,
        kind           TEXT NOT NULL CHECK (kind IN ('channel', 'conversation', 'direct')),
        name           TEXT NOT NULL,
        topic          TEXT NOT NULL DEFAULT '',
        history_for_new_members INTEGER NOT NULL DEFAULT 0,
        retention_days INTEGER,
        created_at     INTEGER NOT NULL,
        left_at        INTEGER
      ) WITHOUT ROWID;
      CREATE TABLE channel_members (
        channel_id TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
        user_id    TEXT NOT NULL,
        role       TEXT NOT NULL,
        PRIMARY KEY (channel_id, user_id)
      ) WITHOUT ROWID;
      -- channels of a user (sidebar)
      CREATE INDEX members_by_user ON channel_members (user_id);
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO channels (channel_id, kind, name, created_at) VALUES ('chn-sample-0001', 'channel', 'Station 3B', 1)`,
    ).run();
    db.prepare(`INSERT INTO channel_members VALUES ('chn-sample-0001', 'usr-sample-0001', 'admin')`).run();
  },
  hotQueries: [
    {
      name: 'sidebar: channels of a user',
      sql: 'SELECT c.* FROM channel_members m JOIN channels c USING (channel_id) WHERE m.user_id = ?',
      params: ['u'],
    },
    { name: 'members of a channel', sql: 'SELECT * FROM channel_members WHERE channel_id = ?', params: ['c'] },
  ],
};
