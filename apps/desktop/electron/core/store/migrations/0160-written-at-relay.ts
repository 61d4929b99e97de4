import type { Migration } from './migration.ts';

/**
 * When an event was written, in relay time as its sender estimated it (`written_at_relay`, signed
 * `writtenAtRelay`, docs/protocol.md "Two clocks"): compared with `relay_at` it shows a delivery
 * delayed by an outage without a sender's wrong clock faking or hiding one. The device's own
 * events get it when sealed. NULL for events from older senders and from before this migration.
 */
export const migration0160: Migration = {
  version: 160,
  name: 'written-at-relay',
  up(db) {
    db.exec(`ALTER TABLE events ADD COLUMN written_at_relay INTEGER;`);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO events (channel_id, event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, written_at_relay, type, payload)
       VALUES ('chn-sample-0001', 'evt-sample-0160', 4, 'usr-sample-0001', 'dev-sample-0001', 1, 3, 2, 'message.create', '{}')`,
    ).run();
  },
  hotQueries: [
    {
      name: 'relay time and time of writing of a message (late delivery)',
      sql: 'SELECT relay_at, written_at_relay FROM events WHERE channel_id = ? AND event_id = ?',
      params: ['c', 'e'],
    },
  ],
};
