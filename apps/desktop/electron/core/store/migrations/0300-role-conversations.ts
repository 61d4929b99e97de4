import type { Migration } from './migration.ts';

/**
 * Conversations with a function role (features/roles/conversations.ts): which channel is the
 * conversation with which role, and who called (the first `role.conversation` event of the
 * channel). Kept apart from `events`, which retention trims, because the roster follows the
 * role's holders for as long as the conversation lives. `dropped_at`: when this device, removed
 * at a handover, deleted the conversation's content and keys (org setting
 * roleHistoryForPreviousHolders off).
 */
export const migration0300: Migration = {
  version: 300,
  name: 'role conversations',
  up(db) {
    db.exec(`
      CREATE TABLE role_conversations (
        channel_id     TEXT PRIMARY KEY,
        role_id        TEXT NOT NULL,
        caller_user_id TEXT NOT NULL,
        event_id       TEXT NOT NULL,
        dropped_at     INTEGER
      );
    `);
  },
  sample(db) {
    db.prepare(
      `INSERT INTO role_conversations (channel_id, role_id, caller_user_id, event_id, dropped_at)
       VALUES ('chn-sample-0300', 'role-sample', 'usr-sample-0001', 'evt-sample-0300', NULL)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'the role of a conversation (its header)',
      sql: `SELECT role_id, caller_user_id FROM role_conversations WHERE channel_id = ?`,
      params: ['chn-sample-0300'],
    },
  ],
};
