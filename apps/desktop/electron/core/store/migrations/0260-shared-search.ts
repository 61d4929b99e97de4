import { indexTerms } from '../search-terms.ts';
import type { Migration } from './migration.ts';

/**
 * Search finds a poll by its question and an appointment by its title (search.ts), as it finds a
 * file by its name. `shared_texts` holds one searchable text per poll and calendar entry, kept in
 * step with `polls` and `calendar_events` by triggers, so whatever writes them (a feature's
 * reducer, a calendar replay, retention, a deleted conversation, an own poll the relay refused)
 * changes what is found in the same statement, with no code path to forget. Its FTS5 index has the
 * same tokenizer and prefixes as the messages' and files' (0040, 0050) and, like them since 0140,
 * `secure-delete`. A text that leaves (a
 * deleted poll, an appointment's old title) is noted in `search_texts_gone`, which
 * `forgetTerms` (search-terms.ts) drains: its words leave the prefix vocabulary unless something
 * that remains still contains them. Filled from the existing polls and entries.
 */
export const migration0260: Migration = {
  version: 260,
  name: 'shared-search',
  up(db) {
    db.exec(`
      CREATE TABLE shared_texts (
        text_pk    INTEGER PRIMARY KEY,
        channel_id TEXT NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('poll', 'calendar')),
        item_id    TEXT NOT NULL,
        text       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (channel_id, kind, item_id)
      );
      CREATE TABLE search_texts_gone (text TEXT NOT NULL);
      CREATE VIRTUAL TABLE shared_texts_fts USING fts5 (
        text, channel_id, content = 'shared_texts', content_rowid = 'text_pk', tokenize = "unicode61 remove_diacritics 2", prefix = '2 3 4 5 6'
      );
      -- a deleted poll's question leaves the index at once, not with a later merge (as 0140 for the others)
      INSERT INTO shared_texts_fts (shared_texts_fts, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER shared_texts_fts_insert AFTER INSERT ON shared_texts BEGIN
        INSERT INTO shared_texts_fts (rowid, text, channel_id) VALUES (new.text_pk, new.text, hex(new.channel_id));
      END;
      CREATE TRIGGER shared_texts_fts_delete AFTER DELETE ON shared_texts BEGIN
        INSERT INTO shared_texts_fts (shared_texts_fts, rowid, text, channel_id) VALUES ('delete', old.text_pk, old.text, hex(old.channel_id));
        INSERT INTO search_texts_gone (text) VALUES (old.text);
      END;
      CREATE TRIGGER shared_texts_fts_update AFTER UPDATE OF text ON shared_texts BEGIN
        INSERT INTO shared_texts_fts (shared_texts_fts, rowid, text, channel_id) VALUES ('delete', old.text_pk, old.text, hex(old.channel_id));
        INSERT INTO shared_texts_fts (rowid, text, channel_id) VALUES (new.text_pk, new.text, hex(new.channel_id));
        INSERT INTO search_texts_gone (text) VALUES (old.text);
      END;

      CREATE TRIGGER polls_search_insert AFTER INSERT ON polls BEGIN
        INSERT INTO shared_texts (channel_id, kind, item_id, text, created_at)
          VALUES (new.channel_id, 'poll', new.poll_id, coalesce(json_extract(new.definition, '$.question'), ''), new.created_at)
          ON CONFLICT (channel_id, kind, item_id) DO UPDATE SET text = excluded.text;
      END;
      CREATE TRIGGER polls_search_update AFTER UPDATE OF definition ON polls BEGIN
        UPDATE shared_texts SET text = coalesce(json_extract(new.definition, '$.question'), '')
          WHERE channel_id = new.channel_id AND kind = 'poll' AND item_id = new.poll_id;
      END;
      CREATE TRIGGER polls_search_delete AFTER DELETE ON polls BEGIN
        DELETE FROM shared_texts WHERE channel_id = old.channel_id AND kind = 'poll' AND item_id = old.poll_id;
      END;

      -- An entry's time is its creating put's (index events_calendar_by_uid, 0170); the log holds
      -- that put before the reducer writes the entry (store/apply.ts).
      CREATE TRIGGER calendar_search_insert AFTER INSERT ON calendar_events BEGIN
        INSERT INTO shared_texts (channel_id, kind, item_id, text, created_at)
          VALUES (new.channel_id, 'calendar', new.uid, coalesce(json_extract(new.data, '$.title'), ''), coalesce((
            SELECT created_at FROM events WHERE channel_id = new.channel_id AND type LIKE 'calendar.%'
              AND json_extract(payload, '$.uid') = new.uid AND type = 'calendar.put' ORDER BY seq IS NULL, seq, event_pk LIMIT 1
          ), 0))
          ON CONFLICT (channel_id, kind, item_id) DO UPDATE SET text = excluded.text;
      END;
      CREATE TRIGGER calendar_search_update AFTER UPDATE OF data ON calendar_events
        WHEN json_extract(old.data, '$.title') IS NOT json_extract(new.data, '$.title') BEGIN
        UPDATE shared_texts SET text = coalesce(json_extract(new.data, '$.title'), '')
          WHERE channel_id = new.channel_id AND kind = 'calendar' AND item_id = new.uid;
      END;
      CREATE TRIGGER calendar_search_delete AFTER DELETE ON calendar_events BEGIN
        DELETE FROM shared_texts WHERE channel_id = old.channel_id AND kind = 'calendar' AND item_id = old.uid;
      END;

      INSERT INTO shared_texts (channel_id, kind, item_id, text, created_at)
        SELECT channel_id, 'poll', poll_id, coalesce(json_extract(definition, '$.question'), ''), created_at FROM polls;
      INSERT INTO shared_texts (channel_id, kind, item_id, text, created_at)
        SELECT c.channel_id, 'calendar', c.uid, coalesce(json_extract(c.data, '$.title'), ''), coalesce((
          SELECT created_at FROM events WHERE channel_id = c.channel_id AND type LIKE 'calendar.%'
            AND json_extract(payload, '$.uid') = c.uid AND type = 'calendar.put' ORDER BY seq IS NULL, seq, event_pk LIMIT 1
        ), 0) FROM calendar_events c;
    `);
    indexTerms(db, db.prepare('SELECT text FROM shared_texts').pluck().all() as string[]);
  },
  // The words of existing questions and titles join the vocabulary.
  fills: ['search_terms'],
  sample(db) {
    db.prepare(
      `INSERT INTO polls (channel_id, poll_id, creator_user_id, definition, created_seq, created_at) VALUES ('chn-sample-0001', 'pol-sample-0260', 'usr-sample-0001', '{"question":"Dienstplan Weihnachten?"}', 9, 9)`,
    ).run();
  },
  hotQueries: [
    {
      name: 'polls and appointments matching a word, newest first',
      sql: `SELECT f.rowid FROM shared_texts_fts f JOIN shared_texts x ON x.text_pk = f.rowid
            WHERE shared_texts_fts MATCH 'text : ("dienst"*)' AND f.rowid < ? ORDER BY f.rowid DESC LIMIT 30`,
      params: [Number.MAX_SAFE_INTEGER],
    },
    {
      name: 'the text of a deleted poll (trigger)',
      sql: `DELETE FROM shared_texts WHERE channel_id = 'c' AND kind = 'poll' AND item_id = 'p'`,
      params: [],
    },
  ],
};
