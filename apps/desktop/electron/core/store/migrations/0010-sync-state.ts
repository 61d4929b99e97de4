import type { Migration } from './migration.ts';

/** Settings, sync cursors, the durable outbox, envelopes waiting for keys, sender-key chains. */
export const migration0010: Migration = {
  version: 10,
  name: 'sync-state',
  up(db) {
    db.exec(`
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE sync_cursors (channel_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE outbox (
        client_event_id TEXT PRIMARY KEY,
        channel_id      TEXT NOT NULL,
        content_type    TEXT NOT NULL,
        payload         TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        queue_order     INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        sealed          BLOB,
        sealed_epoch    INTEGER,
        last_error      TEXT
      ) WITHOUT ROWID;
      -- dueOutbox: the head of each channel's queue, in send order
      CREATE INDEX outbox_by_channel ON outbox (channel_id, queue_order);
      CREATE TABLE pending_envelopes (
        channel_id  TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        envelope    BLOB NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (channel_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE sender_keys (chain_id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, state BLOB NOT NULL) WITHOUT ROWID;
      -- chainsOf(channel): history re-share and gap reports
      CREATE INDEX sender_keys_by_channel ON sender_keys (channel_id);
    `);
  },
  sample(db) {
    db.prepare(`INSERT INTO settings VALUES ('ui.language', '"de"')`).run();
    db.prepare(`INSERT INTO sync_cursors (channel_id, seq) VALUES ('chn-sample-0001', 41)`).run();
    db.prepare(
      `INSERT INTO outbox (client_event_id, channel_id, content_type, payload, created_at, queue_order, next_attempt_at) VALUES ('evt-sample-0001', 'chn-sample-0001', 'message', '{}', 1, 1, 1)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'outbox head of a channel',
      sql: 'SELECT * FROM outbox WHERE channel_id = ? ORDER BY queue_order LIMIT 1',
      params: ['c'],
    },
    { name: 'cursor of a channel', sql: 'SELECT seq FROM sync_cursors WHERE channel_id = ?', params: ['c'] },
    {
      name: 'pending envelopes of a channel',
      sql: 'SELECT * FROM pending_envelopes WHERE channel_id = ? ORDER BY seq',
      params: ['c'],
    },
  ],
};
