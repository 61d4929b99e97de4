// Logged events read back for a recompute in the relay's order (the calendar and pins
// features): an entry opened late is decided again from its whole log, as on an in-order device.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

interface LoggedRow {
  event_id: string;
  seq: number | null;
  sender_user_id: string;
  sender_device_id: string;
  created_at: number;
  relay_at: number | null;
  epoch: number | null;
  payload: string;
}

/**
 * The channel's logged events that `condition` selects (a constant SQL condition on `type` and
 * `payload` with `?` placeholders), by seq; events not yet sequenced last, in the order logged.
 */
export function loggedEventsInOrder(
  db: Db,
  channelId: string,
  condition: string,
  ...params: unknown[]
): ChannelEvent[] {
  const rows = sql(
    db,
    `SELECT event_id, seq, sender_user_id, sender_device_id, created_at, relay_at, epoch, payload FROM events
     WHERE channel_id = ? AND ${condition} ORDER BY seq IS NULL, seq, event_pk`,
  ).all(channelId, ...params) as LoggedRow[];
  return rows.map((r) => ({
    eventId: r.event_id,
    channelId,
    seq: r.seq,
    senderUserId: r.sender_user_id,
    senderDeviceId: r.sender_device_id,
    createdAt: r.created_at,
    relayAt: r.relay_at,
    epoch: r.epoch,
    payload: JSON.parse(r.payload) as ChannelEvent['payload'],
  }));
}
