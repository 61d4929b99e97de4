import type { Migration } from './migration.ts';

/**
 * What a calendar entry's state is recomputed from when an event for it is opened after later
 * ones (features/calendar/repository.ts): the roster epoch each event was sealed in (`epoch`, signed in its
 * header, which authorise-facts.ts decides roles by), and an index of calendar events by entry uid
 * so finding the later ones and reading the entry's log does not scan the channel's messages.
 * Events from before this migration have no epoch: they are judged by relay time alone.
 * `calendar_events.created_seq` is the seq of the put that created the entry: while the log still
 * holds it (and every event the entry's state came from), recomputing from the log is complete;
 * after retention removed one, it is not (NULL for entries from before: not checked).
 */
export const migration0170: Migration = {
  version: 170,
  name: 'calendar-replay',
  up(db) {
    db.exec(`
      ALTER TABLE events ADD COLUMN epoch INTEGER;
      ALTER TABLE calendar_events ADD COLUMN created_seq INTEGER;
      CREATE INDEX events_calendar_by_uid ON events (channel_id, json_extract(payload, '$.uid'), seq) WHERE type LIKE 'calendar.%';
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO events (channel_id, event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, epoch, type, payload)
       VALUES ('chn-sample-0001', 'evt-sample-0170', 5, 'usr-sample-0001', 'dev-sample-0001', 1, 3, 2, 'calendar.put', '{"type":"calendar.put","uid":"u"}')`,
    ).run();
  },
  hotQueries: [
    {
      name: 'a later calendar event of the entry (opened out of order?)',
      sql: `SELECT 1 FROM events WHERE channel_id = ? AND type LIKE 'calendar.%' AND json_extract(payload, '$.uid') = ? AND seq > ? LIMIT 1`,
      params: ['c', 'u', 1],
    },
    {
      name: 'the calendar log of one entry (replay)',
      sql: `SELECT event_pk, seq FROM events WHERE channel_id = ? AND type LIKE 'calendar.%' AND json_extract(payload, '$.uid') = ? ORDER BY seq IS NULL, seq, event_pk`,
      params: ['c', 'u'],
    },
  ],
};
