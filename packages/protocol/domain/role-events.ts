// Function roles ("Funktionsrollen", docs/protocol.md "Function roles"): what travels, encrypted,
// in the organisation's directory channel, so the relay sees neither a role's name nor who holds
// it when. The sender is the envelope's (signed device); who may send which one, and what the log
// of them means at a given moment, every client decides alike from these events in the relay's
// order (apps/desktop/electron/core/features/roles/resolve.ts).
import { z } from 'zod';
import { escalationPolicy } from './escalation.ts';

const id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const time = z.number().int().nonnegative();

/** Who may hold a role: named users, and every user whose department (user record `ward`) is listed. */
export const roleEligibility = z.strictObject({
  userIds: z.array(id).max(500),
  departments: z.array(z.string().min(1).max(200)).max(100),
});

/**
 * Defines a role or changes it (the newest definition in the relay's order is in force): an
 * organisation admin, or a department admin whose delegation covers the department (for a change,
 * the role's current department too).
 */
export const roleDefine = z.strictObject({
  type: z.literal('role.define'),
  roleId: id,
  name: z.string().min(1).max(120),
  department: z.string().min(1).max(200),
  eligible: roleEligibility,
  /** The role that stands in when nobody holds this one (escalation uses it). */
  backupRoleId: id.nullable(),
  /** A retired role is no longer listed and cannot be held. */
  retired: z.boolean().default(false),
});

/** Longest window one roster import may cover. */
export const MAX_SCHEDULE_SPAN_MS = 400 * 24 * 3600 * 1000;

/**
 * A duty roster import for one role: for every moment in [from, to) the newest schedule covering
 * it (in the relay's order) says who holds the role; a moment no entry covers has no scheduled
 * holder. Entries are UTC instants, converted from the roster's local times at import.
 */
export const roleSchedule = z
  .strictObject({
    type: z.literal('role.schedule'),
    roleId: id,
    from: time,
    to: time,
    entries: z
      .array(z.strictObject({ userId: id, start: time, end: time }).refine((e) => e.end > e.start, 'end after start'))
      .max(500),
    /** The file it came from (shown in the audit of who imported what). */
    source: z.string().max(200),
  })
  .refine((s) => s.to > s.from && s.to - s.from <= MAX_SCHEDULE_SPAN_MS, 'window must be positive and at most 400 days')
  .refine((s) => s.entries.every((e) => e.start >= s.from && e.end <= s.to), 'entries inside the window');

/**
 * Manual holding ("Dienst übernehmen" / "Dienst abgeben"): `userId` the sender takes the role,
 * another user it is handed on to, null it is given up. In force until the next scheduled handover.
 */
export const roleHold = z.strictObject({
  type: z.literal('role.hold'),
  roleId: id,
  userId: id.nullable(),
});

/**
 * Sent once, by the channel's creator right after its name, in a conversation with a role (not in
 * the directory channel): the conversation's roster follows the role's holders from then on,
 * kept by its member devices (docs/protocol.md "Conversations with a role"). The first one in the
 * relay's order counts; its sender is the caller, who stays a member across handovers.
 */
export const roleConversation = z.strictObject({
  type: z.literal('role.conversation'),
  roleId: id,
});

/**
 * The escalation policy of urgent messages to the role (docs/protocol.md "Escalation"), or null
 * for none: a signed setting of the role, sent by whoever may define it; the newest accepted one
 * in the relay's order is in force. Its own event, not a field of role.define: a client that does
 * not know it drops it and keeps the role (role.define is strict).
 */
export const roleEscalation = z.strictObject({
  type: z.literal('role.escalation'),
  roleId: id,
  policy: escalationPolicy.nullable(),
});

export type RoleConversationPayload = z.output<typeof roleConversation>;
export type RoleDefinePayload = z.output<typeof roleDefine>;
export type RoleSchedulePayload = z.output<typeof roleSchedule>;
export type RoleHoldPayload = z.output<typeof roleHold>;
export type RoleEscalationPayload = z.output<typeof roleEscalation>;
export type RolePayload = RoleDefinePayload | RoleSchedulePayload | RoleHoldPayload | RoleEscalationPayload;
