// The agent's plan: people of the configured groups against the users it manages. Ids come from
// the stable id alone; the safety checks refuse a whole plan.
import { describe, expect, it } from 'vitest';
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { DirectoryPerson } from '../../../apps/relay/directory-agent/ldap-source.ts';
import { describePlan, planSync, SafetyError, userIdFor } from '../../../apps/relay/directory-agent/plan.ts';

const ORG = 'org-test-0001';
const SAFETY = { maxDeactivateShare: 0.1, minUsers: 1 };

const person = (i: number, extra: Partial<DirectoryPerson> = {}): DirectoryPerson => ({
  stableId: `uuid-${i}`,
  dn: `uid=p${i},ou=Personal`,
  displayName: `Person ${i}`,
  department: 'Kardiologie',
  disabled: false,
  groups: ['cn=staff'],
  ...extra,
});

function usersFor(people: DirectoryPerson[], extra: Partial<RecordBody<'user'>> = {}) {
  const users = new Map<string, SignedRecord<'user'>>();
  for (const p of people) {
    const userId = userIdFor(ORG, p.stableId);
    const body: RecordBody<'user'> = {
      orgId: ORG,
      userId,
      displayName: p.displayName,
      role: 'member',
      ward: p.department,
      active: true,
      issuedAt: 1,
      ...extra,
    };
    users.set(userId, { v: 1, type: 'user', body, signer: { kind: 'delegate', id: 'dlg-1' }, sig: '' });
  }
  return users;
}

describe('directory agent plan', () => {
  it('derives a stable id from the organisation and entryUUID/objectGUID only', () => {
    expect(userIdFor(ORG, 'uuid-1')).toBe(userIdFor(ORG, 'uuid-1'));
    expect(userIdFor(ORG, 'uuid-1')).not.toBe(userIdFor('org-other-01', 'uuid-1'));
    expect(userIdFor(ORG, 'uuid-1')).toMatch(/^ldap-[A-Za-z0-9_-]{32}$/);
  });

  it('creates, updates, deactivates and leaves alone', () => {
    const people = Array.from({ length: 20 }, (_, i) => person(i));
    const users = usersFor(people);
    const now = [
      ...people.slice(2, 19),
      person(0, { displayName: 'Neuer Name' }),
      person(1, { disabled: true }),
      person(50),
      person(51, { disabled: true }),
    ];
    const plan = planSync(now, users, new Set(), ORG, SAFETY);
    expect(plan.changes.map((c) => [c.kind, c.userId])).toEqual([
      ['update', userIdFor(ORG, 'uuid-0')],
      ['deactivate', userIdFor(ORG, 'uuid-1')],
      ['create', userIdFor(ORG, 'uuid-50')],
      ['deactivate', userIdFor(ORG, 'uuid-19')],
    ]);
    expect(plan.unchanged).toBe(17);
    expect(describePlan(plan)[3]).toContain('no longer in a configured group');
  });

  it('reactivates a person enabled again; never touches admins or users it did not make', () => {
    const people = [person(0), person(1)];
    const users = usersFor(people, { active: false });
    // A user an admin made (no agent id) is in no group, and stays active.
    const [first] = users.values();
    users.set('usr-manual-0001', { ...first!, body: { ...first!.body, userId: 'usr-manual-0001', active: true } });
    const plan = planSync(people, users, new Set(), ORG, SAFETY);
    expect(plan.changes.map((c) => c.kind)).toEqual(['update', 'update']);
    const asAdmin = usersFor([person(0)], { role: 'admin' });
    expect(planSync([person(0, { displayName: 'X' })], asAdmin, new Set(), ORG, SAFETY).changes).toEqual([]);
  });

  it('refuses an empty answer and a mass deactivation', () => {
    const people = Array.from({ length: 100 }, (_, i) => person(i));
    const users = usersFor(people);
    expect(() => planSync([], users, new Set(), ORG, SAFETY)).toThrow(SafetyError);
    // 10 of 100 may go; 11 may not.
    expect(planSync(people.slice(10), users, new Set(), ORG, SAFETY).changes).toHaveLength(10);
    expect(() => planSync(people.slice(11), users, new Set(), ORG, SAFETY)).toThrow(/maxDeactivateShare/);
    expect(
      planSync(people.slice(11), users, new Set(), ORG, { ...SAFETY, maxDeactivateShare: 0.5 }).changes,
    ).toHaveLength(11);
  });
});
