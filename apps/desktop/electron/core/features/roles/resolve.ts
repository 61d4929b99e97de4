// Who holds which function role, decided from the role events of the directory channel alone, in
// the relay's order, so every client that has the same log answers the same for the same moment
// (docs/protocol.md "Function roles"). Pure: the directory facts it needs (organisation admins,
// delegations, departments) come through `RoleAuthority`, read from the signed records as they
// were at each event's relay time, so a later change does not rewrite an earlier verdict.
import type { EscalationPolicy } from '@klinikfunk/protocol/domain/escalation.ts';
import type { RoleDefinePayload, RolePayload, RoleSchedulePayload } from '@klinikfunk/protocol/domain/role-events.ts';

/** One role event as logged: the sender from the envelope, its place and time from the relay. */
export interface RoleOp {
  eventId: string;
  /** The relay's sequence number; null while an own event waits to be sent (it then counts last). */
  seq: number | null;
  /** The relay's time; null while pending (the sender's createdAt stands in, on its own device only). */
  relayAt: number | null;
  createdAt: number;
  senderUserId: string;
  senderDeviceId: string;
  payload: RolePayload;
}

/** Facts from the signed directory records at a moment (relay time). */
export interface RoleAuthority {
  /** The user's record in force then says organisation admin, active and not revoked. */
  isOrgAdmin(userId: string, at: number): boolean;
  /** Departments the device administers by a delegation in force then: 'all' for every member's. */
  delegatedDepartments(deviceId: string, at: number): 'all' | readonly string[];
  /** The user's department then; null: no department; undefined: unknown, inactive or revoked user. */
  departmentOf(userId: string, at: number): string | null | undefined;
}

export type RoleRefusal =
  'not_role_admin' | 'unknown_role' | 'retired_role' | 'not_eligible' | 'not_holder' | 'invalid_backup' | 'replayed';

export interface ScheduleLayer {
  from: number;
  to: number;
  entries: ReadonlyArray<{ userId: string; start: number; end: number }>;
}

export interface RoleState {
  definition: RoleDefinePayload;
  definedBy: string;
  /** Schedules, oldest first in the relay's order: for a moment the newest one covering it decides. */
  layers: ScheduleLayer[];
  /** The manual holding in force (the newest accepted role.hold), if any. */
  manual: { userId: string | null; at: number; by: string } | null;
  /** The escalation policy in force (the newest accepted role.escalation); null: none. */
  escalation: EscalationPolicy | null;
}

export interface RoleFold {
  roles: Map<string, RoleState>;
  /** Every refused event with its reason, by event id: the same on every client. */
  refused: Map<string, RoleRefusal>;
}

export interface Holding {
  userIds: string[];
  /** Since when these hold it (the start of the entry or takeover); null when nobody does. */
  since: number | null;
  source: 'schedule' | 'manual' | 'none';
  /** When the schedule changes holders next (a manual holding ends then); null: no change ahead. */
  nextHandover: number | null;
}

export const timeOf = (op: Pick<RoleOp, 'relayAt' | 'createdAt'>): number => op.relayAt ?? op.createdAt;

function mayAdminister(authority: RoleAuthority, op: RoleOp, departments: readonly string[]): boolean {
  const at = timeOf(op);
  if (authority.isOrgAdmin(op.senderUserId, at)) return true;
  const delegated = authority.delegatedDepartments(op.senderDeviceId, at);
  return delegated === 'all' || departments.every((d) => delegated.includes(d));
}

/** Whether the user may hold the role at that moment (named, or in a named department; active). */
export function isEligible(
  authority: RoleAuthority,
  definition: RoleDefinePayload,
  userId: string,
  at: number,
): boolean {
  const department = authority.departmentOf(userId, at);
  if (department === undefined) return false;
  return (
    definition.eligible.userIds.includes(userId) ||
    (department !== null && definition.eligible.departments.includes(department))
  );
}

/** The schedule's holders at t: the entries of the newest layer covering t (none: a gap). */
export function scheduledAt(layers: readonly ScheduleLayer[], t: number): { userIds: string[]; since: number | null } {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (t < layer.from || t >= layer.to) continue;
    const now = layer.entries.filter((e) => e.start <= t && t < e.end);
    if (now.length === 0) return { userIds: [], since: null };
    return {
      userIds: [...new Set(now.map((e) => e.userId))].sort(),
      since: Math.max(...now.map((e) => e.start)),
    };
  }
  return { userIds: [], since: null };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Every moment a schedule can change holders at, sorted; kept per layer list while it does not grow. */
const changePoints = new WeakMap<readonly ScheduleLayer[], { count: number; points: number[] }>();

function pointsOf(layers: readonly ScheduleLayer[]): number[] {
  const cached = changePoints.get(layers);
  if (cached?.count === layers.length) return cached.points;
  const set = new Set<number>();
  for (const layer of layers) {
    set.add(layer.from).add(layer.to);
    for (const e of layer.entries) set.add(e.start).add(e.end);
  }
  const points = [...set].sort((a, b) => a - b);
  changePoints.set(layers, { count: layers.length, points });
  return points;
}

/** The first moment after t at which the schedule names other holders than at t; null: none ahead. */
export function nextScheduledChange(layers: readonly ScheduleLayer[], t: number): number | null {
  const points = pointsOf(layers);
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  const current = scheduledAt(layers, t).userIds;
  for (let i = lo; i < points.length; i++)
    if (!sameSet(scheduledAt(layers, points[i]!).userIds, current)) return points[i]!;
  return null;
}

/**
 * Who holds the role at t. The conflict rule, in one place: a manual holding (the newest accepted
 * role.hold at or before t in the relay's order) is in force from its relay time until the
 * schedule next names other holders than it named at that time; otherwise the newest schedule
 * covering t names them (overlapping entries of one schedule: all their users hold the role).
 */
export function holdersAt(state: RoleState, t: number): Holding {
  const manual = state.manual;
  if (manual && manual.at <= t) {
    const end = nextScheduledChange(state.layers, manual.at);
    if (end === null || t < end)
      return manual.userId === null
        ? { userIds: [], since: null, source: 'none', nextHandover: end }
        : { userIds: [manual.userId], since: manual.at, source: 'manual', nextHandover: end };
    const scheduled = scheduledAt(state.layers, t);
    return {
      userIds: scheduled.userIds,
      since: scheduled.since === null ? null : Math.max(scheduled.since, end),
      source: scheduled.userIds.length > 0 ? 'schedule' : 'none',
      nextHandover: nextScheduledChange(state.layers, t),
    };
  }
  const scheduled = scheduledAt(state.layers, t);
  return {
    ...scheduled,
    source: scheduled.userIds.length > 0 ? 'schedule' : 'none',
    nextHandover: nextScheduledChange(state.layers, t),
  };
}

/**
 * Who holds the role at t as shown and escalated to: `holdersAt`, less users the directory says
 * are deactivated or revoked by t (a roster or takeover from before cannot keep them on duty).
 */
export function holdingAt(authority: RoleAuthority, state: RoleState, t: number): Holding {
  const holding = holdersAt(state, t);
  const userIds = holding.userIds.filter((u) => authority.departmentOf(u, t) !== undefined);
  if (userIds.length === holding.userIds.length) return holding;
  return userIds.length > 0
    ? { ...holding, userIds }
    : { userIds, since: null, source: 'none', nextHandover: holding.nextHandover };
}

/** Whether an admin may act on the role (the department of its definition, and of a new one). */
function checkDefine(authority: RoleAuthority, state: RoleState | undefined, op: RoleOp): RoleRefusal | null {
  const p = op.payload as RoleDefinePayload;
  const departments = state ? [state.definition.department, p.department] : [p.department];
  if (!mayAdminister(authority, op, departments)) return 'not_role_admin';
  if (p.backupRoleId === p.roleId) return 'invalid_backup';
  return null;
}

function checkSchedule(authority: RoleAuthority, state: RoleState, op: RoleOp): RoleRefusal | null {
  if (!mayAdminister(authority, op, [state.definition.department])) return 'not_role_admin';
  const p = op.payload as RoleSchedulePayload;
  const at = timeOf(op);
  // A roster names a few people many times: each is looked up once.
  const users = new Set(p.entries.map((e) => e.userId));
  return [...users].every((u) => isEligible(authority, state.definition, u, at)) ? null : 'not_eligible';
}

function checkHold(authority: RoleAuthority, state: RoleState, op: RoleOp, target: string | null): RoleRefusal | null {
  const at = timeOf(op);
  const admin = () => mayAdminister(authority, op, [state.definition.department]);
  if (target !== null && !isEligible(authority, state.definition, target, at)) return 'not_eligible';
  // Taking it oneself needs only eligibility; handing it on or giving it up, the role in hand.
  if (target === op.senderUserId) return null;
  return holdersAt(state, at).userIds.includes(op.senderUserId) || admin() ? null : 'not_holder';
}

/** One event's effect on the fold; null when applied, else why it was refused. */
function applyOp(fold: RoleFold, authority: RoleAuthority, op: RoleOp): RoleRefusal | null {
  const p = op.payload;
  const state = fold.roles.get(p.roleId);
  if (p.type === 'role.define') {
    const refusal = checkDefine(authority, state, op);
    if (refusal) return refusal;
    fold.roles.set(p.roleId, {
      definition: p,
      definedBy: op.senderUserId,
      layers: state?.layers ?? [],
      manual: state?.manual ?? null,
      escalation: state?.escalation ?? null,
    });
    return null;
  }
  if (!state) return 'unknown_role';
  if (state.definition.retired) return 'retired_role';
  if (p.type === 'role.schedule') {
    const refusal = checkSchedule(authority, state, op);
    if (refusal) return refusal;
    state.layers.push({ from: p.from, to: p.to, entries: p.entries });
    return null;
  }
  if (p.type === 'role.escalation') {
    // A setting of the role: whoever may define it, nobody else (a holder cannot silence the chain).
    if (!mayAdminister(authority, op, [state.definition.department])) return 'not_role_admin';
    state.escalation = p.policy;
    return null;
  }
  const refusal = checkHold(authority, state, op, p.userId);
  if (refusal) return refusal;
  state.manual = { userId: p.userId, at: timeOf(op), by: op.senderUserId };
  return null;
}

/**
 * Folds role events, given in the relay's order (own pending ones last), into each role's state.
 * A second event with an event id already seen (a relay replaying one) is refused as `replayed`.
 */
export function foldRoles(ops: Iterable<RoleOp>, authority: RoleAuthority): RoleFold {
  const fold: RoleFold = { roles: new Map(), refused: new Map() };
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.eventId)) {
      fold.refused.set(op.eventId, 'replayed');
      continue;
    }
    seen.add(op.eventId);
    const refusal = applyOp(fold, authority, op);
    if (refusal) fold.refused.set(op.eventId, refusal);
  }
  return fold;
}

/** What this user may not do right now, with the same reason every client's fold would give. */
export function holdRefusal(
  fold: RoleFold,
  authority: RoleAuthority,
  op: Omit<RoleOp, 'payload'> & { payload: { type: 'role.hold'; roleId: string; userId: string | null } },
): RoleRefusal | null {
  const state = fold.roles.get(op.payload.roleId);
  if (!state) return 'unknown_role';
  if (state.definition.retired) return 'retired_role';
  return checkHold(authority, state, op, op.payload.userId);
}

/** Whether the sender may define this role or import its schedule (the fold's check, ahead of sending). */
export function adminRefusal(fold: RoleFold, authority: RoleAuthority, op: RoleOp): RoleRefusal | null {
  const state = fold.roles.get(op.payload.roleId);
  if (op.payload.type === 'role.define') return checkDefine(authority, state, op);
  if (!state) return 'unknown_role';
  if (state.definition.retired) return 'retired_role';
  if (op.payload.type === 'role.escalation')
    return mayAdminister(authority, op, [state.definition.department]) ? null : 'not_role_admin';
  return op.payload.type === 'role.schedule' ? checkSchedule(authority, state, op) : null;
}
