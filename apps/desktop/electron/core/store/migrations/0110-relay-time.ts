import type { Migration } from './migration.ts';

/**
 * The relay's acceptance time of each event (`relay_at`, UTC ms, from the wire event's `at`),
 * beside the sender's signed `created_at`. Poll deadlines are decided by it, so a sender whose
 * clock is wrong cannot vote late. Envelopes still waiting for a key keep it too, so an event
 * opened later is judged by the same time as on a client that opened it at once. Rows from before
 * this migration have no relay time (NULL): the reducers fall back to created_at for them.
 */
export const migration0110: Migration = {
  version: 110,
  name: 'relay-time',
  up(db) {
    db.exec(`
      ALTER TABLE events ADD COLUMN relay_at INTEGER;
      ALTER TABLE pending_envelopes ADD COLUMN relay_at INTEGER;
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO events (channel_id, event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, type, payload)
       VALUES ('chn-sample-0001', 'evt-sample-0110', 2, 'usr-sample-0001', 'dev-sample-0001', 1, 2, 'message.create', '{}')`,
    ).run();
    db.prepare(
      `INSERT INTO pending_envelopes (channel_id, seq, envelope, received_at, relay_at) VALUES ('chn-sample-0001', 3, x'00', 1, 2)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'pending envelopes of a channel, with relay time',
      sql: 'SELECT seq, envelope, relay_at FROM pending_envelopes WHERE channel_id = ? ORDER BY seq',
      params: ['c'],
    },
    {
      name: 'an event by id (apply idempotency)',
      sql: 'SELECT relay_at FROM events WHERE channel_id = ? AND event_id = ?',
      params: ['c', 'e'],
    },
  ],
};
