// size: the three indexes (messages, file names, polls and appointments) answer one query together, ranked and paged in one place.
// Full-text search over message bodies, file names, poll questions and appointment titles, inside
// the encrypted database, newest
// first (what staff look for is usually recent; and FTS5 walks its index in rowid order and stops
// at the limit, where ranking by relevance would score every match of a common word). Results
// carry highlight ranges (offsets into the snippet), never HTML: the renderer marks them up
// itself, so a message can never inject markup through search.
import type { Db } from './database.ts';
import { sql } from './statements.ts';
import { fold, termsStartingWith, termsWithPartInside } from './search-terms.ts';

export type SearchKind = 'message' | 'file' | 'poll' | 'calendar';

export interface SearchHit {
  kind: SearchKind;
  channelId: string;
  /** The message's id; for a shared thing, the event its timeline item carries (file, poll, an appointment's first put). */
  id: string;
  /** A file of a group: the file inside the item `id` (its group's first file) the hit is. */
  part?: string;
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
/** A word part is looked for inside words from three letters on (trigrams, migration 0130). */
const WORD_PART = 3;
/** Words with a typed part inside (not at their start), at most; a part inside more is searched as a word start only. */
const MAX_INSIDE = 60;
/** Spellings of one word searched at most (each ß/ss or umlaut/ae point doubles them). */
const MAX_VARIANTS = 16;

const quote = (term: string) => `"${term.replace(/"/g, '')}"`;

export function searchWords(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 12);
}

/** German spellings that stand for each other: typed without the key, or written so in the text. */
const SPELLINGS: ReadonlyArray<readonly [string, string]> = [
  ['ss', 'ß'],
  ['ae', 'ä'],
  ['oe', 'ö'],
  ['ue', 'ü'],
];

/**
 * The spellings of a search word: lower case, each "ss"/"ß" and "ae"/"ä" ("oe", "ue") both ways,
 * so "GRÖSSE", "groesse" and "größe" find "Größe" and "Groesse". (A plain vowel needs no variant:
 * the index folds "Sättigung" to "sattigung".) At most MAX_VARIANTS; further points keep the
 * spelling typed.
 */
export function searchVariants(word: string): string[] {
  const w = word.normalize('NFC').toLowerCase();
  let variants = [''];
  for (let i = 0; i < w.length;) {
    const pair = SPELLINGS.find(([two]) => w.startsWith(two, i));
    const single = SPELLINGS.find(([, one]) => one === w[i]);
    let options = pair ? [pair[0], pair[1]] : single ? [single[1], single[0]] : [w[i]!];
    if (variants.length * options.length > MAX_VARIANTS) options = options.slice(0, 1);
    variants = variants.flatMap((v) => options.map((o) => v + o));
    i += pair ? 2 : 1;
  }
  return variants;
}

/** Where the index's words come from: word starts (search_terms) and word parts (search_terms_sub). */
export interface Vocabulary {
  /** Whole words starting with a folded prefix longer than the indexed ones; null when too many. */
  startingWith(prefix: string): string[] | null;
  /** Whole words containing a folded part after their first letter; null when too many. */
  inside(part: string): string[] | null;
}

/**
 * One typed word as FTS5 terms: a word start, or (from three letters) a part anywhere inside a
 * word, in each German spelling. Starts of up to 6 characters come from the FTS5 prefix indexes.
 * A part inside a word is expanded, through the trigram index of the word list, into the whole
 * words that contain it ("desinfektion" → "handedesinfektion"): FTS5 then reads a few exact
 * doclists, newest first, instead of a trigram index over every message. Returns null when no
 * indexed word can match.
 */
function wordTerms(word: string, isLast: boolean, vocabulary: Vocabulary): { terms: string[]; check: string[] } | null {
  if ([...word].length < WORD_PART) return { terms: [isLast ? `${quote(word)}*` : quote(word)], check: [] };
  const terms = new Set<string>();
  // The word starts each term accepts: needed only when a long start was cut to its indexed
  // first characters, whose matches are then checked against all of them.
  const starts = new Set<string>();
  let cut = false;
  const add = (term: string, start: string) => {
    terms.add(term);
    starts.add(start);
  };
  for (const variant of new Set(searchVariants(word).map(fold))) {
    const length = [...variant].length;
    // Words starting with it. A complete word (not the last one) is an exact term: FTS5 reads a
    // prefix term's whole doclist before the first row, an exact one lazily, newest first; its
    // longer completions follow as exact terms too, or its indexed prefix when there are too many.
    if (length <= INDEXED_PREFIX && isLast) add(`${quote(variant)}*`, variant);
    else {
      if (length <= INDEXED_PREFIX) add(quote(variant), variant);
      const starting = vocabulary.startingWith(variant);
      if (starting !== null) for (const term of starting) add(quote(term), term);
      else if (length <= INDEXED_PREFIX) add(`${quote(variant)}*`, variant);
      else {
        add(`${quote([...variant].slice(0, INDEXED_PREFIX).join(''))}*`, variant);
        cut = true;
      }
    }
    // Words with it inside; a part inside too many words is searched as a word start only.
    const inside = length >= WORD_PART ? vocabulary.inside(variant) : [];
    if (inside !== null) for (const term of inside) add(quote(term), term);
  }
  if (terms.size === 0) return null;
  return { terms: [...terms], check: cut ? [...starts] : [] };
}

export interface FtsQuery {
  match: string;
  /** Per typed word whose long start was searched by its first characters: the starts, one of which a word of the row must have. */
  checks: string[][];
}

/** Turns what staff type into an FTS5 query: all words required, no syntax errors possible. */
export function toFtsQuery(text: string, column: string, vocabulary: Vocabulary): FtsQuery | 'no_match' | null {
  const words = searchWords(text);
  if (words.length === 0) return null;
  const parts: string[] = [];
  const checks: string[][] = [];
  for (const [i, word] of words.entries()) {
    const found = wordTerms(word, i === words.length - 1, vocabulary);
    if (found === null) return 'no_match';
    parts.push(found.terms.length === 1 ? found.terms[0]! : `(${found.terms.join(' OR ')})`);
    if (found.check.length > 0) checks.push(found.check);
  }
  return { match: `${column} : (${parts.join(' AND ')})`, checks };
}

/** Whether the text passes every check: for each, one of its words starts with one of the starts. */
function passes(text: string, checks: string[][]): boolean {
  if (checks.length === 0) return true;
  const starts = fold(text).split(/[^\p{L}\p{N}]+/u);
  return checks.every((check) => starts.some((word) => check.some((start) => word.startsWith(start))));
}

/** The folded spellings of the typed words a highlight may be narrowed to. */
export const typedParts = (text: string): string[] =>
  searchWords(text)
    .filter((w) => [...w].length >= WORD_PART)
    .flatMap((w) => searchVariants(w).map(fold));

/**
 * FTS5 marks whole words ("Händedesinfektion"); where typed words are parts of one, only those
 * parts are marked ("desinfektion"; "Patient" and "kontakt" in "Patientenkontakt"), found in the
 * word letter by letter with the same folding. A word none of them is found in keeps its whole mark.
 */
export function narrowHighlights(
  snippet: string,
  highlights: Array<[number, number]>,
  parts: readonly string[],
): Array<[number, number]> {
  return highlights.flatMap(([start, end]): Array<[number, number]> => {
    // Fold letter by letter, remembering where each folded letter came from.
    let folded = '';
    const origin: number[] = [];
    for (let i = start; i < end;) {
      const char = String.fromCodePoint(snippet.codePointAt(i)!);
      for (const f of fold(char)) {
        folded += f;
        origin.push(i);
      }
      i += char.length;
    }
    origin.push(end);
    const found: Array<[number, number]> = [];
    for (const part of parts) {
      const at = folded.indexOf(part);
      if (at >= 0) found.push([origin[at]!, at + part.length < origin.length - 1 ? origin[at + part.length]! : end]);
    }
    if (found.length === 0) return [[start, end]];
    // Spellings of one word and overlapping words become one range.
    found.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const range of found) {
      const last = merged.at(-1);
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range);
    }
    return merged;
  });
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
  fts: 'messages_fts' | 'files_fts' | 'shared_texts_fts';
  column: 'body' | 'name' | 'text';
  table: 'messages' | 'files' | 'shared_texts';
  pk: string;
  /** SQL over the row `x`: what it is, its id and its sort key. */
  kind: string;
  id: string;
  sortKey: string;
  /** SQL: the thing inside the item the hit is (a file of a group); NULL where the item is the thing. */
  part?: string;
  text: string;
  marker: (open: string, close: string) => string;
  extra: string;
}

/** Sort key of a shared thing still being sent: above every seq, as messages (apply.ts). */
const PENDING = 2 ** 50;

/** A file's group's first file (index files_by_group, migration 0270); the file itself outside a group. */
const groupHead = (column: string) =>
  `coalesce((SELECT ${column} FROM files g WHERE x.group_id IS NOT NULL AND g.channel_id = x.channel_id
     AND g.group_id = x.group_id ORDER BY g.group_index LIMIT 1), ${column.replaceAll('g.', 'x.')})`;

/**
 * An appointment's first put, where its timeline item stands (features/timeline/repository.ts):
 * index events_calendar_by_uid, migration 0170.
 */
const firstPut = (column: string) =>
  `(SELECT ${column} FROM events e WHERE e.channel_id = x.channel_id AND e.type LIKE 'calendar.%'
     AND json_extract(e.payload, '$.uid') = x.item_id AND e.type = 'calendar.put' ORDER BY e.seq IS NULL, e.seq, e.event_pk LIMIT 1)`;

const SOURCES: Source[] = [
  {
    fts: 'messages_fts',
    column: 'body',
    table: 'messages',
    pk: 'message_pk',
    kind: `'message'`,
    id: 'x.message_id',
    sortKey: 'x.sort_key',
    text: 'body',
    marker: (o, c) => `snippet(messages_fts, 0, '${o}', '${c}', '…', 16)`,
    extra: 'AND x.deleted_at IS NULL',
  },
  {
    fts: 'files_fts',
    column: 'name',
    table: 'files',
    pk: 'file_pk',
    kind: `'file'`,
    // Its item: a file sent in a group shows in the group's one item, at its first file's place
    // (features/timeline/repository.ts), so the hit names that item and the file inside it (`part`).
    id: groupHead('g.file_id'),
    // Its item's place in the channel (the file.share's seq), so a hit jumps to it in the timeline.
    sortKey: groupHead(`coalesce(g.seq, ${PENDING})`),
    part: 'x.file_id',
    text: 'name',
    marker: (o, c) => `highlight(files_fts, 0, '${o}', '${c}')`,
    extra: '',
  },
  {
    // Poll questions and appointment titles (migration 0260), as their timeline items stand: a
    // poll at its poll.create, an appointment at the put that created it. An appointment whose
    // put retention removed is no longer in the timeline (the calendar keeps it), so not here.
    fts: 'shared_texts_fts',
    column: 'text',
    table: 'shared_texts',
    pk: 'text_pk',
    kind: 'x.kind',
    id: `CASE x.kind WHEN 'poll' THEN x.item_id ELSE ${firstPut('e.event_id')} END`,
    sortKey: `coalesce(CASE x.kind WHEN 'poll' THEN (SELECT p.created_seq FROM polls p WHERE p.channel_id = x.channel_id AND p.poll_id = x.item_id) ELSE ${firstPut('e.seq')} END, ${PENDING})`,
    text: 'text',
    marker: (o, c) => `highlight(shared_texts_fts, 0, '${o}', '${c}')`,
    extra: `AND (x.kind = 'poll' OR ${firstPut('1')} IS NOT NULL)`,
  },
];

/** One search over every source: the query, its date filters and the vocabulary looked up once. */
interface SearchRun {
  db: Db;
  query: SearchQuery;
  limit: number;
  filters: string[];
  filterParams: unknown[];
  vocabulary: Vocabulary;
  parts: ReturnType<typeof typedParts>;
}

export function search(db: Db, query: SearchQuery): SearchHit[] {
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
  const run: SearchRun = {
    db,
    query,
    limit: Math.min(query.limit ?? 30, 200),
    filters,
    filterParams,
    vocabulary: cachedVocabulary(db),
    parts: typedParts(query.text),
  };
  return SOURCES.flatMap((src) => searchSource(run, src));
}

/** Looked up once per search, for messages, file names and the shared things' texts alike. */
function cachedVocabulary(db: Db): Vocabulary {
  const starting = new Map<string, string[] | null>();
  const inside = new Map<string, string[] | null>();
  return {
    startingWith(prefix) {
      if (!starting.has(prefix)) {
        const terms = termsStartingWith(db, prefix, MAX_EXPANSION + 1);
        starting.set(prefix, terms.length > MAX_EXPANSION ? null : terms);
      }
      return starting.get(prefix)!;
    },
    inside(part) {
      if (!inside.has(part)) {
        const terms = termsWithPartInside(db, part, MAX_INSIDE + 1);
        inside.set(part, terms.length > MAX_INSIDE ? null : terms);
      }
      return inside.get(part)!;
    },
  };
}

function searchSource(run: SearchRun, src: Source): SearchHit[] {
  const { query } = run;
  const fts = toFtsQuery(query.text, src.column, run.vocabulary);
  if (fts === null || fts === 'no_match') return [];
  const match = query.channelId ? `${fts.match} AND channel_id : ${quote(scopeToken(query.channelId))}` : fts.match;
  const { rowids, marks } = matchingRows(run, src, match, fts.checks);
  return hitsOf(run, src, match, rowids, marks);
}

/**
 * Step 1, cheap: matching rows newest first, with their snippets (made only for the rows the
 * limit lets through; a second MATCH per hit repeated the whole expanded query for each, which
 * cost 5 ms per hit with a part expanded into a hundred words). Only with a long start cut to
 * its indexed first characters are rows read and checked, in batches below the last rowid
 * seen, at most MAX_CHECKED_ROWS, and snippets made afterwards for the rows that passed.
 */
function matchingRows(
  run: SearchRun,
  src: Source,
  match: string,
  checks: string[][],
): { rowids: number[]; marks: Map<number, string> } {
  const { limit } = run;
  const check = checks.length > 0;
  const candidates = sql(
    run.db,
    `SELECT f.rowid AS rid, ${check ? `x.${src.text} AS text` : `${src.marker(OPEN, CLOSE)} AS marked`}
     FROM ${src.fts} f JOIN ${src.table} x ON x.${src.pk} = f.rowid
     WHERE ${src.fts} MATCH ? ${run.filters.join(' ')} ${src.extra} AND f.rowid < ?
     ORDER BY f.rowid DESC LIMIT ?`,
  );
  const rowids: number[] = [];
  const marks = new Map<number, string>();
  let below = Number.MAX_SAFE_INTEGER;
  for (let checked = 0; rowids.length < limit && checked < MAX_CHECKED_ROWS;) {
    const batch = candidates.all(match, ...run.filterParams, below, check ? 250 : limit) as Array<{
      rid: number;
      text?: string;
      marked?: string;
    }>;
    checked += batch.length;
    for (const row of batch) {
      if (!passes(row.text ?? '', checks)) continue;
      rowids.push(row.rid);
      if (row.marked !== undefined) marks.set(row.rid, row.marked);
    }
    if (batch.length === 0 || !check) break;
    below = batch.at(-1)!.rid;
  }
  rowids.splice(limit);
  return { rowids, marks };
}

/**
 * The hits of the rows found, each with its snippet. Step 2, after a check only: snippets for the
 * rows shown, one row at a time. With MATCH, this SQLite's FTS5 ignores `rowid = ?` (and an IN
 * list) and walks every match, so the row is reached as the newest match at or below its rowid,
 * the same descending seek step 1 uses (tests/unit/store/search-snippets.test.ts; a range scan
 * from the start cost seconds at 1M).
 */
function hitsOf(
  run: SearchRun,
  src: Source,
  match: string,
  rowids: readonly number[],
  marks: ReadonlyMap<number, string>,
): SearchHit[] {
  const marker = sql(
    run.db,
    `SELECT rowid AS rid, ${src.marker(OPEN, CLOSE)} AS marked FROM ${src.fts} WHERE ${src.fts} MATCH ? AND rowid <= ? ORDER BY rowid DESC LIMIT 1`,
  );
  const row = sql(
    run.db,
    `SELECT ${src.kind} AS kind, x.channel_id, ${src.id} AS id, ${src.part ?? 'NULL'} AS part, ${src.sortKey} AS sort_key, x.created_at, x.${src.text} AS text FROM ${src.table} x WHERE x.${src.pk} = ?`,
  );
  return rowids.map((rid) => {
    const r = row.get(rid) as {
      kind: SearchKind;
      channel_id: string;
      id: string;
      part: string | null;
      sort_key: number;
      created_at: number;
      text: string;
    };
    const found = marks.has(rid)
      ? { rid, marked: marks.get(rid)! }
      : (marker.get(match, rid) as { rid: number; marked: string } | undefined);
    // Never another row's snippet: without the row's own match, its text without highlights.
    const { snippet, highlights } = withRanges(found?.rid === rid ? found.marked : r.text);
    return {
      kind: r.kind,
      channelId: r.channel_id,
      id: r.id,
      ...(r.part !== null && r.part !== r.id ? { part: r.part } : {}),
      sortKey: r.sort_key,
      createdAt: r.created_at,
      snippet,
      highlights: narrowHighlights(snippet, highlights, run.parts),
    };
  });
}
