// The SQL of function roles: role events of the directory channel are kept as logged (`role_ops`,
// inside applyEvents' transaction through the store's port store/content-features.ts), and the
// directory facts the fold decides by are read from the signed records as they were at a moment
// (the relay time of each event). Who may do what, and who holds what, is resolve.ts's.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import {
  roleConversation,
  roleDefine,
  roleEscalation,
  roleHold,
  roleSchedule,
  type RolePayload,
} from '@klinikfunk/protocol/domain/role-events.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import { DirectoryAuthority } from '../../store/directory-facts.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';
import type { RoleAuthority, RoleOp } from './resolve.ts';
import { followOp, keepOp, opLogVersion, opsOf } from '../kit/op-log-repository.ts';

function keep(db: Db, event: ChannelEvent): string | null {
  if (event.payload.type === 'role.conversation') return link(db, event, event.payload.roleId);
  // Only the directory channel, whose roster is every active user, carries roles.
  if (sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck().get(event.channelId) !== 1)
    return 'not_directory_channel';
  // The replay rule and the keeping: kit/op-log-repository.ts.
  return keepOp(db, 'role_ops', event);
}

/**
 * A conversation with a role: the first link of a channel counts (its creator sends it right after
 * the name); one under another event id is refused, so no later member can turn the conversation
 * to another role or make themselves its caller.
 */
function link(db: Db, event: ChannelEvent, roleId: string): string | null {
  if (sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck().get(event.channelId) === 1)
    return 'directory_channel';
  if (!madeForRole(db, event.channelId, event.senderUserId)) return 'not_role_conversation';
  const kept = sql(db, 'SELECT event_id FROM role_conversations WHERE channel_id = ?').pluck().get(event.channelId) as
    string | undefined;
  if (kept !== undefined) return kept === event.eventId ? null : 'already_linked';
  sql(db, 'INSERT INTO role_conversations (channel_id, role_id, caller_user_id, event_id) VALUES (?, ?, ?, ?)').run(
    event.channelId,
    roleId,
    event.senderUserId,
    event.eventId,
  );
  return null;
}

/**
 * Only a channel made as a conversation with a role may become one: its first roster (epoch 1) a
 * `conversation` whose members are all admins, signed by a device of the link's sender. Any other
 * channel's admin linking it would have the member devices sign everyone but the caller and the
 * holders out, and their devices delete it (roleHistoryForPreviousHolders off).
 */
function madeForRole(db: Db, channelId: string, senderUserId: string): boolean {
  const first = sql(
    db,
    `SELECT record FROM directory_records WHERE type = 'roster' AND subject = ? AND json_extract(record, '$.body.epoch') = 1 LIMIT 1`,
  )
    .pluck()
    .get(channelId) as string | undefined;
  if (first === undefined) return false;
  const roster = JSON.parse(first) as {
    signer?: { kind?: string; id?: string };
    body: { kind?: string; members?: Array<{ role?: string }> };
  };
  if (roster.body.kind !== 'conversation' || !roster.body.members?.every((m) => m.role === 'admin')) return false;
  if (roster.signer?.kind !== 'device') return false;
  const signerUser = sql(
    db,
    `SELECT json_extract(record, '$.body.userId') FROM directory_records WHERE type = 'device' AND json_extract(record, '$.body.deviceId') = ? LIMIT 1`,
  )
    .pluck()
    .get(roster.signer.id) as string | undefined;
  return signerUser === senderUserId;
}

/**
 * An own event got its place from the relay (its seq and relay time are in the log now), or was
 * refused for good (gone from the log): its row follows the log. The fold reads them in order on
 * every read, so nothing else is recomputed.
 */
function follow(db: Db, event: ChannelEvent): Map<string, string | null> {
  if (event.payload.type === 'role.conversation') return followLink(db, event);
  return followOp(db, 'role_ops', event);
}

/** An own link refused for good by the relay: the channel is no conversation with a role. */
function followLink(db: Db, event: ChannelEvent): Map<string, string | null> {
  const logged = sql(db, 'SELECT 1 FROM events WHERE channel_id = ? AND event_id = ?').get(
    event.channelId,
    event.eventId,
  );
  if (!logged)
    sql(db, 'DELETE FROM role_conversations WHERE channel_id = ? AND event_id = ?').run(event.channelId, event.eventId);
  return new Map([[event.eventId, logged ? null : 'refused']]);
}

// Any member of the directory channel may send one (the rule table lets it in); who may define,
// schedule or hold which role the fold decides from the log in order (resolve.ts). They travel
// labelled like the directory channel's other events, so the relay cannot tell them from an
// announcement (docs/security.md "Function roles").
const anyMember = { who: 'member' } as const;
export const rolesContent: ContentFeature = {
  name: 'roles',
  events: {
    'role.define': { schema: roleDefine, rule: anyMember, contentType: 'channel' },
    'role.schedule': { schema: roleSchedule, rule: anyMember, contentType: 'channel' },
    'role.hold': { schema: roleHold, rule: anyMember, contentType: 'channel' },
    'role.escalation': { schema: roleEscalation, rule: anyMember, contentType: 'channel' },
    // Its creator, the channel's first admin, sends it (every member of such a conversation is one).
    'role.conversation': { schema: roleConversation, rule: { who: 'channel_admin' }, contentType: 'channel' },
  },
  apply: keep,
  author: () => undefined,
  ordered: {
    keepsRefusedPayload: true,
    recompute: follow,
    // The fold reads role_ops in seq order whenever asked, so an event opened late needs nothing more.
    openedLate: () => false,
  },
};

export interface RoleConversationRow {
  channelId: string;
  roleId: string;
  /** Who opened the conversation with the role: a member across every handover. */
  callerUserId: string;
  droppedAt: number | null;
}

/** The read side, built by the store (ProfileStore.repository). */
export class RoleRepository implements RoleAuthority {
  readonly #db: Db;
  readonly #authority: DirectoryAuthority;
  constructor(db: Db) {
    this.#db = db;
    this.#authority = new DirectoryAuthority(db);
  }

  /** Every kept role event in the relay's order, own pending ones last. */
  ops(): RoleOp[] {
    return opsOf<RolePayload>(this.#db, 'role_ops');
  }

  /** Changes whenever a role event or a directory record is added or gets its place (the fold's cache key). */
  version(): string {
    return opLogVersion(this.#db, 'role_ops');
  }

  /** Every conversation with a role this profile knows (its own or one it was added to). */
  conversations(): RoleConversationRow[] {
    const rows = sql(
      this.#db,
      'SELECT channel_id, role_id, caller_user_id, dropped_at FROM role_conversations ORDER BY channel_id',
    ).all() as Array<{ channel_id: string; role_id: string; caller_user_id: string; dropped_at: number | null }>;
    return rows.map((r) => ({
      channelId: r.channel_id,
      roleId: r.role_id,
      callerUserId: r.caller_user_id,
      droppedAt: r.dropped_at,
    }));
  }

  conversation(channelId: string): RoleConversationRow | null {
    const row = sql(
      this.#db,
      'SELECT role_id, caller_user_id, dropped_at FROM role_conversations WHERE channel_id = ?',
    ).get(channelId) as { role_id: string; caller_user_id: string; dropped_at: number | null } | undefined;
    return row ? { channelId, roleId: row.role_id, callerUserId: row.caller_user_id, droppedAt: row.dropped_at } : null;
  }

  /** This device deleted the conversation's content and keys (it was removed at a handover). */
  markDropped(channelId: string, at: number): void {
    sql(this.#db, 'UPDATE role_conversations SET dropped_at = ? WHERE channel_id = ?').run(at, channelId);
  }

  /** Added again (it holds the role once more): the next removal drops again. */
  clearDropped(channelId: string): void {
    sql(
      this.#db,
      'UPDATE role_conversations SET dropped_at = NULL WHERE channel_id = ? AND dropped_at IS NOT NULL',
    ).run(channelId);
  }

  // The directory facts the fold decides by (shared with templates and alerts: store/directory-facts.ts).
  isOrgAdmin(userId: string, at: number): boolean {
    return this.#authority.isOrgAdmin(userId, at);
  }

  delegatedDepartments(deviceId: string, at: number): 'all' | readonly string[] {
    return this.#authority.delegatedDepartments(deviceId, at);
  }

  departmentOf(userId: string, at: number): string | null | undefined {
    return this.#authority.departmentOf(userId, at);
  }
}

export const roleRepository = (db: Db) => new RoleRepository(db);
