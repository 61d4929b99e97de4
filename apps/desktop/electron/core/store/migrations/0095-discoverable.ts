import type { Migration } from './migration.ts';

/**
 * Channel discovery, materialised from the organisation's directory channel (docs/protocol.md
 * "Discoverable channels"): announcements per (channel, announcing admin) and join requests per
 * (channel, requester). Numbered 95 so the collaboration work can take 80 and 90 meanwhile.
 */
export const migration0095: Migration = {
  version: 95,
  name: 'discoverable',
  up(db) {
    db.exec(`
      -- The organisation-wide channel (its id is derived from the org id); discovery events
      -- count only there.
      ALTER TABLE channels ADD COLUMN org_wide INTEGER NOT NULL DEFAULT 0;
      -- One row per admin who announced or withdrew a channel; the newest by seq among the
      -- channel's current roster admins decides (checked when listing: rosters may arrive late).
      CREATE TABLE channel_announcements (
        channel_id          TEXT NOT NULL,
        announcer_user_id   TEXT NOT NULL,
        seq                 INTEGER NOT NULL,
        listed              INTEGER NOT NULL,
        name                TEXT NOT NULL DEFAULT '',
        topic               TEXT NOT NULL DEFAULT '',
        history_for_new_members INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (channel_id, announcer_user_id)
      ) WITHOUT ROWID;
      -- The newest join request of each user for each channel.
      CREATE TABLE join_requests (
        channel_id   TEXT NOT NULL,
        user_id      TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        known_epoch  INTEGER NOT NULL,
        created_at   INTEGER NOT NULL,
        PRIMARY KEY (channel_id, user_id)
      ) WITHOUT ROWID;
      -- an admin device's auto-accept: open requests in relay order
      CREATE INDEX join_requests_by_seq ON join_requests (seq);
      -- Devices this (admin) device has re-shared a channel's history to, so it happens once.
      CREATE TABLE history_shares (
        channel_id TEXT NOT NULL,
        device_id  TEXT NOT NULL,
        shared_at  INTEGER NOT NULL,
        PRIMARY KEY (channel_id, device_id)
      ) WITHOUT ROWID;
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO channel_announcements VALUES ('chn-sample-0002', 'usr-sample-0001', 7, 1, 'Hygiene', 'Fragen an das Hygieneteam', 1)`,
    ).run();
    db.prepare(`INSERT INTO join_requests VALUES ('chn-sample-0002', 'usr-sample-0002', 8, 1, 1)`).run();
    db.prepare(`INSERT INTO history_shares VALUES ('chn-sample-0002', 'dev-sample-0002', 1)`).run();
  },
  hotQueries: [
    {
      name: 'announcements of a channel',
      sql: 'SELECT * FROM channel_announcements WHERE channel_id = ? ORDER BY seq DESC',
      params: ['c'],
    },
    {
      name: 'join requests in relay order',
      sql: 'SELECT * FROM join_requests WHERE seq > ? ORDER BY seq',
      params: [0],
    },
    {
      name: 'devices given the history of a channel',
      sql: 'SELECT device_id FROM history_shares WHERE channel_id = ?',
      params: ['c'],
    },
    {
      name: 'own request for a channel',
      sql: 'SELECT * FROM join_requests WHERE channel_id = ? AND user_id = ?',
      params: ['c', 'u'],
    },
  ],
};
