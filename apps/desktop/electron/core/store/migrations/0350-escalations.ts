import type { Migration } from './migration.ts';

/**
 * Escalations of urgent messages (features/escalation/): `escalations`, one row per urgent message
 * whose sender handed the relay an escalation (its `escalation.arm` event: the token members stop
 * it with, the planned steps, the re-alert interval); `stopped_at` once this device had the relay
 * stop it. `escalation_releases`, what the relay released to this device: the sender's own
 * notices (which step went out, at the relay's time) and steps sent to this user's role, with the
 * message text and the token, so the escalated message can be shown and acknowledged here without
 * a membership of the conversation.
 */
export const migration0350: Migration = {
  version: 350,
  name: 'escalations',
  up(db) {
    db.exec(`
      CREATE TABLE escalations (
        channel_id       TEXT NOT NULL,
        message_id       TEXT NOT NULL,
        escalation_id    TEXT NOT NULL,
        token            TEXT NOT NULL,
        sender_user_id   TEXT NOT NULL,
        re_alert_minutes INTEGER NOT NULL,
        steps            TEXT NOT NULL,
        event_id         TEXT NOT NULL,
        armed_at         INTEGER NOT NULL,
        stopped_at       INTEGER,
        PRIMARY KEY (channel_id, message_id)
      );
      CREATE TABLE escalation_releases (
        escalation_id   TEXT NOT NULL,
        step            INTEGER NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('notice', 'step')),
        role_name       TEXT NOT NULL,
        channel_id      TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        released_at     INTEGER NOT NULL,
        sender_user_id  TEXT,
        from_name       TEXT,
        body            TEXT,
        sent_at         INTEGER,
        token           TEXT,
        acknowledged_at INTEGER,
        PRIMARY KEY (escalation_id, step, kind)
      );
      CREATE INDEX escalation_releases_message ON escalation_releases (channel_id, message_id);
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO escalations (channel_id, message_id, escalation_id, token, sender_user_id, re_alert_minutes, steps, event_id, armed_at)
       VALUES ('chn-sample-0350', 'msg-sample-0350', 'esc-sample-0350', 'tok', 'usr-sample-0001', 2, '[]', 'evt-sample-0350', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO escalation_releases (escalation_id, step, kind, role_name, channel_id, message_id, released_at)
       VALUES ('esc-sample-0350', 1, 'notice', 'Oberarzt Innere', 'chn-sample-0350', 'msg-sample-0350', 0)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'the escalation of an urgent message (acknowledging it)',
      sql: `SELECT escalation_id, token FROM escalations WHERE channel_id = ? AND message_id = ?`,
      params: ['chn-sample-0350', 'msg-sample-0350'],
    },
    {
      name: 'the released steps of a message (its details)',
      sql: `SELECT step, role_name, released_at FROM escalation_releases WHERE channel_id = ? AND message_id = ?`,
      params: ['chn-sample-0350', 'msg-sample-0350'],
    },
  ],
};
