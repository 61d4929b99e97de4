// The vocabulary of the search index as a plain table: every folded word that was ever indexed.
// Expanding a long prefix ("Übergabeprot") into whole words is then a B-tree range read; FTS5's own
// vocabulary table would count every occurrence of each candidate word first (60 ms for a common
// word at 1M messages). Deletion (retention, selective delete, delete for everyone) calls
// `forgetTerms` with the words of what it removed: a word no remaining message body, file name,
// poll question or appointment title contains leaves the table too, so a deleted message's words
// (a patient's surname) do not stay.
import { searchTextsOf } from './content-features.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

/** Lowercase without diacritics, split like FTS5's unicode61 tokenizer. */
export const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
export const words = (text: string) =>
  fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);

/** Words up to this length are served by the FTS5 prefix indexes and not kept in the table. */
const INDEXED_PREFIX = 6;
const MAX_TERM = 64;

/** Adds the words of `text` the table would hold to `into`. */
export function collectTerms(into: Set<string>, text: string): void {
  for (const word of words(text)) if (word.length > INDEXED_PREFIX && word.length <= MAX_TERM) into.add(word);
}

export function indexTerms(db: Db, texts: Iterable<string>): void {
  const unique = new Set<string>();
  for (const text of texts) collectTerms(unique, text);
  if (unique.size === 0) return;
  const insert = sql(db, 'INSERT OR IGNORE INTO search_terms VALUES (?)');
  for (const term of unique) insert.run(term);
}

/** Whole words starting with `prefix` (folded), at most `limit`. */
export function termsStartingWith(db: Db, prefix: string, limit: number): string[] {
  return (
    sql(db, `SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT ?`).all(
      prefix,
      `${prefix}\u{10FFFF}`,
      limit,
    ) as Array<{ term: string }>
  ).map((r) => r.term);
}

/**
 * Whole words containing a folded `part` of three or more characters after their first letter
 * ("handedesinfektion" for "desinfektion", not "desinfektionsplan"), at most `limit`: the trigram
 * index over this table (migration 0130, kept in step by triggers on search_terms). Words starting
 * with the part are found by their start; counted here, they would crowd out the compounds.
 */
export function termsWithPartInside(db: Db, part: string, limit: number): string[] {
  // Parts hold letters and digits only, so the quoted part is never query syntax.
  return (
    sql(db, 'SELECT term FROM search_terms_fts WHERE search_terms_fts MATCH ? AND instr(term, ?) <> 1 LIMIT ?').all(
      `"${part}"`,
      part,
      limit,
    ) as Array<{ term: string }>
  ).map((r) => r.term);
}

/**
 * After a deletion, in the same transaction: removes each candidate word that no remaining
 * message body, file name, poll question or appointment title contains (one FTS5 lookup per
 * word). The texts of polls and appointments that left (search_texts_gone, filled by the triggers
 * of migration 0260) add their words to the candidates. Returns the number removed.
 */
export function forgetTerms(db: Db, candidates: ReadonlySet<string>): number {
  const gone = sql(db, 'SELECT text FROM search_texts_gone').pluck().all() as string[];
  const words = new Set(candidates);
  if (gone.length > 0) {
    for (const text of gone) collectTerms(words, text);
    sql(db, 'DELETE FROM search_texts_gone').run();
  }
  if (words.size === 0) return 0;
  const inMessages = sql(db, 'SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT 1').pluck();
  const inFiles = sql(db, 'SELECT 1 FROM files_fts WHERE files_fts MATCH ? LIMIT 1').pluck();
  const inShared = sql(db, 'SELECT 1 FROM shared_texts_fts WHERE shared_texts_fts MATCH ? LIMIT 1').pluck();
  const remove = sql(db, 'DELETE FROM search_terms WHERE term = ?');
  let removed = 0;
  for (const term of words) {
    // Words hold letters and digits only, so the quoted term is never query syntax.
    if (
      inMessages.get(`body : "${term}"`) !== undefined ||
      inFiles.get(`name : "${term}"`) !== undefined ||
      inShared.get(`text : "${term}"`) !== undefined
    )
      continue;
    removed += remove.run(term).changes;
  }
  return removed;
}

/**
 * The searchable texts of a stored event payload (JSON from the events table) that live in the
 * log alone (a message's body, a file's name: their declaration's `searchText.scrubbed`).
 */
export function textsOfPayload(json: string): string[] {
  try {
    const p = JSON.parse(json) as unknown;
    if (typeof p === 'object' && p !== null) return searchTextsOf(p as Record<string, unknown>, true);
  } catch {
    // A damaged row has nothing to contribute.
  }
  return [];
}
