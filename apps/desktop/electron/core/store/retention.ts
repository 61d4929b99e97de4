// Deletion as the DSK whitepaper asks: general (everything older than N days, by org policy or
// per channel) and selective (one message, one whole conversation). secure_delete is on, so the
// rows are overwritten; the FTS index drops the text through the messages and files triggers, and
// the words of the deleted texts leave the prefix vocabulary (search-terms.ts) unless something
// that remains still contains them. A cached attachment is secretstream ciphertext whose key lived
// only in the deleted rows; its blob id is returned so the caller can remove the file as well.
import { loggedTextsAbout, typesWithLoggedText } from './content-features.ts';
import type { Db } from './database.ts';
import { collectTerms, forgetTerms, textsOfPayload } from './search-terms.ts';

export interface RetentionResult {
  messages: number;
  files: number;
  events: number;
  polls: number;
  /** Blob ids whose last local reference went away (the caller deletes the encrypted files). */
  orphanedBlobs: string[];
}

const empty = (): RetentionResult => ({ messages: 0, files: 0, events: 0, polls: 0, orphanedBlobs: [] });

/**
 * SQL: the logged events whose payload carries text that was indexed for search and lives in the
 * log alone (their feature's declaration, store/content-features.ts `typesWithLoggedText`).
 */
const textEvents = () => `type IN (${typesWithLoggedText().map(sqlName).join(', ')})`;

/** A registered event type or payload field written into the SQL: names only, never a value. */
function sqlName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9._]*$/.test(name)) throw new Error(`${name} is not a plain name`);
  return `'${name}'`;
}

/** Blob ids of the given file rows that no other remaining file row uses. */
function orphans(db: Db, blobIds: string[]): string[] {
  const stillUsed = db.prepare('SELECT 1 FROM files WHERE blob_id = ? LIMIT 1').pluck();
  return [...new Set(blobIds)].filter((id) => stillUsed.get(id) === undefined);
}

/**
 * Deletes what is past its time. The organisation's limit (policy) applies to everything; a
 * channel's own limit only to what arrived after the channel.update that set it (relay seq above
 * `retention_since_seq`): a channel admin who lowers retention never deletes what members already
 * had (docs/protocol.md "Authorisation"). The shorter limit that applies to a row wins; 0 / null
 * means "no limit".
 */
export function applyRetention(db: Db, policyDays: number, now: number): RetentionResult {
  const day = 86_400_000;
  return db.transaction(() => {
    const result = empty();
    const terms = new Set<string>();
    const blobs: string[] = [];
    const channels = db.prepare('SELECT channel_id, retention_days, retention_since_seq FROM channels').all() as Array<{
      channel_id: string;
      retention_days: number | null;
      retention_since_seq: number;
    }>;
    for (const channel of channels) {
      const channelDays = channel.retention_days ?? 0;
      if (policyDays <= 0 && channelDays <= 0) continue;
      // Rows older than the policy cutoff go; rows older than the channel cutoff go when they came after the setting.
      const policyCutoff = policyDays > 0 ? now - policyDays * day : Number.MIN_SAFE_INTEGER;
      const channelCutoff = channelDays > 0 ? now - channelDays * day : Number.MIN_SAFE_INTEGER;
      const since = channel.retention_since_seq;
      const due = (seq: string) =>
        `channel_id = ? AND (created_at < ? OR (created_at < ? AND (${seq} IS NULL OR ${seq} > ?)))`;
      const id = channel.channel_id;
      const args = [id, policyCutoff, channelCutoff, since];
      // The words of what goes, before it goes (read first: a statement cannot write while iterating).
      for (const body of db
        .prepare(`SELECT body FROM messages WHERE ${due('seq')}`)
        .pluck()
        .iterate(...args))
        collectTerms(terms, body as string);
      for (const payload of db
        .prepare(`SELECT payload FROM events WHERE ${due('seq')} AND ${textEvents()}`)
        .pluck()
        .iterate(...args)) {
        for (const text of textsOfPayload(payload as string)) collectTerms(terms, text);
      }
      for (const row of db.prepare(`SELECT name, blob_id FROM files WHERE ${due('seq')}`).iterate(...args) as Iterable<{
        name: string;
        blob_id: string;
      }>) {
        collectTerms(terms, row.name);
        blobs.push(row.blob_id);
      }
      result.files += db.prepare(`DELETE FROM files WHERE ${due('seq')}`).run(...args).changes;
      db.prepare(
        `DELETE FROM message_mentions WHERE channel_id = ? AND message_id IN (SELECT message_id FROM messages WHERE ${due('seq')})`,
      ).run(id, ...args);
      db.prepare(
        `DELETE FROM message_acks WHERE channel_id = ? AND message_id IN (SELECT message_id FROM messages WHERE ${due('seq')})`,
      ).run(id, ...args);
      result.messages += db.prepare(`DELETE FROM messages WHERE ${due('seq')}`).run(...args).changes;
      // Votes go with their poll (foreign key, ON DELETE CASCADE).
      result.polls += db.prepare(`DELETE FROM polls WHERE ${due('created_seq')}`).run(...args).changes;
      result.events += db.prepare(`DELETE FROM events WHERE ${due('seq')}`).run(...args).changes;
      // Own sent events kept for a restored relay go with the messages they carry.
      db.prepare(`DELETE FROM sent_log WHERE ${due('seq')}`).run(...args);
    }
    forgetTerms(db, terms);
    result.orphanedBlobs = orphans(db, blobs);
    return result;
  })();
}

/**
 * Removes one message (or one shared file) from this workstation: the materialised row, its
 * mentions and acknowledgements, and the decrypted events that carry its text (the original and
 * its edits). Selective deletion, not "delete for everyone". True when something was deleted.
 */
export function deleteMessageLocally(db: Db, channelId: string, messageId: string): boolean {
  return db.transaction(() => {
    const terms = new Set<string>();
    const message = db
      .prepare('SELECT body, edited_at FROM messages WHERE channel_id = ? AND message_id = ?')
      .get(channelId, messageId) as { body: string; edited_at: number | null } | undefined;
    const file = db
      .prepare('SELECT name, blob_id FROM files WHERE channel_id = ? AND file_id = ?')
      .get(channelId, messageId) as { name: string; blob_id: string } | undefined;
    if (message) collectTerms(terms, message.body);
    if (file) collectTerms(terms, file.name);
    const own = db
      .prepare('SELECT payload FROM events WHERE channel_id = ? AND event_id = ?')
      .pluck()
      .get(channelId, messageId) as string | undefined;
    for (const text of own ? textsOfPayload(own) : []) collectTerms(terms, text);
    // Edits carry the text too (the logged events with text about it, loggedTextsAbout); they are
    // looked up only for a message that was edited (rare).
    if (message !== undefined && message.edited_at !== null)
      for (const { type, field } of loggedTextsAbout()) {
        const editsOf = `FROM events WHERE channel_id = ? AND type = ? AND json_extract(payload, '$.' || ?) = ?`;
        for (const payload of db.prepare(`SELECT payload ${editsOf}`).pluck().all(channelId, type, field, messageId)) {
          for (const text of textsOfPayload(payload as string)) collectTerms(terms, text);
        }
        db.prepare(`DELETE ${editsOf}`).run(channelId, type, field, messageId);
      }
    db.prepare('DELETE FROM message_mentions WHERE channel_id = ? AND message_id = ?').run(channelId, messageId);
    db.prepare('DELETE FROM message_acks WHERE channel_id = ? AND message_id = ?').run(channelId, messageId);
    const events = db
      .prepare('DELETE FROM events WHERE channel_id = ? AND event_id = ?')
      .run(channelId, messageId).changes;
    const messages = db
      .prepare('DELETE FROM messages WHERE channel_id = ? AND message_id = ?')
      .run(channelId, messageId).changes;
    const files = db
      .prepare('DELETE FROM files WHERE channel_id = ? AND file_id = ?')
      .run(channelId, messageId).changes;
    forgetTerms(db, terms);
    return messages + files + events > 0;
  })();
}

/**
 * Removes a whole conversation's content from this workstation: messages, files, polls, calendar
 * entries, the decrypted event log and envelopes still waiting for a key. The channel itself,
 * its members, its cursor and its sender keys stay, so new messages still arrive and old ones are
 * not fetched again. Unsent messages in the outbox are still sent.
 */
export function deleteChannelContent(db: Db, channelId: string): RetentionResult {
  return db.transaction(() => {
    const terms = new Set<string>();
    const blobs: string[] = [];
    for (const body of db.prepare('SELECT body FROM messages WHERE channel_id = ?').pluck().iterate(channelId))
      collectTerms(terms, body as string);
    for (const payload of db
      .prepare(`SELECT payload FROM events WHERE channel_id = ? AND ${textEvents()}`)
      .pluck()
      .iterate(channelId)) {
      for (const text of textsOfPayload(payload as string)) collectTerms(terms, text);
    }
    for (const row of db
      .prepare('SELECT name, blob_id FROM files WHERE channel_id = ?')
      .iterate(channelId) as Iterable<{ name: string; blob_id: string }>) {
      collectTerms(terms, row.name);
      blobs.push(row.blob_id);
    }
    db.prepare('DELETE FROM message_mentions WHERE channel_id = ?').run(channelId);
    db.prepare('DELETE FROM message_acks WHERE channel_id = ?').run(channelId);
    db.prepare('DELETE FROM read_receipts WHERE channel_id = ?').run(channelId);
    db.prepare('DELETE FROM calendar_rsvps WHERE channel_id = ?').run(channelId);
    db.prepare('DELETE FROM calendar_overrides WHERE channel_id = ?').run(channelId);
    db.prepare('DELETE FROM calendar_events WHERE channel_id = ?').run(channelId);
    db.prepare('DELETE FROM pending_envelopes WHERE channel_id = ?').run(channelId);
    db.prepare('DELETE FROM sent_log WHERE channel_id = ?').run(channelId);
    const result: RetentionResult = {
      files: db.prepare('DELETE FROM files WHERE channel_id = ?').run(channelId).changes,
      messages: db.prepare('DELETE FROM messages WHERE channel_id = ?').run(channelId).changes,
      polls: db.prepare('DELETE FROM polls WHERE channel_id = ?').run(channelId).changes,
      events: db.prepare('DELETE FROM events WHERE channel_id = ?').run(channelId).changes,
      orphanedBlobs: [],
    };
    forgetTerms(db, terms);
    result.orphanedBlobs = orphans(db, blobs);
    return result;
  })();
}
