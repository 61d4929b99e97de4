import type { Migration } from './migration.ts';

/**
 * Function roles (features/roles/): every role event of the directory channel as logged, kept
 * apart from `events` because retention deletes old events while a role defined a year ago and
 * the schedule it was given are still in force. Who holds what is folded from these rows in the
 * relay's order on every read (features/roles/resolve.ts), so nothing here is a verdict.
 */
export const migration0220: Migration = {
  version: 220,
  name: 'roles',
  up(db) {
    db.exec(`
      CREATE TABLE role_ops (
        op_pk            INTEGER PRIMARY KEY,
        channel_id       TEXT NOT NULL,
        event_id         TEXT NOT NULL,
        seq              INTEGER,
        relay_at         INTEGER,
        created_at       INTEGER NOT NULL,
        sender_user_id   TEXT NOT NULL,
        sender_device_id TEXT NOT NULL,
        payload          TEXT NOT NULL,
        UNIQUE (channel_id, event_id)
      );
      -- the fold reads them all in the relay's order (own pending ones last)
      CREATE INDEX role_ops_in_order ON role_ops (seq IS NULL, seq, op_pk);
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO role_ops (channel_id, event_id, seq, relay_at, created_at, sender_user_id, sender_device_id, payload)
       VALUES ('chn-sample-0001', 'evt-sample-0210', 7, 3, 2, 'usr-sample-0001', 'dev-sample-0001', '{"type":"role.hold","roleId":"role-sample","userId":null}')`,
    ).run();
  },
  hotQueries: [
    {
      name: 'role events in the relay order (the fold)',
      sql: `SELECT event_id, seq, relay_at, created_at, sender_user_id, sender_device_id, payload FROM role_ops ORDER BY seq IS NULL, seq, op_pk`,
      params: [],
    },
  ],
};
