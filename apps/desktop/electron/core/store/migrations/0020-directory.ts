import type { Migration } from './migration.ts';

/** The organisation directory: verified signed records and the users and devices they define. */
export const migration0020: Migration = {
  version: 20,
  name: 'directory',
  up(db) {
    db.exec(`
      CREATE TABLE directory_records (
        record_pk   INTEGER PRIMARY KEY,
        type        TEXT NOT NULL,
        subject     TEXT NOT NULL,
        record      TEXT NOT NULL,
        received_at INTEGER NOT NULL
      );
      -- replaying the verified log into the crypto Directory at open, in arrival order: rowid order
      -- records of one user/device/channel (admin view, roster history)
      CREATE INDEX directory_by_subject ON directory_records (type, subject);
      CREATE TABLE users (
        user_id      TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        role         TEXT NOT NULL,
        ward         TEXT,
        active       INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- @mention autocomplete by name prefix
      CREATE INDEX users_by_name ON users (display_name COLLATE NOCASE);
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        user_id   TEXT NOT NULL,
        label     TEXT NOT NULL,
        revoked   INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      -- devices of a user (admin view, key shares)
      CREATE INDEX devices_by_user ON devices (user_id);
    `);
  },
  sample(db) {
    db.prepare(`INSERT INTO users VALUES ('usr-sample-0001', 'Anna Berger', 'admin', 'Station 3B', 1)`).run();
  },
  hotQueries: [
    {
      name: 'mention autocomplete',
      sql: 'SELECT user_id, display_name FROM users WHERE display_name >= ? COLLATE NOCASE AND display_name < ? COLLATE NOCASE LIMIT 8',
      params: ['an', 'ao'],
    },
    { name: 'devices of a user', sql: 'SELECT * FROM devices WHERE user_id = ?', params: ['u'] },
  ],
};
