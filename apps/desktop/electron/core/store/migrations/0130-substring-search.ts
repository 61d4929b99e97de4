import type { Migration } from './migration.ts';

/**
 * Search inside words: German compounds ("desinfektion" in "Händedesinfektion", "größe" in
 * "Übergröße"). A trigram index over the word list `search_terms` (every folded indexed word
 * longer than 6 characters), not over every message: a typed part is expanded into the whole
 * words that contain it, which the word index of 0040/0050 then finds newest first (search.ts).
 * It stays small (one row per distinct word) and adds nothing to applying a message whose words
 * are already known. Kept in step with search_terms by triggers, so whatever removes a word from
 * the list (retention, deletions, edits) removes it here in the same statement. Filled from the
 * existing list.
 */
export const migration0130: Migration = {
  version: 130,
  name: 'substring-search',
  up(db) {
    db.exec(`
      -- words containing a typed part (search.ts: termsContaining)
      CREATE VIRTUAL TABLE search_terms_fts USING fts5 (term, tokenize = "trigram remove_diacritics 1");
      CREATE TRIGGER search_terms_fts_insert AFTER INSERT ON search_terms BEGIN
        INSERT INTO search_terms_fts (term) VALUES (new.term);
      END;
      -- terms hold letters and digits only, so the quoted term is a plain substring query
      CREATE TRIGGER search_terms_fts_delete AFTER DELETE ON search_terms BEGIN
        DELETE FROM search_terms_fts WHERE search_terms_fts MATCH '"' || old.term || '"' AND term = old.term;
      END;
      INSERT INTO search_terms_fts (term) SELECT term FROM search_terms;
    `);
  },
  sample(db) {
    db.prepare(`INSERT INTO search_terms VALUES ('handedesinfektion')`).run();
  },
  hotQueries: [
    {
      name: 'words containing a typed part',
      sql: 'SELECT term FROM search_terms_fts WHERE search_terms_fts MATCH ? LIMIT 61',
      params: ['"desinfektion"'],
    },
    {
      name: 'forget a word (trigger)',
      sql: `DELETE FROM search_terms_fts WHERE search_terms_fts MATCH '"handedesinfektion"' AND term = 'handedesinfektion'`,
      params: [],
    },
  ],
};
