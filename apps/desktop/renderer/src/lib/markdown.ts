// A safe markdown subset for message bodies: **bold**, *italic*, `code`, https links, line breaks
// and @mentions. The tokenizer returns plain data; Svelte renders every token as text nodes or as
// an <a> whose href passed the https check, so no body can ever inject markup ({@html} is never
// used). Delimiters work within one line only, and each search for a closing delimiter that failed
// is remembered, so a 20,000-character body with many stray '*' stays linear.

export type InlineToken =
  | { type: 'text'; text: string }
  | { type: 'br' }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; text: string }
  | { type: 'mention'; text: string; self: boolean }
  | { type: 'strong'; children: InlineToken[] }
  | { type: 'em'; children: InlineToken[] };

export interface MentionName {
  /** Display name as it appears after the '@'. */
  name: string;
  /** The mention is the signed-in user. */
  self: boolean;
}

const MAX_DEPTH = 2;
const TRAILING_PUNCTUATION = /^[.,;:!?'"»«)\]}>]$/;
const URL_END = /[\s<>"]/;

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}_]/u.test(char);
}

function isSpace(char: string | undefined): boolean {
  return char === undefined || /\s/.test(char);
}

/** Returns the https URL starting at `start`, with trailing punctuation left out, or null. */
function readLink(line: string, start: number): string | null {
  if (!line.startsWith('https://', start) || isWordChar(line[start - 1])) return null;
  let end = start;
  while (end < line.length && !URL_END.test(line[end]!)) end++;
  let candidate = line.slice(start, end);
  // Drop trailing punctuation, but keep a closing bracket that belongs to the URL, as in
  // Wikipedia links: (https://de.wikipedia.org/wiki/A_(B)).
  while (TRAILING_PUNCTUATION.test(candidate.at(-1) ?? '')) {
    const opens = candidate.split('(').length - 1;
    const closes = candidate.split(')').length - 1;
    if (candidate.endsWith(')') && opens >= closes) break;
    candidate = candidate.slice(0, -1);
  }
  if (candidate.length <= 'https://'.length) return null;
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' && url.hostname !== '' ? candidate : null;
  } catch {
    return null;
  }
}

function readMention(line: string, start: number, names: readonly MentionName[]): MentionName | null {
  if (line[start] !== '@' || isWordChar(line[start - 1])) return null;
  for (const candidate of names) {
    const end = start + 1 + candidate.name.length;
    if (line.startsWith(candidate.name, start + 1) && !isWordChar(line[end])) return candidate;
  }
  return null;
}

class LineTokenizer {
  readonly #names: readonly MentionName[];
  readonly #depth: number;
  readonly #allowStrong: boolean;
  readonly #allowEm: boolean;
  /** Position from which a search for the closing delimiter already failed. */
  readonly #noCloserFrom = new Map<string, number>();

  constructor(names: readonly MentionName[], depth: number, allowStrong: boolean, allowEm: boolean) {
    this.#names = names;
    this.#depth = depth;
    this.#allowStrong = allowStrong;
    this.#allowEm = allowEm;
  }

  #findCloser(line: string, delimiter: string, from: number): number {
    const failedFrom = this.#noCloserFrom.get(delimiter);
    if (failedFrom !== undefined && from >= failedFrom) return -1;
    let at = line.indexOf(delimiter, from);
    while (at >= 0) {
      const ok =
        delimiter === '`' ||
        (!isSpace(line[at - 1]) && (delimiter === '**' || (line[at + 1] !== '*' && line[at - 1] !== '*')));
      if (ok) return at;
      at = line.indexOf(delimiter, at + 1);
    }
    this.#noCloserFrom.set(delimiter, from);
    return -1;
  }

  #nested(content: string, strong: boolean): InlineToken[] {
    const inner = new LineTokenizer(
      this.#names,
      this.#depth + 1,
      this.#allowStrong && !strong,
      this.#allowEm && strong,
    );
    return inner.tokenize(content);
  }

  tokenize(line: string): InlineToken[] {
    const tokens: InlineToken[] = [];
    let text = '';
    const flush = () => {
      if (text) tokens.push({ type: 'text', text });
      text = '';
    };
    const canNest = this.#depth < MAX_DEPTH;
    let i = 0;
    while (i < line.length) {
      const char = line[i]!;
      if (char === '`') {
        const close = this.#findCloser(line, '`', i + 1);
        if (close > i + 1) {
          flush();
          tokens.push({ type: 'code', text: line.slice(i + 1, close) });
          i = close + 1;
          continue;
        }
      } else if (char === '*' && line[i + 1] === '*' && this.#allowStrong && canNest && !isSpace(line[i + 2])) {
        const close = this.#findCloser(line, '**', i + 2);
        if (close > i + 2) {
          flush();
          tokens.push({ type: 'strong', children: this.#nested(line.slice(i + 2, close), true) });
          i = close + 2;
          continue;
        }
      } else if (char === '*' && line[i + 1] !== '*' && this.#allowEm && canNest && !isSpace(line[i + 1])) {
        const close = this.#findCloser(line, '*', i + 1);
        if (close > i + 1) {
          flush();
          tokens.push({ type: 'em', children: this.#nested(line.slice(i + 1, close), false) });
          i = close + 1;
          continue;
        }
      } else if (char === 'h') {
        const href = readLink(line, i);
        if (href) {
          flush();
          tokens.push({ type: 'link', href, text: href });
          i += href.length;
          continue;
        }
      } else if (char === '@') {
        const mention = readMention(line, i, this.#names);
        if (mention) {
          flush();
          tokens.push({ type: 'mention', text: `@${mention.name}`, self: mention.self });
          i += 1 + mention.name.length;
          continue;
        }
      }
      if (char === '*' && line[i + 1] === '*') {
        // An unmatched '**' stays literal as a pair, so it is not read as two italics markers.
        text += '**';
        i += 2;
        continue;
      }
      text += char;
      i++;
    }
    flush();
    return tokens;
  }
}

/** Tokenizes a message body. Mention names are matched longest first. */
export function tokenize(body: string, mentionNames: readonly MentionName[] = []): InlineToken[] {
  const names = [...mentionNames].filter((m) => m.name.length > 0).sort((a, b) => b.name.length - a.name.length);
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const tokens: InlineToken[] = [];
  lines.forEach((line, index) => {
    if (index > 0) tokens.push({ type: 'br' });
    tokens.push(...new LineTokenizer(names, 0, true, true).tokenize(line));
  });
  return tokens;
}

/** The plain text of tokens (for excerpts and tests). */
export function plainText(tokens: readonly InlineToken[]): string {
  return tokens
    .map((token) => {
      switch (token.type) {
        case 'br':
          return '\n';
        case 'strong':
        case 'em':
          return plainText(token.children);
        case 'code':
        case 'link':
        case 'mention':
        case 'text':
          return token.text;
        default: {
          const _unhandled: never = token;
          return '';
        }
      }
    })
    .join('');
}
