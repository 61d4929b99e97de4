import type { Migration } from './migration.ts';

/**
 * Templates and broadcast alerts (features/alerts/): every `template.define`, `alert.send` and
 * `alert.ack` of the directory channel as logged, kept apart from `events` (which retention trims)
 * for the same reason as role_ops: a template defined a year ago is still offered. Which template
 * is in force, which alert counts and who acknowledged it is folded from these rows in the
 * relay's order on every read (features/alerts/resolve.ts), so nothing here is a verdict.
 */
export const migration0370: Migration = {
  version: 370,
  name: 'alerts',
  up(db) {
    db.exec(`
      CREATE TABLE alert_ops (
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
      CREATE INDEX alert_ops_in_order ON alert_ops (seq IS NULL, seq, op_pk);
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO alert_ops (channel_id, event_id, seq, relay_at, created_at, sender_user_id, sender_device_id, payload)
       VALUES ('chn-sample-0001', 'evt-sample-0370', 9, 3, 2, 'usr-sample-0001', 'dev-sample-0001', '{"type":"alert.ack","alertId":"alr-sample-0001"}')`,
    ).run();
  },
  hotQueries: [
    {
      name: 'template and alert events in the relay order (the fold)',
      sql: `SELECT event_id, seq, relay_at, created_at, sender_user_id, sender_device_id, payload FROM alert_ops ORDER BY seq IS NULL, seq, op_pk`,
      params: [],
    },
  ],
};
