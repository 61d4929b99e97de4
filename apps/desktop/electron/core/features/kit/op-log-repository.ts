// The directory channel's folded features (roles, alerts) keep their events beyond the event log
// (retention) in a table of their own, in the relay's order; each feature's fold decides from it.
// One place for the keeping, the replay rule, following an own event's fate and reading it back.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';

/** The tables kept this way (a name from this list only ever reaches the SQL). */
export type OpTable = 'role_ops' | 'alert_ops' | 'availability_ops';

export interface LoggedOp<P> {
  eventId: string;
  seq: number | null;
  relayAt: number | null;
  createdAt: number;
  senderUserId: string;
  senderDeviceId: string;
  payload: P;
}

/**
 * The table outlives the event log, so an event id logged again can reach it. The id is the
 * sender's choice: only the same event fetched again (same device, same place, or this device's
 * own still without one) may update its row; anything else under a kept id is a replay, or it
 * would move an old event (an admin's old roster) to a new place in the relay's order.
 */
export function replayedOp(db: Db, table: OpTable, event: ChannelEvent): boolean {
  const kept = sql(db, `SELECT seq, sender_device_id FROM ${table} WHERE channel_id = ? AND event_id = ?`).get(
    event.channelId,
    event.eventId,
  ) as { seq: number | null; sender_device_id: string } | undefined;
  return !!kept && (kept.sender_device_id !== event.senderDeviceId || (kept.seq !== null && kept.seq !== event.seq));
}

/** Keeps the event with its place (or gives a kept one its place): `replayed` when the rule above refuses it. */
export function keepOp(db: Db, table: Exclude<OpTable, 'availability_ops'>, event: ChannelEvent): string | null {
  if (replayedOp(db, table, event)) return 'replayed';
  sql(
    db,
    `INSERT INTO ${table} (channel_id, event_id, seq, relay_at, created_at, sender_user_id, sender_device_id, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel_id, event_id) DO UPDATE SET seq = excluded.seq, relay_at = excluded.relay_at`,
  ).run(
    event.channelId,
    event.eventId,
    event.seq,
    event.relayAt ?? null,
    event.createdAt,
    event.senderUserId,
    event.senderDeviceId,
    JSON.stringify(event.payload),
  );
  return null;
}

/** An own event got its place from the relay, or was refused for good: its row follows the log. */
export function followOp(
  db: Db,
  table: Exclude<OpTable, 'availability_ops'>,
  event: ChannelEvent,
): Map<string, string | null> {
  const logged = sql(db, 'SELECT seq, relay_at FROM events WHERE channel_id = ? AND event_id = ?').get(
    event.channelId,
    event.eventId,
  ) as { seq: number | null; relay_at: number | null } | undefined;
  if (!logged)
    sql(db, `DELETE FROM ${table} WHERE channel_id = ? AND event_id = ?`).run(event.channelId, event.eventId);
  else
    sql(db, `UPDATE ${table} SET seq = ?, relay_at = ? WHERE channel_id = ? AND event_id = ?`).run(
      logged.seq,
      logged.relay_at,
      event.channelId,
      event.eventId,
    );
  return new Map([[event.eventId, logged ? null : 'refused']]);
}

/** Every kept event in the relay's order, own pending ones last. */
export function opsOf<P>(db: Db, table: Exclude<OpTable, 'availability_ops'>): LoggedOp<P>[] {
  const rows = sql(
    db,
    `SELECT event_id, seq, relay_at, created_at, sender_user_id, sender_device_id, payload FROM ${table}
     ORDER BY seq IS NULL, seq, op_pk`,
  ).all() as Array<{
    event_id: string;
    seq: number | null;
    relay_at: number | null;
    created_at: number;
    sender_user_id: string;
    sender_device_id: string;
    payload: string;
  }>;
  return rows.map((r) => ({
    eventId: r.event_id,
    seq: r.seq,
    relayAt: r.relay_at,
    createdAt: r.created_at,
    senderUserId: r.sender_user_id,
    senderDeviceId: r.sender_device_id,
    payload: JSON.parse(r.payload) as P,
  }));
}

/** Changes whenever an event is added or gets its place, or a directory record arrives (a fold's cache key). */
export function opLogVersion(db: Db, table: Exclude<OpTable, 'availability_ops'>): string {
  return String(
    sql(
      db,
      `SELECT (SELECT count(*) || ':' || coalesce(max(op_pk), 0) || ':' || coalesce(sum(seq), 0) FROM ${table})
         || '/' || (SELECT coalesce(max(record_pk), 0) FROM directory_records)`,
    )
      .pluck()
      .get(),
  );
}
