import type { Migration } from './migration.ts';

/**
 * What a device needs when the relay's log is not the one it expects (docs/protocol.md, "Gaps,
 * history start and relay incarnations"):
 * - `sync_cursors.history_start`: the relay declared that the channel's history starts there
 *   (older events deleted by its retention); the timeline says so where it starts.
 * - `sync_gaps`: seqs the relay neither delivered nor declared gone, asked for again with backoff.
 * - `sent_log`: own events the relay accepted, with their seq, the relay incarnation and the
 *   sealed bytes, kept 30 days: when the relay is restored from a backup, those it lost are sent
 *   again. The relay incarnation itself is the setting `sync.incarnation`.
 */
export const migration0150: Migration = {
  version: 150,
  name: 'sync-history',
  up(db) {
    db.exec(`
      ALTER TABLE sync_cursors ADD COLUMN history_start INTEGER;
      CREATE TABLE sync_gaps (
        channel_id TEXT NOT NULL,
        from_seq   INTEGER NOT NULL,
        to_seq     INTEGER NOT NULL,
        PRIMARY KEY (channel_id, from_seq)
      ) WITHOUT ROWID;
      CREATE TABLE sent_log (
        client_event_id TEXT PRIMARY KEY,
        channel_id      TEXT NOT NULL,
        content_type    TEXT NOT NULL,
        payload         TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        sealed          BLOB,
        sealed_epoch    INTEGER,
        seq             INTEGER NOT NULL,
        incarnation     TEXT,
        sent_at         INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- a restored relay: own events above a channel's restore point
      CREATE INDEX sent_log_by_channel ON sent_log (channel_id, seq);
      -- pruning after 30 days
      CREATE INDEX sent_log_by_time ON sent_log (sent_at);
    `);
  },
  sample(db) {
    db.prepare(`UPDATE sync_cursors SET history_start = 12 WHERE channel_id = 'chn-sample-0001'`).run();
    db.prepare(`INSERT INTO sync_gaps VALUES ('chn-sample-0001', 20, 22)`).run();
    db.prepare(
      `INSERT INTO sent_log (client_event_id, channel_id, content_type, payload, created_at, sealed, sealed_epoch, seq, incarnation, sent_at)
       VALUES ('evt-sample-0150', 'chn-sample-0001', 'message', '{}', 1, x'00', 1, 40, 'inc-sample-01', 2)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'history start of a channel',
      sql: 'SELECT history_start FROM sync_cursors WHERE channel_id = ?',
      params: ['c'],
    },
    {
      name: 'gaps of a channel',
      sql: 'SELECT from_seq, to_seq FROM sync_gaps WHERE channel_id = ? ORDER BY from_seq',
      params: ['c'],
    },
    {
      name: 'own events above a restore point',
      sql: 'SELECT * FROM sent_log WHERE channel_id = ? AND seq > ? ORDER BY seq',
      params: ['c', 1],
    },
    { name: 'sent log pruning', sql: 'DELETE FROM sent_log WHERE sent_at < ?', params: [1] },
  ],
};
