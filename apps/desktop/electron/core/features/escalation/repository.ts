// The SQL of escalations (store migration 0350): the `escalation.arm` event of an urgent message,
// applied inside applyEvents' transaction through the store's port (store/content-features.ts),
// and what the relay released to this device (the sender's notices, steps to this user's role).
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { escalationArm, type EscalationArmPayload } from '@klinikfunk/protocol/domain/escalation.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';

/** An urgent message's escalation as its arm event said. */
export interface ArmedEscalation {
  channelId: string;
  messageId: string;
  escalationId: string;
  /** base64url, 32 bytes: what stops it at the relay. */
  token: string;
  senderUserId: string;
  reAlertMinutes: number;
  steps: EscalationArmPayload['steps'];
  /** The relay's time of the arm event (the sender's while it is queued). */
  armedAt: number;
  /** When this device had the relay stop it; null while not (yet). */
  stoppedAt: number | null;
}

export interface ReleasedItem {
  escalationId: string;
  step: number;
  kind: 'notice' | 'step';
  roleName: string;
  channelId: string;
  messageId: string;
  /** The relay's time of the release (the mailbox item's storedAt). */
  releasedAt: number;
  /** Steps only: the message as the sender sealed it. */
  senderUserId: string | null;
  fromName: string | null;
  body: string | null;
  sentAt: number | null;
  token: string | null;
  acknowledgedAt: number | null;
}

/**
 * The first arm of a message counts (only its sender may send one: the rule table's `author`,
 * with the message in the store first); another one, also from the sender, changes nothing, so
 * nobody can swap the token members stop the escalation with.
 */
function apply(db: Db, event: ChannelEvent): string | null {
  const p = event.payload as EscalationArmPayload;
  const kept = sql(db, 'SELECT event_id FROM escalations WHERE channel_id = ? AND message_id = ?')
    .pluck()
    .get(event.channelId, p.messageId) as string | undefined;
  if (kept !== undefined) return kept === event.eventId ? null : 'already_armed';
  const urgent = sql(db, 'SELECT urgent FROM messages WHERE channel_id = ? AND message_id = ?')
    .pluck()
    .get(event.channelId, p.messageId) as number | undefined;
  if (urgent !== 1) return 'not_urgent';
  sql(
    db,
    `INSERT INTO escalations (channel_id, message_id, escalation_id, token, sender_user_id, re_alert_minutes, steps, event_id, armed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    event.channelId,
    p.messageId,
    p.escalationId,
    p.token,
    event.senderUserId,
    p.reAlertMinutes,
    JSON.stringify(p.steps),
    event.eventId,
    event.relayAt ?? event.createdAt,
  );
  return null;
}

export const escalationContent: ContentFeature = {
  name: 'escalation',
  events: {
    // Only the urgent message's sender arms it, once it is in the store (so an early one waits for it).
    'escalation.arm': { schema: escalationArm, rule: { who: 'author', target: true }, contentType: 'message' },
  },
  apply,
  author: (db, event) =>
    (sql(db, 'SELECT sender_user_id FROM messages WHERE channel_id = ? AND message_id = ?')
      .pluck()
      .get(event.channelId, (event.payload as EscalationArmPayload).messageId) as string | undefined) ?? null,
};

type ArmRow = {
  channel_id: string;
  message_id: string;
  escalation_id: string;
  token: string;
  sender_user_id: string;
  re_alert_minutes: number;
  steps: string;
  armed_at: number;
  stopped_at: number | null;
};
const armOf = (r: ArmRow): ArmedEscalation => ({
  channelId: r.channel_id,
  messageId: r.message_id,
  escalationId: r.escalation_id,
  token: r.token,
  senderUserId: r.sender_user_id,
  reAlertMinutes: r.re_alert_minutes,
  steps: JSON.parse(r.steps) as EscalationArmPayload['steps'],
  armedAt: r.armed_at,
  stoppedAt: r.stopped_at,
});

/** The read and write side outside applyEvents, built by the store (ProfileStore.repository). */
export class EscalationRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  armed(channelId: string, messageId: string): ArmedEscalation | null {
    const row = sql(this.#db, 'SELECT * FROM escalations WHERE channel_id = ? AND message_id = ?').get(
      channelId,
      messageId,
    ) as ArmRow | undefined;
    return row ? armOf(row) : null;
  }

  /**
   * Escalations somebody other than their sender acknowledged that this device has not yet had
   * the relay stop (an acknowledgement from any device, or one that could not reach the relay).
   */
  acknowledgedNotStopped(): ArmedEscalation[] {
    const rows = sql(
      this.#db,
      `SELECT e.* FROM escalations e WHERE e.stopped_at IS NULL AND EXISTS (
         SELECT 1 FROM message_acks a WHERE a.channel_id = e.channel_id AND a.message_id = e.message_id AND a.user_id <> e.sender_user_id)`,
    ).all() as ArmRow[];
    return rows.map(armOf);
  }

  /** Others' escalations nobody (but their sender) acknowledged yet: the ones this device re-alerts. */
  openOfOthers(myUserId: string): ArmedEscalation[] {
    const rows = sql(
      this.#db,
      `SELECT e.* FROM escalations e WHERE e.stopped_at IS NULL AND e.sender_user_id <> ? AND NOT EXISTS (
         SELECT 1 FROM message_acks a WHERE a.channel_id = e.channel_id AND a.message_id = e.message_id AND a.user_id <> e.sender_user_id)`,
    ).all(myUserId) as ArmRow[];
    return rows.map(armOf);
  }

  markStopped(escalationId: string, at: number): void {
    sql(this.#db, 'UPDATE escalations SET stopped_at = ? WHERE escalation_id = ? AND stopped_at IS NULL').run(
      at,
      escalationId,
    );
  }

  /** Kept once per escalation, step and kind (the relay may hand one over twice): true when new. */
  keepReleased(item: ReleasedItem): boolean {
    return (
      sql(
        this.#db,
        `INSERT OR IGNORE INTO escalation_releases
           (escalation_id, step, kind, role_name, channel_id, message_id, released_at, sender_user_id, from_name, body, sent_at, token, acknowledged_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      ).run(
        item.escalationId,
        item.step,
        item.kind,
        item.roleName,
        item.channelId,
        item.messageId,
        item.releasedAt,
        item.senderUserId,
        item.fromName,
        item.body,
        item.sentAt,
        item.token,
      ).changes === 1
    );
  }

  releasesOf(channelId: string, messageId: string): ReleasedItem[] {
    return this.#releases('WHERE channel_id = ? AND message_id = ? ORDER BY step', channelId, messageId);
  }

  /** Steps released to this user's role, newest first. */
  steps(limit: number): ReleasedItem[] {
    return this.#releases(`WHERE kind = 'step' ORDER BY released_at DESC LIMIT ?`, limit);
  }

  step(escalationId: string): ReleasedItem | null {
    return (
      this.#releases(`WHERE kind = 'step' AND escalation_id = ? ORDER BY step DESC LIMIT 1`, escalationId)[0] ?? null
    );
  }

  markStepAcknowledged(escalationId: string, at: number): void {
    sql(
      this.#db,
      `UPDATE escalation_releases SET acknowledged_at = ? WHERE escalation_id = ? AND kind = 'step' AND acknowledged_at IS NULL`,
    ).run(at, escalationId);
  }

  #releases(where: string, ...params: unknown[]): ReleasedItem[] {
    const rows = sql(this.#db, `SELECT * FROM escalation_releases ${where}`).all(...params) as Array<{
      escalation_id: string;
      step: number;
      kind: 'notice' | 'step';
      role_name: string;
      channel_id: string;
      message_id: string;
      released_at: number;
      sender_user_id: string | null;
      from_name: string | null;
      body: string | null;
      sent_at: number | null;
      token: string | null;
      acknowledged_at: number | null;
    }>;
    return rows.map((r) => ({
      escalationId: r.escalation_id,
      step: r.step,
      kind: r.kind,
      roleName: r.role_name,
      channelId: r.channel_id,
      messageId: r.message_id,
      releasedAt: r.released_at,
      senderUserId: r.sender_user_id,
      fromName: r.from_name,
      body: r.body,
      sentAt: r.sent_at,
      token: r.token,
      acknowledgedAt: r.acknowledged_at,
    }));
  }
}

export const escalationRepository = (db: Db) => new EscalationRepository(db);
