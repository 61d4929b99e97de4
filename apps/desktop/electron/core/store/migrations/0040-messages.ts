import type { Migration } from './migration.ts';

/**
 * The decrypted event log (idempotent by event id) and the materialised messages with
 * acknowledgements, mentions and full-text search. `sort_key` orders a channel: the relay seq for
 * delivered messages, and 2^50 + a local counter for messages still being sent, so pending sends
 * stay at the bottom until the relay gives them their place.
 */
export const migration0040: Migration = {
  version: 40,
  name: 'messages',
  up(db) {
    db.exec(`
      CREATE TABLE events (
        event_pk         INTEGER PRIMARY KEY,
        channel_id       TEXT NOT NULL,
        event_id         TEXT NOT NULL,
        seq              INTEGER,
        sender_user_id   TEXT NOT NULL,
        sender_device_id TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        type             TEXT NOT NULL,
        payload          TEXT NOT NULL,
        UNIQUE (channel_id, event_id)
      );
      -- retention: events older than N days
      CREATE INDEX events_by_time ON events (created_at);
      CREATE TABLE messages (
        message_pk     INTEGER PRIMARY KEY,
        channel_id     TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
        message_id     TEXT NOT NULL,
        seq            INTEGER,
        sort_key       INTEGER NOT NULL,
        sender_user_id TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        body           TEXT NOT NULL,
        mentions       TEXT NOT NULL DEFAULT '[]',
        reply_to       TEXT,
        urgent         INTEGER NOT NULL DEFAULT 0,
        edited_at      INTEGER,
        deleted_at     INTEGER,
        delivery       TEXT NOT NULL DEFAULT 'sent' CHECK (delivery IN ('sending', 'sent', 'failed')),
        UNIQUE (channel_id, message_id)
      );
      -- open a channel (newest 50) and page back (keyset on sort_key); unread count after a sort key
      CREATE INDEX messages_page ON messages (channel_id, sort_key);
      -- retention: messages older than N days
      CREATE INDEX messages_by_time ON messages (created_at);
      CREATE TABLE message_acks (
        channel_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        acked_at   INTEGER NOT NULL,
        PRIMARY KEY (channel_id, message_id, user_id)
      ) WITHOUT ROWID;
      CREATE TABLE message_mentions (
        user_id    TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        sort_key   INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        PRIMARY KEY (user_id, channel_id, sort_key, message_id)
      ) WITHOUT ROWID;
      -- German-friendly search: remove_diacritics 2 folds ü→u, so "Ubergabe" finds "Übergabe";
      -- prefix indexes (2-6 characters) make "Zimm" as fast as "Zimmer" (staff type word starts).
      -- The channel_id column indexes one token per channel (the hex of its id), so a search
      -- within a channel is an index intersection, not a filter over the matches of all channels.
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        body, channel_id, content = 'messages', content_rowid = 'message_pk', tokenize = "unicode61 remove_diacritics 2", prefix = '2 3 4 5 6'
      );
      -- longer prefixes are expanded to the whole words that start with them (search-terms.ts);
      -- only words longer than the indexed prefixes are kept
      CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, body, channel_id) VALUES (new.message_pk, new.body, hex(new.channel_id));
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body, channel_id) VALUES ('delete', old.message_pk, old.body, hex(old.channel_id));
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body, channel_id) VALUES ('delete', old.message_pk, old.body, hex(old.channel_id));
        INSERT INTO messages_fts (rowid, body, channel_id) VALUES (new.message_pk, new.body, hex(new.channel_id));
      END;
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO messages (channel_id, message_id, seq, sort_key, sender_user_id, created_at, body) VALUES ('chn-sample-0001', 'msg-sample-0001', 1, 1, 'usr-sample-0001', 1, 'Übergabe Zimmer 12')`,
    ).run();
  },
  hotQueries: [
    {
      name: 'open a channel: newest 50',
      sql: 'SELECT * FROM messages WHERE channel_id = ? ORDER BY sort_key DESC LIMIT 50',
      params: ['c'],
    },
    {
      name: 'page back (keyset)',
      sql: 'SELECT * FROM messages WHERE channel_id = ? AND sort_key < ? ORDER BY sort_key DESC LIMIT 50',
      params: ['c', 1000],
    },
    {
      name: 'unread count',
      sql: 'SELECT count(*) FROM messages WHERE channel_id = ? AND sort_key > ? AND sender_user_id != ?',
      params: ['c', 10, 'u'],
    },
    {
      name: 'mention badge',
      sql: 'SELECT count(*) FROM message_mentions WHERE user_id = ? AND channel_id = ? AND sort_key > ?',
      params: ['u', 'c', 10],
    },
    {
      name: 'expand a long prefix',
      sql: 'SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT 51',
      params: ['ubergabeprot', 'ubergabeprou'],
    },
    {
      name: 'search in a channel',
      sql: 'SELECT m.message_pk FROM messages_fts f JOIN messages m ON m.message_pk = f.rowid WHERE messages_fts MATCH ? ORDER BY f.rowid DESC LIMIT 20',
      params: ['body : "ubergabe" channel_id : "63"'],
    },
    { name: 'retention sweep', sql: 'SELECT message_pk FROM messages WHERE created_at < ?', params: [1000] },
    {
      name: 'acks of a message',
      sql: 'SELECT user_id FROM message_acks WHERE channel_id = ? AND message_id = ?',
      params: ['c', 'm'],
    },
  ],
};
