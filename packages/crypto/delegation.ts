// Scope rules of delegated administration (delegation records, packages/protocol/wire/records.ts),
// shared by the Directory on the relay and on every client. A delegated key administers members
// (never admins) of its departments, or every member: it may sign user, enrolment, device and
// revocation records for them, and nothing else. The Directory checks the signer (delegation
// known, not revoked, the record signed before the delegation's end) and asks this module
// whether the record stays inside the scope.
import type { RecordBody, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { RecordVerdict } from './records.ts';

/** What the scope check needs to know about the directory's current state. */
export interface ScopeView {
  users: ReadonlyMap<string, SignedRecord<'user'>>;
  devices: ReadonlyMap<string, { record: SignedRecord<'device'> }>;
  enrolments: ReadonlyMap<string, SignedRecord<'enrolment'>>;
}

type Scope = RecordBody<'delegation'>['scope'];

/** The time a delegated record claims it was signed: checked against the delegation's end. */
export function signedAtOf(record: SignedRecord): number | null {
  const body = record.body as { issuedAt?: unknown; revokedAt?: unknown };
  const at = body.issuedAt ?? body.revokedAt;
  return typeof at === 'number' ? at : null;
}

/** Is a user (by the body of their user record) something this scope covers? */
function covers(scope: Scope, user: RecordBody<'user'>): boolean {
  if (user.role !== 'member') return false;
  return scope.kind === 'all_members' || (user.ward !== null && scope.departments.includes(user.ward));
}

function refuse(detail: string): RecordVerdict {
  return { ok: false, reason: 'not_permitted', detail };
}

/** The existing user a record is about must be inside the scope (an unknown user is refused). */
function userInScope(scope: Scope, view: ScopeView, userId: string | undefined): string | null {
  const user = userId === undefined ? undefined : view.users.get(userId)?.body;
  if (!user) return 'delegated record names an unknown user';
  if (user.role === 'admin') return 'a delegated key cannot act on an admin';
  if (!covers(scope, user)) return 'user is outside the delegation scope';
  return null;
}

/** Whether a record signed with a delegated key stays inside the delegation's scope. */
export function checkDelegatedScope(
  record: SignedRecord,
  delegation: RecordBody<'delegation'>,
  view: ScopeView,
): RecordVerdict {
  const { scope } = delegation;
  switch (record.type) {
    case 'user': {
      const body = (record as SignedRecord<'user'>).body;
      if (body.role !== 'member') return refuse('a delegated key cannot make or change an admin');
      const previous = view.users.get(body.userId)?.body;
      // Changing a user needs the user as they are now in scope, too: no moving a user of another
      // department (or an admin) into one's own.
      if (previous && previous.role === 'admin') return refuse('a delegated key cannot act on an admin');
      if (previous && !covers(scope, previous)) return refuse('user is outside the delegation scope');
      if (!covers(scope, body)) return refuse('department is outside the delegation scope');
      return { ok: true, record };
    }
    case 'enrolment': {
      // A registration key adds a device later, when its holder types it: it must not carry the
      // delegation's authority past the delegation's own end.
      if ((record as SignedRecord<'enrolment'>).body.expiresAt > delegation.expiresAt)
        return refuse('a registration key cannot outlast its delegation');
      const problem = userInScope(scope, view, (record.body as { userId: string }).userId);
      return problem ? refuse(problem) : { ok: true, record };
    }
    case 'device': {
      const problem = userInScope(scope, view, (record.body as { userId: string }).userId);
      return problem ? refuse(problem) : { ok: true, record };
    }
    case 'revocation': {
      const { target } = (record as SignedRecord<'revocation'>).body;
      const userId =
        target.kind === 'user'
          ? target.userId
          : target.kind === 'device'
            ? view.devices.get(target.deviceId)?.record.body.userId
            : view.enrolments.get(target.enrolmentId)?.body.userId;
      const problem = userInScope(scope, view, userId);
      return problem ? refuse(problem) : { ok: true, record };
    }
    // ALLOWED_SIGNERS refuses these before the signature; here again, should that table change.
    case 'org_root':
    case 'roster':
    case 'wipe':
    case 'wipe_done':
    case 'org_settings':
    case 'delegation':
    case 'delegation_revocation':
    case 'org_rotation':
      return refuse(`a delegated key may not sign ${record.type}`);
    default: {
      const _unhandled: never = record.type;
      return refuse('unknown record type');
    }
  }
}
