// IPC handlers for the holder of a delegation (Bereichsadministration, issue 19): a department
// admin's device signs user, enrolment and revocation records with its own key as the delegate
// (packages/protocol/api/features/delegation.ts, `delegated.*`). Before uploading, the
// record is checked with this device's own Directory, the same check relay and clients run, so
// an out-of-scope action gets `not_permitted` with the reason and nothing is sent.
import type { DELEGATION_METHOD_NAMES } from '@klinikfunk/protocol/api/features/delegation-names.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { makeDelegatedRegistration, signAsDelegate } from '../../account/delegation.ts';
import { newId } from '../../account/org-setup.ts';
import { publishAdminRecord, registrationLetter } from '../admin-handlers.ts';
import type { HandlerContext } from '../handler-context.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';

type Names = Extract<(typeof DELEGATION_METHOD_NAMES)[number], `delegated.${string}`>;

const done = { done: true as const };

/** The visible profile, if this device holds that delegation and it is usable now. */
export function requireDelegationHolder(
  ctx: Pick<HandlerContext, 'sessions' | 'clock'>,
  delegationId: string,
): ProfileRuntime {
  const runtime = ctx.sessions.visible();
  const dir = runtime.client.directory;
  const delegation = dir.delegations.get(delegationId)?.body;
  if (
    !delegation ||
    delegation.holder.kind !== 'device' ||
    delegation.holder.deviceId !== runtime.identity.deviceId ||
    dir.revokedDelegations.has(delegationId) ||
    delegation.expiresAt < ctx.clock.now()
  )
    throw new AppError('not_permitted', 'This device holds no such delegation, or it was revoked or has ended.');
  return runtime;
}

export function delegatedHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const { sessions, clock } = ctx;

  const holder = (delegationId: string): ProfileRuntime => requireDelegationHolder(ctx, delegationId);

  /** Checks the record as relay and clients will, then uploads it. */
  const publish = async (runtime: ProfileRuntime, record: SignedRecord): Promise<void> => {
    const verdict = runtime.client.directory.verify(record);
    if (!verdict.ok)
      throw new AppError('not_permitted', `Outside this delegation: ${verdict.detail ?? verdict.reason}.`);
    await publishAdminRecord(runtime, record);
  };

  return {
    'delegated.mine': () => {
      const runtime = sessions.visible();
      const dir = runtime.client.directory;
      const now = clock.now();
      return [...dir.delegations.values()]
        .map((r) => r.body)
        .filter(
          (d) =>
            d.holder.kind === 'device' &&
            d.holder.deviceId === runtime.identity.deviceId &&
            !dir.revokedDelegations.has(d.delegationId) &&
            d.expiresAt >= now,
        )
        .map((d) => ({ delegationId: d.delegationId, label: d.label, scope: d.scope, expiresAt: d.expiresAt }));
    },

    'delegated.addUser': async ({ delegationId, displayName, ward }) => {
      const runtime = holder(delegationId);
      const record = signAsDelegate(runtime.identity, delegationId, 'user', {
        orgId: runtime.identity.orgId,
        userId: newId('usr'),
        displayName,
        role: 'member',
        ward,
        active: true,
        issuedAt: clock.now(),
      });
      await publish(runtime, record);
      return { userId: record.body.userId };
    },

    'delegated.updateUser': async ({ delegationId, userId, ...change }) => {
      const runtime = holder(delegationId);
      const previous = runtime.client.directory.users.get(userId)?.body;
      if (!previous) throw new AppError('not_found', 'No user with this id.');
      const record = signAsDelegate(runtime.identity, delegationId, 'user', {
        ...previous,
        displayName: change.displayName ?? previous.displayName,
        ward: change.ward ?? previous.ward,
        active: change.active ?? previous.active,
        // Later than the record it replaces, or the directory keeps the old one (admin.ts).
        issuedAt: Math.max(clock.now(), previous.issuedAt + 1),
      });
      await publish(runtime, record);
      return done;
    },

    'delegated.createRegistrationKey': async ({ delegationId, userId }) => {
      const runtime = holder(delegationId);
      const user = runtime.client.directory.users.get(userId)?.body;
      if (!user?.active) throw new AppError('not_found', 'No active user with this id.');
      const delegation = runtime.client.directory.delegations.get(delegationId)!.body;
      const { code, record } = makeDelegatedRegistration(runtime.identity, delegation, userId, clock.now());
      await publish(runtime, record);
      return registrationLetter(runtime, user.displayName, code, record.body);
    },

    'delegated.revokeDevice': async ({ delegationId, deviceId, reason }) => {
      const runtime = holder(delegationId);
      if (deviceId === runtime.identity.deviceId)
        throw new AppError('not_permitted', 'This device cannot revoke itself.');
      if (!runtime.client.directory.devices.has(deviceId)) throw new AppError('not_found', 'No such device.');
      const record = signAsDelegate(runtime.identity, delegationId, 'revocation', {
        orgId: runtime.identity.orgId,
        target: { kind: 'device', deviceId },
        reason,
        revokedAt: clock.now(),
      });
      await publish(runtime, record);
      return done;
    },
  };
}
