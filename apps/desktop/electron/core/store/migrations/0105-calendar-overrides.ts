import type { Migration } from './migration.ts';

/** Single occurrences of recurring calendar entries changed or cancelled on their own (iCalendar RECURRENCE-ID / EXDATE). */
export const migration0105: Migration = {
  version: 105,
  name: 'calendar-overrides',
  up(db) {
    // No foreign key to calendar_events: its rows are written with INSERT OR REPLACE, whose delete
    // would cascade and drop every override of the entry on each edit of the series.
    db.exec(`
      CREATE TABLE calendar_overrides (
        channel_id    TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
        uid           TEXT NOT NULL,
        recurrence_id INTEGER NOT NULL,
        data          TEXT NOT NULL,
        seq           INTEGER,
        PRIMARY KEY (channel_id, uid, recurrence_id)
      ) WITHOUT ROWID;
      -- the overrides of an entry (applying an event, calendar views): primary key prefix
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO calendar_overrides (channel_id, uid, recurrence_id, data, seq) VALUES ('chn-sample-0001', 'cal-sample-0001', 1, '{"recurrenceId":1,"sequence":0,"cancelled":true}', 6)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'overrides of an entry',
      sql: 'SELECT recurrence_id, data, seq FROM calendar_overrides WHERE channel_id = ? AND uid = ?',
      params: ['c', 'u'],
    },
  ],
};
