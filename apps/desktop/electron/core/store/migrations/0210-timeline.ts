import type { Migration } from './migration.ts';

/**
 * The channel timeline's shared things (features/timeline/): files, polls, calendar entries and
 * channel changes are read by seq beside the messages of a page. A partial index over just those
 * event types keeps the read to the page's range, also in a channel of 100k messages.
 */
export const migration0210: Migration = {
  version: 210,
  name: 'timeline',
  up(db) {
    db.exec(`
      CREATE INDEX events_timeline ON events (channel_id, seq)
        WHERE type IN ('file.share', 'poll.create', 'calendar.put', 'channel.update');
    `);
  },
  hotQueries: [
    {
      name: 'shared things of a channel in a seq range',
      sql: `SELECT event_id, seq, type FROM events
            WHERE channel_id = ? AND type IN ('file.share', 'poll.create', 'calendar.put', 'channel.update')
              AND seq > ? AND seq <= ? ORDER BY seq DESC LIMIT 201`,
      params: ['c', 0, 100],
    },
  ],
};
