// Full-text search over message bodies and file names, inside the encrypted database, newest
// first (what staff look for is usually recent; and FTS5 walks its index in rowid order and stops
// at the limit, where ranking by relevance would score every match of a common word). Results
// carry highlight ranges (offsets into the snippet), never HTML: the renderer marks them up
// itself, so a message can never inject markup through search.
import type { Db } from './database.ts';

export interface SearchHit {
  kind: 'message' | 'file';
  channelId: string;
  id: string;
  sortKey: number;
  createdAt: number;
  snippet: string;
  /** [start, end) character offsets of matched terms within `snippet`. */
  highlights: Array<[number, number]>;
}

export interface SearchQuery {
  text: string;
  channelId?: string;
  from?: number;
  to?: number;
  limit?: number;
}

const OPEN = '\u0002';
const CLOSE = '\u0003';

/** Prefix lengths with an FTS5 prefix index (migration 0040). */
const INDEXED_PREFIX = 6;

/** Lowercase without diacritics, as the unicode61 tokenizer folds terms. */
export const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export interface FtsQuery {
  match: string;
  /** Set when the last word is longer than the indexed prefixes: rows must also contain a word starting with this. */
  postFilterPrefix: string | null;
}

/**
 * Turns what staff type into an FTS5 query, all words required, no syntax errors possible.
 * Complete words are exact terms (fast: FTS5 walks them lazily, newest first); the last word is
 * a prefix term, because it may still be being typed ("Überg" finds "Übergabe", German compounds
 * such as "Übergabeprotokoll" included). FTS5 answers prefixes of up to 6 characters from prefix
 * indexes; a longer last word is searched by its first 6 characters and the rows are then checked
 * for the whole prefix, because merging every term of a long prefix reads the whole index.
 */
export function toFtsQuery(text: string): FtsQuery | null {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 12);
  if (words.length === 0) return null;
  const last = words.at(-1)!;
  const long = [...last].length > INDEXED_PREFIX;
  const lastTerm = long ? [...last].slice(0, INDEXED_PREFIX).join('') : last;
  const match = [...words.slice(0, -1).map((w) => `"${w}"`), `"${lastTerm}"*`].join(' ');
  return { match, postFilterPrefix: long ? fold(last) : null };
}

function hasWordStartingWith(body: string, prefix: string): boolean {
  return fold(body)
    .split(/[^\p{L}\p{N}]+/u)
    .some((word) => word.startsWith(prefix));
}

function withRanges(marked: string): { snippet: string; highlights: Array<[number, number]> } {
  const highlights: Array<[number, number]> = [];
  let snippet = '';
  let start = -1;
  for (const char of marked) {
    if (char === OPEN) start = snippet.length;
    else if (char === CLOSE) {
      if (start >= 0) highlights.push([start, snippet.length]);
      start = -1;
    } else snippet += char;
  }
  return { snippet, highlights };
}

export function search(db: Db, query: SearchQuery): SearchHit[] {
  const fts = toFtsQuery(query.text);
  if (!fts) return [];
  const limit = Math.min(query.limit ?? 30, 200);
  const filters: string[] = [];
  const filterParams: unknown[] = [];
  if (query.channelId) {
    filters.push('AND x.channel_id = ?');
    filterParams.push(query.channelId);
  }
  if (query.from !== undefined) {
    filters.push('AND x.created_at >= ?');
    filterParams.push(query.from);
  }
  if (query.to !== undefined) {
    filters.push('AND x.created_at < ?');
    filterParams.push(query.to);
  }
  type Row = { channel_id: string; id: string; sort_key: number; created_at: number; marked: string; text: string; rid: number };
  const messageSql = `SELECT x.channel_id, x.message_id AS id, x.sort_key, x.created_at, x.body AS text, messages_fts.rowid AS rid,
       snippet(messages_fts, 0, '${OPEN}', '${CLOSE}', '…', 16) AS marked
     FROM messages_fts JOIN messages x ON x.message_pk = messages_fts.rowid
     WHERE messages_fts MATCH ? ${filters.join(' ')} AND x.deleted_at IS NULL AND messages_fts.rowid < ?
     ORDER BY messages_fts.rowid DESC LIMIT ?`;
  const fileSql = `SELECT x.channel_id, x.file_id AS id, 0 AS sort_key, x.created_at, x.name AS text, files_fts.rowid AS rid,
       highlight(files_fts, 0, '${OPEN}', '${CLOSE}') AS marked
     FROM files_fts JOIN files x ON x.file_pk = files_fts.rowid
     WHERE files_fts MATCH ? ${filters.join(' ')} AND files_fts.rowid < ?
     ORDER BY files_fts.rowid DESC LIMIT ?`;
  // Newest first, in batches: rows that fail the long-prefix check are skipped and the next
  // batch continues below the last rowid seen, until the limit is reached.
  const collect = (sqlText: string): Row[] => {
    const statement = db.prepare(sqlText);
    const out: Row[] = [];
    let below = Number.MAX_SAFE_INTEGER;
    for (let round = 0; round < 50 && out.length < limit; round++) {
      const batch = statement.all(fts.match, ...filterParams, below, fts.postFilterPrefix ? limit * 4 : limit) as Row[];
      for (const row of batch) if (!fts.postFilterPrefix || hasWordStartingWith(row.text, fts.postFilterPrefix)) out.push(row);
      if (batch.length === 0 || !fts.postFilterPrefix) break;
      below = batch.at(-1)!.rid;
    }
    return out.slice(0, limit);
  };
  return [
    ...collect(messageSql).map((r) => ({ kind: 'message' as const, channelId: r.channel_id, id: r.id, sortKey: r.sort_key, createdAt: r.created_at, ...withRanges(r.marked) })),
    ...collect(fileSql).map((r) => ({ kind: 'file' as const, channelId: r.channel_id, id: r.id, sortKey: r.sort_key, createdAt: r.created_at, ...withRanges(r.marked) })),
  ];
}
