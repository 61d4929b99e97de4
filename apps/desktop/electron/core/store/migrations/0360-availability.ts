import type { Migration } from './migration.ts';

/**
 * Availability (features/availability/): every `availability.set` of the directory channel as it
 * arrived (`availability_ops`, kept apart from `events`, which retention trims, so a status set
 * long ago is still known), the newest by the relay's order in force per user; and which urgent
 * message went to which cover (`availability_forwards`, the line under the message).
 */
export const migration0360: Migration = {
  version: 360,
  name: 'availability',
  up(db) {
    db.exec(`
      CREATE TABLE availability_ops (
        op_pk            INTEGER PRIMARY KEY,
        channel_id       TEXT NOT NULL,
        event_id         TEXT NOT NULL,
        seq              INTEGER,
        relay_at         INTEGER,
        created_at       INTEGER NOT NULL,
        user_id          TEXT NOT NULL,
        sender_device_id TEXT NOT NULL,
        payload          TEXT NOT NULL,
        UNIQUE (channel_id, event_id)
      );
      CREATE INDEX availability_ops_user ON availability_ops (user_id, seq);
      CREATE TABLE availability_forwards (
        channel_id     TEXT NOT NULL,
        message_id     TEXT NOT NULL,
        event_id       TEXT NOT NULL,
        absent_user_id TEXT NOT NULL,
        cover_user_ids TEXT NOT NULL,
        cover_role_id  TEXT,
        PRIMARY KEY (channel_id, message_id, absent_user_id)
      );
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO availability_ops (channel_id, event_id, seq, relay_at, created_at, user_id, sender_device_id, payload)
       VALUES ('chn-sample-0360', 'evt-sample-0360', 1, 1000, 1000, 'usr-sample-0001', 'dev-sample-0001',
               '{"type":"availability.set","userId":"usr-sample-0001","state":"on_duty","cover":null,"until":null}')`,
    ).run();
    db.prepare(
      `INSERT INTO availability_forwards (channel_id, message_id, event_id, absent_user_id, cover_user_ids, cover_role_id)
       VALUES ('chn-sample-0360', 'msg-sample-0360', 'evt-sample-0361', 'usr-sample-0001', '["usr-sample-0002"]', NULL)`,
    ).run();
  },
  hotQueries: [
    {
      name: "a user's status events in the relay's order",
      sql: `SELECT payload, seq FROM availability_ops WHERE user_id = ? ORDER BY seq IS NULL, seq, op_pk`,
      params: ['usr-sample-0001'],
    },
    {
      name: 'the cover lines of a message',
      sql: `SELECT absent_user_id, cover_user_ids FROM availability_forwards WHERE channel_id = ? AND message_id = ?`,
      params: ['chn-sample-0360', 'msg-sample-0360'],
    },
  ],
};
