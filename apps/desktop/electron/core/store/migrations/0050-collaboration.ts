import type { Migration } from './migration.ts';

/** Polls, shared files and calendar entries, materialised from their channel events. */
export const migration0050: Migration = {
  version: 50,
  name: 'collaboration',
  up(db) {
    db.exec(`
      CREATE TABLE polls (
        channel_id      TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
        poll_id         TEXT NOT NULL,
        creator_user_id TEXT NOT NULL,
        definition      TEXT NOT NULL,
        created_seq     INTEGER,
        created_at      INTEGER NOT NULL,
        closed_seq      INTEGER,
        PRIMARY KEY (channel_id, poll_id)
      ) WITHOUT ROWID;
      CREATE TABLE poll_votes (
        channel_id TEXT NOT NULL,
        poll_id    TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        option_ids TEXT NOT NULL,
        seq        INTEGER,
        PRIMARY KEY (channel_id, poll_id, user_id),
        FOREIGN KEY (channel_id, poll_id) REFERENCES polls (channel_id, poll_id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE TABLE files (
        file_pk          INTEGER PRIMARY KEY,
        channel_id       TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
        file_id          TEXT NOT NULL,
        name             TEXT NOT NULL,
        mime_type        TEXT NOT NULL,
        size             INTEGER NOT NULL,
        blob_id          TEXT NOT NULL,
        key_b64          TEXT NOT NULL,
        hash_b64         TEXT NOT NULL,
        thumbnail_blob_id TEXT,
        caption          TEXT NOT NULL DEFAULT '',
        uploader_user_id TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        local_path       TEXT,
        UNIQUE (channel_id, file_id)
      );
      -- channel file store, newest first
      CREATE INDEX files_by_channel ON files (channel_id, created_at);
      -- retention
      CREATE INDEX files_by_time ON files (created_at);
      CREATE VIRTUAL TABLE files_fts USING fts5 (
        name, channel_id, content = 'files', content_rowid = 'file_pk', tokenize = "unicode61 remove_diacritics 2", prefix = '2 3 4 5 6'
      );
      CREATE TRIGGER files_fts_insert AFTER INSERT ON files BEGIN
        INSERT INTO files_fts (rowid, name, channel_id) VALUES (new.file_pk, new.name, hex(new.channel_id));
      END;
      CREATE TRIGGER files_fts_delete AFTER DELETE ON files BEGIN
        INSERT INTO files_fts (files_fts, rowid, name, channel_id) VALUES ('delete', old.file_pk, old.name, hex(old.channel_id));
      END;
      CREATE TABLE calendar_events (
        channel_id TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
        uid        TEXT NOT NULL,
        data       TEXT NOT NULL,
        start      INTEGER NOT NULL,
        last_seq   INTEGER,
        created_by TEXT NOT NULL,
        cancelled  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (channel_id, uid)
      ) WITHOUT ROWID;
      -- month/week views: entries of a channel from a start date
      CREATE INDEX calendar_by_start ON calendar_events (channel_id, start);
      CREATE TABLE calendar_rsvps (
        channel_id TEXT NOT NULL,
        uid        TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        rsvp       TEXT NOT NULL,
        seq        INTEGER,
        PRIMARY KEY (channel_id, uid, user_id)
      ) WITHOUT ROWID;
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO polls VALUES ('chn-sample-0001', 'pol-sample-0001', 'usr-sample-0001', '{"question":"Teamessen?"}', 2, 1, NULL)`,
    ).run();
    db.prepare(
      `INSERT INTO poll_votes VALUES ('chn-sample-0001', 'pol-sample-0001', 'usr-sample-0001', '["a"]', 3)`,
    ).run();
    db.prepare(
      `INSERT INTO files (channel_id, file_id, name, mime_type, size, blob_id, key_b64, hash_b64, uploader_user_id, created_at) VALUES ('chn-sample-0001', 'fil-sample-0000', 'Übergabe.pdf', 'application/pdf', 10, 'blob-sample-0000', 'k', 'h', 'usr-sample-0001', 1)`,
    ).run();
    // Named columns: later migrations add some (0170), and a later migration's test runs this sample.
    db.prepare(
      `INSERT INTO calendar_events (channel_id, uid, data, start, last_seq, created_by, cancelled) VALUES ('chn-sample-0001', 'cal-sample-0001', '{}', 1, 4, 'usr-sample-0001', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO calendar_rsvps VALUES ('chn-sample-0001', 'cal-sample-0001', 'usr-sample-0001', 'yes', 5)`,
    ).run();
  },
  hotQueries: [
    { name: 'polls of a channel', sql: 'SELECT * FROM polls WHERE channel_id = ?', params: ['c'] },
    {
      name: 'votes of a poll',
      sql: 'SELECT * FROM poll_votes WHERE channel_id = ? AND poll_id = ?',
      params: ['c', 'p'],
    },
    {
      name: 'file store of a channel',
      sql: 'SELECT * FROM files WHERE channel_id = ? ORDER BY created_at DESC LIMIT 100',
      params: ['c'],
    },
    {
      name: 'calendar range',
      sql: 'SELECT * FROM calendar_events WHERE channel_id = ? AND start >= ? AND start < ?',
      params: ['c', 0, 1],
    },
  ],
};
