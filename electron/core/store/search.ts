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

interface Source {
  fts: 'messages_fts' | 'files_fts';
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
    table: 'messages',
    pk: 'message_pk',
    id: 'message_id',
    sortKey: 'x.sort_key',
    text: 'body',
    marker: (o, c) => `snippet(messages_fts, 0, '${o}', '${c}', '…', 16)`,
    extra: 'AND x.deleted_at IS NULL',
  },
  file: { fts: 'files_fts', table: 'files', pk: 'file_pk', id: 'file_id', sortKey: '0', text: 'name', marker: (o, c) => `highlight(files_fts, 0, '${o}', '${c}')`, extra: '' },
};

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

  const run = (kind: 'message' | 'file'): SearchHit[] => {
    const src = SOURCES[kind];
    // Step 1, cheap: matching rows newest first, with the text only when a long prefix must be
    // checked. Rows failing that check are skipped and the next batch continues below them.
    const candidates = db.prepare(
      `SELECT f.rowid AS rid${fts.postFilterPrefix ? `, x.${src.text} AS text` : ''}
       FROM ${src.fts} f JOIN ${src.table} x ON x.${src.pk} = f.rowid
       WHERE ${src.fts} MATCH ? ${filters.join(' ')} ${src.extra} AND f.rowid < ?
       ORDER BY f.rowid DESC LIMIT ?`,
    );
    const rowids: number[] = [];
    let below = Number.MAX_SAFE_INTEGER;
    for (let round = 0; round < 200 && rowids.length < limit; round++) {
      const batch = candidates.all(fts.match, ...filterParams, below, fts.postFilterPrefix ? 500 : limit) as Array<{ rid: number; text?: string }>;
      for (const row of batch) if (!fts.postFilterPrefix || hasWordStartingWith(row.text ?? '', fts.postFilterPrefix)) rowids.push(row.rid);
      if (batch.length === 0 || !fts.postFilterPrefix) break;
      below = batch.at(-1)!.rid;
    }
    const chosen = rowids.slice(0, limit);
    if (chosen.length === 0) return [];
    // Step 2: snippets and highlights for the rows shown, only, one row at a time (an IN list
    // combined with the join let SQLite pair snippets with the wrong rows).
    const marker = db.prepare(`SELECT ${src.marker(OPEN, CLOSE)} AS marked FROM ${src.fts} WHERE ${src.fts} MATCH ? AND rowid = ?`);
    const row = db.prepare(`SELECT x.channel_id, x.${src.id} AS id, ${src.sortKey} AS sort_key, x.created_at FROM ${src.table} x WHERE x.${src.pk} = ?`);
    return chosen.map((rid) => {
      const r = row.get(rid) as { channel_id: string; id: string; sort_key: number; created_at: number };
      const { marked } = marker.get(fts.match, rid) as { marked: string };
      return { kind, channelId: r.channel_id, id: r.id, sortKey: r.sort_key, createdAt: r.created_at, ...withRanges(marked) };
    });
  };
  return [...run('message'), ...run('file')];
}
