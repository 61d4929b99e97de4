// Deletion as the DSK whitepaper asks: general (everything older than N days, by org policy or
// per channel) and selective (one message, one whole conversation). secure_delete is on, so the
// rows are overwritten, and the FTS index drops the text through the messages triggers.
import type { Db } from './database.ts';

export interface RetentionResult {
  messages: number;
  files: number;
  events: number;
  /** Blob ids whose last local reference went away (the caller deletes the encrypted files). */
  orphanedBlobs: string[];
}

export function applyRetention(db: Db, policyDays: number, now: number): RetentionResult {
  const day = 86_400_000;
  return db.transaction(() => {
    const result: RetentionResult = { messages: 0, files: 0, events: 0, orphanedBlobs: [] };
    const channels = db.prepare('SELECT channel_id, retention_days FROM channels').all() as Array<{ channel_id: string; retention_days: number | null }>;
    for (const channel of channels) {
      // The shorter of org policy and channel setting wins; 0 / null means "no limit".
      const limits = [policyDays, channel.retention_days ?? 0].filter((d) => d > 0);
      if (limits.length === 0) continue;
      const cutoff = now - Math.min(...limits) * day;
      result.orphanedBlobs.push(
        ...(db.prepare('SELECT blob_id FROM files WHERE channel_id = ? AND created_at < ?').all(channel.channel_id, cutoff) as Array<{ blob_id: string }>).map((r) => r.blob_id),
      );
      result.files += db.prepare('DELETE FROM files WHERE channel_id = ? AND created_at < ?').run(channel.channel_id, cutoff).changes;
      db.prepare('DELETE FROM message_mentions WHERE channel_id = ? AND message_id IN (SELECT message_id FROM messages WHERE channel_id = ? AND created_at < ?)').run(
        channel.channel_id,
        channel.channel_id,
        cutoff,
      );
      db.prepare('DELETE FROM message_acks WHERE channel_id = ? AND message_id IN (SELECT message_id FROM messages WHERE channel_id = ? AND created_at < ?)').run(
        channel.channel_id,
        channel.channel_id,
        cutoff,
      );
      result.messages += db.prepare('DELETE FROM messages WHERE channel_id = ? AND created_at < ?').run(channel.channel_id, cutoff).changes;
      result.events += db.prepare('DELETE FROM events WHERE channel_id = ? AND created_at < ?').run(channel.channel_id, cutoff).changes;
    }
    return result;
  })();
}

/** Removes one message from this workstation (selective deletion; not "delete for everyone"). */
export function deleteMessageLocally(db: Db, channelId: string, messageId: string): boolean {
  return db.transaction(() => {
    db.prepare('DELETE FROM message_mentions WHERE channel_id = ? AND message_id = ?').run(channelId, messageId);
    db.prepare('DELETE FROM message_acks WHERE channel_id = ? AND message_id = ?').run(channelId, messageId);
    db.prepare('DELETE FROM events WHERE channel_id = ? AND event_id = ?').run(channelId, messageId);
    return db.prepare('DELETE FROM messages WHERE channel_id = ? AND message_id = ?').run(channelId, messageId).changes > 0;
  })();
}

/** Removes a whole conversation's content from this workstation. */
export function deleteChannelContent(db: Db, channelId: string): RetentionResult {
  return db.transaction(() => {
    const orphanedBlobs = (db.prepare('SELECT blob_id FROM files WHERE channel_id = ?').all(channelId) as Array<{ blob_id: string }>).map((r) => r.blob_id);
    db.prepare('DELETE FROM message_mentions WHERE channel_id = ?').run(channelId);
    db.prepare('DELETE FROM message_acks WHERE channel_id = ?').run(channelId);
    return {
      files: db.prepare('DELETE FROM files WHERE channel_id = ?').run(channelId).changes,
      messages: db.prepare('DELETE FROM messages WHERE channel_id = ?').run(channelId).changes,
      events: db.prepare('DELETE FROM events WHERE channel_id = ?').run(channelId).changes,
      orphanedBlobs,
    };
  })();
}
