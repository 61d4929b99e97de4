// Full-text search over message bodies and file names, inside the encrypted database, newest
// first (what staff look for is usually recent; and FTS5 walks its index in rowid order and stops
// at the limit, where ranking by relevance would score every match of a common word). Results
// carry highlight ranges (offsets into the snippet), never HTML: the renderer marks them up
// itself, so a message can never inject markup through search.
import type { Db } from './database.ts';
import { fold, termsStartingWith } from './search-terms.ts';

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

/** Prefix lengths with an FTS5 prefix index (migrations 0040, 0050). */
const INDEXED_PREFIX = 6;
/** A longer prefix with more completions than this falls back to its indexed start and a check. */
const MAX_EXPANSION = 50;
/** Upper bound of rows read for that check, so a search never stalls the main process. */
const MAX_CHECKED_ROWS = 5000;


const quote = (term: string) => `"${term.replace(/"/g, '')}"`;

export function searchWords(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 12);
}

export interface FtsQuery {
  match: string;
  /** Set when rows must also contain a word starting with this (long prefix with many completions). */
  postFilterPrefix: string | null;
}

/**
 * Turns what staff type into an FTS5 query: all words required, no syntax errors possible.
 * Complete words are exact terms (FTS5 walks them lazily, newest first). The last word is a
 * prefix, because it may still be being typed ("Überg" finds "Übergabe", and the compound
 * "Übergabeprotokoll"). Prefixes of up to 6 characters come from FTS5 prefix indexes; a longer one
 * is expanded, through the table of indexed words (search-terms.ts), into the words that start with it, so FTS5
 * never merges the doclists of a long prefix. `expand` returns those words (folded), or null when
 * there are more than the expansion limit.
 */
export function toFtsQuery(text: string, column: string, expand: (prefix: string) => string[] | null): FtsQuery | 'no_match' | null {
  const words = searchWords(text);
  if (words.length === 0) return null;
  const last = words.at(-1)!;
  const exact = words.slice(0, -1).map(quote);
  let lastTerm: string;
  let postFilterPrefix: string | null = null;
  if ([...last].length <= INDEXED_PREFIX) lastTerm = `${quote(last)}*`;
  else {
    const completions = expand(fold(last));
    if (completions === null) {
      lastTerm = `${quote([...last].slice(0, INDEXED_PREFIX).join(''))}*`;
      postFilterPrefix = fold(last);
    } else if (completions.length === 0) return 'no_match';
    else lastTerm = `(${completions.map(quote).join(' OR ')})`;
  }
  return { match: `${column} : (${[...exact, lastTerm].join(' AND ')})`, postFilterPrefix };
}

function hasWordStartingWith(body: string, prefix: string): boolean {
  return fold(body)
    .split(/[^\p{L}\p{N}]+/u)
    .some((word) => word.startsWith(prefix));
}

/** The token the channel_id column of the FTS tables holds for a channel (hex of its UTF-8 id). */
const scopeToken = (channelId: string) => Buffer.from(channelId, 'utf8').toString('hex');

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

interface Source {
  fts: 'messages_fts' | 'files_fts';
  column: 'body' | 'name';
  table: 'messages' | 'files';
  pk: string;
  id: string;
  sortKey: string;
  text: string;
  marker: (open: string, close: string) => string;
  extra: string;
}

const SOURCES: Record<'message' | 'file', Source> = {
  message: {
    fts: 'messages_fts',
    column: 'body',
    table: 'messages',
    pk: 'message_pk',
    id: 'message_id',
    sortKey: 'x.sort_key',
    text: 'body',
    marker: (o, c) => `snippet(messages_fts, 0, '${o}', '${c}', '…', 16)`,
    extra: 'AND x.deleted_at IS NULL',
  },
  file: {
    fts: 'files_fts',
    column: 'name',
    table: 'files',
    pk: 'file_pk',
    id: 'file_id',
    sortKey: '0',
    text: 'name',
    marker: (o, c) => `highlight(files_fts, 0, '${o}', '${c}')`,
    extra: '',
  },
};

export function search(db: Db, query: SearchQuery): SearchHit[] {
  const limit = Math.min(query.limit ?? 30, 200);
  const filters: string[] = [];
  const filterParams: unknown[] = [];
  if (query.from !== undefined) {
    filters.push('AND x.created_at >= ?');
    filterParams.push(query.from);
  }
  if (query.to !== undefined) {
    filters.push('AND x.created_at < ?');
    filterParams.push(query.to);
  }

  const run = (kind: 'message' | 'file'): SearchHit[] => {
    const src = SOURCES[kind];
    const expand = (prefix: string) => {
      const terms = termsStartingWith(db, prefix, MAX_EXPANSION + 1);
      return terms.length > MAX_EXPANSION ? null : terms;
    };
    const fts = toFtsQuery(query.text, src.column, expand);
    if (fts === null || fts === 'no_match') return [];
    const match = query.channelId ? `${fts.match} AND channel_id : ${quote(scopeToken(query.channelId))}` : fts.match;
    // Step 1, cheap: matching rows newest first. Only with a long, ambiguous prefix are rows read
    // and checked, in batches below the last rowid seen, at most MAX_CHECKED_ROWS.
    const candidates = db.prepare(
      `SELECT f.rowid AS rid${fts.postFilterPrefix ? `, x.${src.text} AS text` : ''}
       FROM ${src.fts} f JOIN ${src.table} x ON x.${src.pk} = f.rowid
       WHERE ${src.fts} MATCH ? ${filters.join(' ')} ${src.extra} AND f.rowid < ?
       ORDER BY f.rowid DESC LIMIT ?`,
    );
    const rowids: number[] = [];
    let below = Number.MAX_SAFE_INTEGER;
    for (let checked = 0; rowids.length < limit && checked < MAX_CHECKED_ROWS; ) {
      const batch = candidates.all(match, ...filterParams, below, fts.postFilterPrefix ? 250 : limit) as Array<{ rid: number; text?: string }>;
      checked += batch.length;
      for (const row of batch) if (!fts.postFilterPrefix || hasWordStartingWith(row.text ?? '', fts.postFilterPrefix)) rowids.push(row.rid);
      if (batch.length === 0 || !fts.postFilterPrefix) break;
      below = batch.at(-1)!.rid;
    }
    const chosen = rowids.slice(0, limit);
    // Step 2: snippets and highlights for the rows shown, only, one row at a time. With MATCH,
    // this SQLite's FTS5 ignores `rowid = ?` (and an IN list) and walks every match, so the row
    // is reached as the newest match at or below its rowid, the same descending seek step 1 uses
    // (tests/unit/store/search-snippets.test.ts; a range scan from the start cost seconds at 1M).
    const marker = db.prepare(
      `SELECT rowid AS rid, ${src.marker(OPEN, CLOSE)} AS marked FROM ${src.fts} WHERE ${src.fts} MATCH ? AND rowid <= ? ORDER BY rowid DESC LIMIT 1`,
    );
    const row = db.prepare(`SELECT x.channel_id, x.${src.id} AS id, ${src.sortKey} AS sort_key, x.created_at, x.${src.text} AS text FROM ${src.table} x WHERE x.${src.pk} = ?`);
    return chosen.map((rid) => {
      const r = row.get(rid) as { channel_id: string; id: string; sort_key: number; created_at: number; text: string };
      const found = marker.get(match, rid) as { rid: number; marked: string } | undefined;
      // Never another row's snippet: without the row's own match, its text without highlights.
      const marked = found?.rid === rid ? found.marked : r.text;
      return { kind, channelId: r.channel_id, id: r.id, sortKey: r.sort_key, createdAt: r.created_at, ...withRanges(marked) };
    });
  };
  return [...run('message'), ...run('file')];
}
