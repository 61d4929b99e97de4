import type { Migration } from './migration.ts';

/**
 * Why the relay refused an own message for good (its stable error code: `not_member`,
 * `too_large`...; store/own-refused.ts): the message stays on the sender's device, marked not
 * sent with this reason, instead of being retried forever in front of the channel's next ones.
 * NULL for every message the relay took or has not answered yet.
 */
export const migration0180: Migration = {
  version: 180,
  name: 'refused-messages',
  up(db) {
    db.exec(`ALTER TABLE messages ADD COLUMN refused_code TEXT;`);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO messages (channel_id, message_id, seq, sort_key, sender_user_id, created_at, body, mentions, reply_to, urgent, delivery, refused_code)
       VALUES ('chn-sample-0001', 'msg-sample-0180', NULL, 1000000001, 'usr-sample-0001', 1, 'refused', '[]', NULL, 0, 'failed', 'not_member')`,
    ).run();
  },
  hotQueries: [],
};
