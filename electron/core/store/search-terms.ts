// The vocabulary of the search index as a plain table: every folded word that was ever indexed.
// Expanding a long prefix ("Übergabeprot") into whole words is then a B-tree range read; FTS5's own
// vocabulary table would count every occurrence of each candidate word first (60 ms for a common
// word at 1M messages). Words of deleted messages stay: an expansion may name a word with no
// remaining match, which costs nothing.
import type { Db } from './database.ts';

/** Lowercase without diacritics, split like FTS5's unicode61 tokenizer. */
export const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
export const words = (text: string) => fold(text).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);

export function indexTerms(db: Db, texts: Iterable<string>): void {
  const unique = new Set<string>();
  for (const text of texts) for (const word of words(text)) if (word.length > 6 && word.length <= 64) unique.add(word);
  if (unique.size === 0) return;
  const insert = db.prepare('INSERT OR IGNORE INTO search_terms VALUES (?)');
  for (const term of unique) insert.run(term);
}

/** Whole words starting with `prefix` (folded), at most `limit`. */
export function termsStartingWith(db: Db, prefix: string, limit: number): string[] {
  return (db.prepare(`SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT ?`).all(prefix, `${prefix}\u{10FFFF}`, limit) as Array<{ term: string }>).map((r) => r.term);
}
