// The store's side of a relay log that is not the one the device expects (docs/protocol.md,
// "Gaps, history start and relay incarnations"): undeclared gaps kept for another try, and the
// sent log that lets a device give a restored relay back the own events it lost.
import type { GapRange } from '../sync/ports.ts';
import { ownDelivery, ownStepsFor } from './content-features.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

/** How long sent events are kept for a relay restored from a backup (older backups: see operations.md). */
export const SENT_LOG_KEEP_MS = 30 * 86_400_000;

/**
 * Copies an outbox item that the relay accepted into the sent log (same transaction as markSent).
 * Its plaintext is the event log's copy where there is one: the own event was applied when queued,
 * so a message deleted or edited before it left has its text blanked there already, and the
 * outbox's copy would bring it back (the sealed bytes are what a resend needs). What its feature
 * keeps from a restored relay (`keepForResend`: a message its sender deleted for everyone, and its
 * edits) is not kept at all: a restored relay gets only the delete.
 */
export function keepSent(
  db: Db,
  clientEventId: string,
  seq: number,
  incarnation: string | null,
  now = Date.now(),
): void {
  const queued = sql(db, 'SELECT channel_id, payload FROM outbox WHERE client_event_id = ?').get(clientEventId) as
    { channel_id: string; payload: string } | undefined;
  if (queued && keptForResend(db, clientEventId, queued))
    sql(
      db,
      `INSERT OR REPLACE INTO sent_log (client_event_id, channel_id, content_type, payload, created_at, sealed, sealed_epoch, seq, incarnation, sent_at)
       SELECT o.client_event_id, o.channel_id, o.content_type,
         coalesce((SELECT e.payload FROM events e WHERE e.channel_id = o.channel_id AND e.event_id = o.client_event_id), o.payload),
         o.created_at, o.sealed, o.sealed_epoch, ?, ?, ? FROM outbox o WHERE o.client_event_id = ?`,
    ).run(seq, incarnation, now, clientEventId);
  sql(db, 'DELETE FROM sent_log WHERE sent_at < ?').run(now - SENT_LOG_KEEP_MS);
}

function keptForResend(db: Db, eventId: string, queued: { channel_id: string; payload: string }): boolean {
  const payload = JSON.parse(queued.payload) as { type?: unknown };
  const type = String(payload.type);
  return ownStepsFor(type)?.keepForResend?.(db, { type, channelId: queued.channel_id, eventId, payload }) ?? true;
}

export function replaceGaps(db: Db, channelId: string, gaps: readonly GapRange[]): void {
  sql(db, 'DELETE FROM sync_gaps WHERE channel_id = ?').run(channelId);
  const insert = sql(db, 'INSERT OR REPLACE INTO sync_gaps (channel_id, from_seq, to_seq) VALUES (?, ?, ?)');
  for (const gap of gaps) insert.run(channelId, gap.from, gap.to);
}

/** Where the relay declared the channel's history to start (retention), or null. */
export function historyStart(db: Db, channelId: string): number | null {
  const row = sql(db, 'SELECT history_start FROM sync_cursors WHERE channel_id = ?').get(channelId) as
    { history_start: number | null } | undefined;
  return row?.history_start ?? null;
}

/**
 * Whether the device lacks a seq between its cursor and a declared history start. Its own events
 * never come back to it, so a cursor behind a start may skip only what it has: then nothing was
 * lost and the timeline shows no notice. Runs before the cursor moves (same transaction); rare, so
 * the walk over the channel's log is fine.
 */
export function missedBefore(db: Db, channelId: string, start: number): boolean {
  const cursor =
    (sql(db, 'SELECT seq FROM sync_cursors WHERE channel_id = ?').pluck().get(channelId) as number | undefined) ?? 0;
  if (start - 1 <= cursor) return false;
  const have = sql(db, 'SELECT count(DISTINCT seq) FROM events WHERE channel_id = ? AND seq > ? AND seq < ?')
    .pluck()
    .get(channelId, cursor, start) as number;
  return have < start - 1 - cursor;
}

interface SentRow {
  client_event_id: string;
  channel_id: string;
  content_type: string;
  payload: string;
  created_at: number;
  sealed: Buffer | null;
  sealed_epoch: number | null;
}

/**
 * The relay was restored: per channel, nothing above its restore point is shared with what this
 * device saw. Cursors, gaps and pending envelopes go back to the base; own events sent in another
 * incarnation above it return to the outbox ahead of everything queued since (same bytes and
 * client event ids, so the relay stores each once), and their messages show "sending" again
 * (their feature's `onDelivery`).
 */
export function resetToBases(db: Db, incarnation: string, bases: Readonly<Record<string, number>>): number {
  const lost: SentRow[] = [];
  const select = sql(
    db,
    `SELECT client_event_id, channel_id, content_type, payload, created_at, sealed, sealed_epoch FROM sent_log
     WHERE channel_id = ? AND seq > ? AND (incarnation IS NULL OR incarnation <> ?) ORDER BY seq`,
  );
  const known = sql(
    db,
    'SELECT channel_id FROM sync_cursors UNION SELECT channel_id FROM sync_gaps UNION SELECT channel_id FROM pending_envelopes UNION SELECT channel_id FROM sent_log',
  )
    .pluck()
    .all() as string[];
  // A channel the relay did not list may have lost its roster in the restore too: nothing shared.
  const all: Record<string, number> = { ...Object.fromEntries(known.map((c) => [c, 0])), ...bases };
  for (const [channelId, base] of Object.entries(all)) {
    sql(db, 'UPDATE sync_cursors SET seq = ? WHERE channel_id = ? AND seq > ?').run(base, channelId, base);
    sql(db, 'DELETE FROM sync_gaps WHERE channel_id = ? AND from_seq > ?').run(channelId, base);
    sql(db, 'UPDATE sync_gaps SET to_seq = ? WHERE channel_id = ? AND to_seq > ?').run(base, channelId, base);
    sql(db, 'DELETE FROM pending_envelopes WHERE channel_id = ? AND seq > ?').run(channelId, base);
    lost.push(...(select.all(channelId, base, incarnation) as SentRow[]));
  }
  if (lost.length === 0) return 0;
  const first = (sql(db, 'SELECT coalesce(min(queue_order), 1) AS n FROM outbox').get() as { n: number }).n;
  const insert = sql(
    db,
    `INSERT OR IGNORE INTO outbox (client_event_id, channel_id, content_type, payload, created_at, queue_order, attempts, next_attempt_at, sealed, sealed_epoch)
     VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)`,
  );
  lost.forEach((row, i) => {
    insert.run(
      row.client_event_id,
      row.channel_id,
      row.content_type,
      row.payload,
      row.created_at,
      first - lost.length + i,
      row.sealed,
      row.sealed_epoch,
    );
    const type = String((JSON.parse(row.payload) as { type?: unknown }).type);
    ownDelivery(db, { type, channelId: row.channel_id, eventId: row.client_event_id }, 'sending');
    sql(db, 'DELETE FROM sent_log WHERE client_event_id = ?').run(row.client_event_id);
  });
  return lost.length;
}
