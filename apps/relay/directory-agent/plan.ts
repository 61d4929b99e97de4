// What a run would change: the people of the configured groups against the users the agent
// manages in the Klinikfunk directory. Pure: the same inputs give the same plan, for the dry run
// and for apply. The safety checks refuse a whole plan rather than part of it.
import { createHash } from 'node:crypto';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { AgentConfig } from './config.ts';
import type { DirectoryPerson } from './ldap-source.ts';

/** Prefix of the user ids the agent derives; users without it are never touched. */
export const AGENT_USER_PREFIX = 'ldap-';

/**
 * The Klinikfunk user id of a directory person: derived from the organisation and the stable id
 * (entryUUID/objectGUID), so the agent keeps no state of its own and a renamed person, a changed
 * mail address or a moved entry keeps their account.
 */
export function userIdFor(orgId: string, stableId: string): string {
  const digest = createHash('sha256').update(`klinikfunk/directory-agent\n${orgId}\n${stableId}`).digest();
  return AGENT_USER_PREFIX + toBase64Url(digest.subarray(0, 24));
}

type UserFields = Pick<RecordBody<'user'>, 'displayName' | 'ward' | 'active'>;

export type Change =
  | { kind: 'create'; userId: string; dn: string; to: UserFields }
  | { kind: 'update'; userId: string; dn: string; from: UserFields; to: UserFields }
  | { kind: 'deactivate'; userId: string; dn: string | null; from: UserFields; why: 'disabled' | 'removed' };

export interface Plan {
  changes: Change[];
  /** People found in the configured groups. */
  found: number;
  unchanged: number;
}

export class SafetyError extends Error {
  override readonly name = 'SafetyError';
}

const fields = (body: RecordBody<'user'>): UserFields => ({
  displayName: body.displayName,
  ward: body.ward,
  active: body.active,
});

const same = (a: UserFields, b: UserFields) =>
  a.displayName === b.displayName && a.ward === b.ward && a.active === b.active;

export function planSync(
  people: readonly DirectoryPerson[],
  users: ReadonlyMap<string, SignedRecord<'user'>>,
  revokedUsers: ReadonlySet<string>,
  orgId: string,
  safety: AgentConfig['safety'],
): Plan {
  if (people.length < safety.minUsers)
    throw new SafetyError(
      `the directory named ${people.length} people, fewer than safety.minUsers (${safety.minUsers}): nothing changed`,
    );
  const changes: Change[] = [];
  const seen = new Set<string>();
  let unchanged = 0;
  for (const person of people) {
    const userId = userIdFor(orgId, person.stableId);
    if (seen.has(userId)) continue;
    seen.add(userId);
    const current = users.get(userId)?.body;
    const to: UserFields = { displayName: person.displayName, ward: person.department, active: !person.disabled };
    if (!current) {
      // A disabled account that never had a Klinikfunk user gets none.
      if (!person.disabled) changes.push({ kind: 'create', userId, dn: person.dn, to });
    } else if (revokedUsers.has(userId) || current.role !== 'member') {
      unchanged++;
    } else if (person.disabled && current.active) {
      changes.push({ kind: 'deactivate', userId, dn: person.dn, from: fields(current), why: 'disabled' });
    } else if (person.disabled || same(fields(current), to)) {
      unchanged++;
    } else {
      changes.push({ kind: 'update', userId, dn: person.dn, from: fields(current), to });
    }
  }
  let managedActive = 0;
  for (const [userId, record] of users) {
    if (!userId.startsWith(AGENT_USER_PREFIX) || record.body.role !== 'member') continue;
    if (!record.body.active || revokedUsers.has(userId)) continue;
    managedActive++;
    if (!seen.has(userId))
      changes.push({ kind: 'deactivate', userId, dn: null, from: fields(record.body), why: 'removed' });
  }
  const deactivations = changes.filter((c) => c.kind === 'deactivate').length;
  const allowed = Math.ceil(safety.maxDeactivateShare * managedActive);
  if (deactivations > allowed)
    throw new SafetyError(
      `${deactivations} of ${managedActive} active users would be deactivated, more than safety.maxDeactivateShare (${safety.maxDeactivateShare}) allows: nothing changed`,
    );
  return { changes, found: people.length, unchanged };
}

/** The dry run's lines: one a change, in the plan's order. */
export function describePlan(plan: Plan): string[] {
  const show = (f: UserFields) => `"${f.displayName}" (${f.ward ?? 'ohne Bereich'})${f.active ? '' : ' inaktiv'}`;
  return plan.changes.map((c) => {
    switch (c.kind) {
      case 'create':
        return `+ ${c.userId} ${show(c.to)} ${c.dn}`;
      case 'update':
        return `~ ${c.userId} ${show(c.from)} -> ${show(c.to)} ${c.dn}`;
      case 'deactivate':
        return `- ${c.userId} ${show(c.from)} ${c.why === 'disabled' ? `disabled in the directory ${c.dn}` : 'no longer in a configured group'}`;
    }
  });
}

export function summarize(plan: Plan): Record<string, number> {
  const count = (kind: Change['kind']) => plan.changes.filter((c) => c.kind === kind).length;
  return {
    found: plan.found,
    created: count('create'),
    updated: count('update'),
    deactivated: count('deactivate'),
    unchanged: plan.unchanged,
  };
}
