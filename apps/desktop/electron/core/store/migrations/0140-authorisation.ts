import type { Migration } from './migration.ts';

/**
 * Channel authorisation and deletion that leaves nothing behind (docs/protocol.md "Authorisation",
 * docs/store.md):
 * - `settings_seq`: the relay seq of the channel.update in force, so an older one applied late
 *   (its key arrived after a newer one) never undoes a newer one.
 * - `retention_since_seq`: the channel's retention setting applies only to content after the
 *   update that set it (lowering retention never deletes what was there before it).
 * - `files.seq`: files take part in that rule like messages (seq of their file.share).
 * - `calendar_overrides.sender_user_id`: an override that arrived before its series is kept
 *   provisionally and dropped when the series arrives if its sender may not change the series.
 * - FTS5 `secure-delete` on every full-text index: a deleted or edited text leaves the index's
 *   shadow tables at once instead of staying in old segments until they are merged.
 */
export const migration0140: Migration = {
  version: 140,
  name: 'authorisation',
  up(db) {
    db.exec(`
      ALTER TABLE channels ADD COLUMN settings_seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE channels ADD COLUMN retention_since_seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE files ADD COLUMN seq INTEGER;
      ALTER TABLE calendar_overrides ADD COLUMN sender_user_id TEXT;
    `);
    const fts = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'`)
      .pluck()
      .all() as string[];
    for (const table of fts) db.prepare(`INSERT INTO "${table}" ("${table}", rank) VALUES ('secure-delete', 1)`).run();
  },
  sample(db) {
    db.prepare(
      `UPDATE channels SET settings_seq = 3, retention_since_seq = 3 WHERE channel_id = 'chn-sample-0001'`,
    ).run();
    db.prepare(`UPDATE files SET seq = 4 WHERE channel_id = 'chn-sample-0001'`).run();
  },
  hotQueries: [
    {
      name: 'roster of an epoch (authorisation)',
      sql: `SELECT json_extract(record, '$.body.members') FROM directory_records WHERE type = 'roster' AND subject = ? AND json_extract(record, '$.body.epoch') = ?`,
      params: ['c', 1],
    },
    {
      name: 'retention sweep of a channel with a retention start',
      sql: 'SELECT message_pk FROM messages WHERE channel_id = ? AND (created_at < ? OR (created_at < ? AND (seq IS NULL OR seq > ?)))',
      params: ['c', 0, 1000, 3],
    },
    {
      name: 'files of a channel for retention',
      sql: 'SELECT file_pk FROM files WHERE channel_id = ? AND (created_at < ? OR (created_at < ? AND (seq IS NULL OR seq > ?)))',
      params: ['c', 0, 1000, 3],
    },
  ],
};
