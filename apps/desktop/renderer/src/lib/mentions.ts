// @mention autocomplete in the composer: find the "@query" the caret is in, rank directory users
// for it, insert the chosen name, and work out which chosen users the body still mentions.

export interface MentionQuery {
  /** Index of the '@'. */
  start: number;
  query: string;
}

export interface MentionCandidate {
  userId: string;
  displayName: string;
  ward: string | null;
}

const MAX_QUERY = 40;

/** The "@query" directly before the caret, or null. The query may hold one space (first and last name). */
export function findMentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(Math.max(0, caret - MAX_QUERY - 1), caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  const start = caret - before.length + at;
  const query = text.slice(start + 1, caret);
  if (/[\n@]/.test(query) || (query.match(/ /g)?.length ?? 0) > 1 || query.startsWith(' ')) return null;
  const previous = text[start - 1];
  if (previous !== undefined && !/[\s(["'„]/.test(previous)) return null;
  return { start, query };
}

export function normaliseName(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Users whose name contains the query, those whose name or a word of it starts with it first. */
export function rankCandidates<T extends MentionCandidate>(users: readonly T[], query: string, limit = 8): T[] {
  const q = normaliseName(query.trim());
  const scored: { user: T; score: number }[] = [];
  for (const user of users) {
    const name = normaliseName(user.displayName);
    let score: number;
    if (q === '' || name.startsWith(q)) score = 0;
    else if (name.split(/[\s.-]+/).some((word) => word.startsWith(q))) score = 1;
    else if (name.includes(q)) score = 2;
    else continue;
    scored.push({ user, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.user.displayName.localeCompare(b.user.displayName, 'de'))
    .slice(0, limit)
    .map((entry) => entry.user);
}

/** Replaces "@query" with "@Display Name " and returns the new text and caret. */
export function insertMention(text: string, query: MentionQuery, caret: number, displayName: string) {
  const inserted = `@${displayName} `;
  const next = text.slice(0, query.start) + inserted + text.slice(caret).replace(/^ /, '');
  return { text: next, caret: query.start + inserted.length };
}

/** The chosen users whose "@Name" is still in the body, for the send call's `mentions`. */
export function mentionedUserIds(body: string, chosen: ReadonlyMap<string, string>): string[] {
  const ids: string[] = [];
  for (const [userId, displayName] of chosen) {
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}_])@${escapeRegExp(displayName)}(?![\\p{L}\\p{N}_])`, 'u');
    if (pattern.test(body)) ids.push(userId);
  }
  return ids;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
