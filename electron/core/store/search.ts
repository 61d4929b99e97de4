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

/**
 * Turns what staff type into an FTS5 query, all words required, no syntax errors possible.
 * Complete words are exact terms (fast: FTS5 walks them lazily, newest first); the last word is
 * a prefix term, because it may still be being typed ("Überg" finds "Übergabe", German compounds
 * such as "Übergabeprotokoll" included). Prefixes up to 6 characters come from FTS5 prefix
 * indexes; longer ones merge the matching terms, which costs more (docs/store.md).
 */
export function toFtsQuery(text: string): string | null {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w, i) => `"${w.replace(/"/g, '')}"${i === words.length - 1 ? '*' : ''}`).join(' ');
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
  const params: unknown[] = [fts];
  if (query.channelId) {
    filters.push('AND m.channel_id = ?');
    params.push(query.channelId);
  }
  if (query.from !== undefined) {
    filters.push('AND m.created_at >= ?');
    params.push(query.from);
  }
  if (query.to !== undefined) {
    filters.push('AND m.created_at < ?');
    params.push(query.to);
  }
  const messages = db
    .prepare(
      `SELECT m.channel_id, m.message_id AS id, m.sort_key, m.created_at, snippet(messages_fts, 0, '${OPEN}', '${CLOSE}', '…', 16) AS marked
       FROM messages_fts JOIN messages m ON m.message_pk = messages_fts.rowid
       WHERE messages_fts MATCH ? ${filters.join(' ')} AND m.deleted_at IS NULL
       ORDER BY messages_fts.rowid DESC LIMIT ${limit}`,
    )
    .all(...params) as Array<{ channel_id: string; id: string; sort_key: number; created_at: number; marked: string }>;
  const fileFilters = filters.map((f) => f.replace('m.', 'f.'));
  const files = db
    .prepare(
      `SELECT f.channel_id, f.file_id AS id, 0 AS sort_key, f.created_at, highlight(files_fts, 0, '${OPEN}', '${CLOSE}') AS marked
       FROM files_fts JOIN files f ON f.file_pk = files_fts.rowid
       WHERE files_fts MATCH ? ${fileFilters.join(' ')}
       ORDER BY files_fts.rowid DESC LIMIT ${limit}`,
    )
    .all(...params) as Array<{ channel_id: string; id: string; sort_key: number; created_at: number; marked: string }>;
  return [
    ...messages.map((r) => ({ kind: 'message' as const, channelId: r.channel_id, id: r.id, sortKey: r.sort_key, createdAt: r.created_at, ...withRanges(r.marked) })),
    ...files.map((r) => ({ kind: 'file' as const, channelId: r.channel_id, id: r.id, sortKey: r.sort_key, createdAt: r.created_at, ...withRanges(r.marked) })),
  ];
}
