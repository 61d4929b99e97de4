// The SQL of templates and broadcast alerts: their events of the directory channel are kept as
// logged (`alert_ops`, inside applyEvents' transaction through the store's port
// store/content-features.ts); who may do what, and who acknowledged what, is resolve.ts's fold.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { alertAck, alertSend, templateDefine, type AlertPayload } from '@klinikfunk/protocol/domain/alert-events.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';
import { DirectoryAuthority } from '../../store/directory-facts.ts';
import type { AlertOp } from './resolve.ts';

function keep(db: Db, event: ChannelEvent): string | null {
  // Only the directory channel, whose roster is every active user, carries templates and alerts.
  if (sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck().get(event.channelId) !== 1)
    return 'not_directory_channel';
  // As with role_ops: a kept event id under another device or place is a replay, never a move.
  const kept = sql(db, 'SELECT seq, sender_device_id FROM alert_ops WHERE channel_id = ? AND event_id = ?').get(
    event.channelId,
    event.eventId,
  ) as { seq: number | null; sender_device_id: string } | undefined;
  if (kept && (kept.sender_device_id !== event.senderDeviceId || (kept.seq !== null && kept.seq !== event.seq)))
    return 'replayed';
  sql(
    db,
    `INSERT INTO alert_ops (channel_id, event_id, seq, relay_at, created_at, sender_user_id, sender_device_id, payload)
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
function follow(db: Db, event: ChannelEvent): Map<string, string | null> {
  const logged = sql(db, 'SELECT seq, relay_at FROM events WHERE channel_id = ? AND event_id = ?').get(
    event.channelId,
    event.eventId,
  ) as { seq: number | null; relay_at: number | null } | undefined;
  if (!logged)
    sql(db, 'DELETE FROM alert_ops WHERE channel_id = ? AND event_id = ?').run(event.channelId, event.eventId);
  else
    sql(db, 'UPDATE alert_ops SET seq = ?, relay_at = ? WHERE channel_id = ? AND event_id = ?').run(
      logged.seq,
      logged.relay_at,
      event.channelId,
      event.eventId,
    );
  return new Map([[event.eventId, logged ? null : 'refused']]);
}

// Any member of the directory channel may send one (the rule table lets it in); who may define a
// template or send an alert the fold decides from the log in order (resolve.ts). They travel
// labelled like the directory channel's other events, so the relay cannot tell an alert from an
// announcement or a role event (docs/security.md).
const anyMember = { who: 'member' } as const;
export const alertsContent: ContentFeature = {
  name: 'alerts',
  events: {
    'template.define': { schema: templateDefine, rule: anyMember, contentType: 'channel' },
    'alert.send': { schema: alertSend, rule: anyMember, contentType: 'channel' },
    'alert.ack': { schema: alertAck, rule: anyMember, contentType: 'channel' },
  },
  apply: keep,
  author: () => undefined,
  ordered: {
    keepsRefusedPayload: true,
    recompute: follow,
    // The fold reads alert_ops in seq order whenever asked, so an event opened late needs nothing more.
    openedLate: () => false,
  },
};

/** The read side, built by the store (ProfileStore.repository); the directory facts are the kit's. */
export class AlertRepository extends DirectoryAuthority {
  readonly #db: Db;
  constructor(db: Db) {
    super(db);
    this.#db = db;
  }

  /** Every kept template and alert event in the relay's order, own pending ones last. */
  ops(): AlertOp[] {
    const rows = sql(
      this.#db,
      `SELECT event_id, seq, relay_at, created_at, sender_user_id, sender_device_id, payload FROM alert_ops
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
      payload: JSON.parse(r.payload) as AlertPayload,
    }));
  }

  /** Changes whenever an event is added or gets its place, or a directory record arrives (the fold's cache key). */
  version(): string {
    return String(
      sql(
        this.#db,
        `SELECT (SELECT count(*) || ':' || coalesce(max(op_pk), 0) || ':' || coalesce(sum(seq), 0) FROM alert_ops)
           || '/' || (SELECT coalesce(max(record_pk), 0) FROM directory_records)`,
      )
        .pluck()
        .get(),
    );
  }
}

export const alertRepository = (db: Db) => new AlertRepository(db);
