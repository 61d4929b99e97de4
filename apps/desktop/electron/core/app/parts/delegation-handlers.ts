// IPC handlers of the API part for delegated administration and org key rotation (issue 19)
// (packages/protocol/api/parts/delegation-contract.ts). Reads come from the verified local
// directory; every change is an org-signed record the relay verifies as every client does.
// Access: requireAdminRuntime (active admin in the directory + org key on this device).
import type { DELEGATION_METHOD_NAMES } from '@klinikfunk/protocol/api/parts/delegation-names.ts';
import type { z } from 'zod';
import type { delegationViewSchema } from '@klinikfunk/protocol/api/parts/delegation-contract.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { generateOrgKeys, wipe } from '@klinikfunk/crypto/keys.ts';
import type { Handlers } from '../../../ipc/router.ts';
import { signDelegation, signDelegationRevocation, signOrgRotation } from '../../account/delegation.ts';
import { orgSecretOf } from '../../account/identity.ts';
import { publishAdminRecord, requireAdminRuntime } from '../admin-handlers.ts';
import type { HandlerContext } from '../handler-context.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';

type Names = (typeof DELEGATION_METHOD_NAMES)[number];
type DelegationView = z.output<typeof delegationViewSchema>;

function delegationsView(runtime: ProfileRuntime, now: number): DelegationView[] {
  const dir = runtime.client.directory;
  return [...dir.delegations.values()]
    .map(({ body }): DelegationView => {
      const revoked = dir.revokedDelegations.has(body.delegationId);
      const holderOk = body.holder.kind === 'key' || dir.isDeviceActive(body.holder.deviceId);
      let holder: DelegationView['holder'];
      if (body.holder.kind === 'device') {
        const device = dir.devices.get(body.holder.deviceId)?.record.body;
        holder = {
          kind: 'device',
          deviceId: body.holder.deviceId,
          userId: device?.userId ?? null,
          userName: device ? (dir.users.get(device.userId)?.body.displayName ?? null) : null,
          deviceLabel: device?.label ?? null,
        };
      } else {
        holder = { kind: 'key', publicKey: body.holder.publicKey };
      }
      return {
        delegationId: body.delegationId,
        label: body.label,
        holder,
        scope: body.scope,
        issuedAt: body.issuedAt,
        expiresAt: body.expiresAt,
        revoked,
        active: !revoked && holderOk && body.expiresAt >= now,
      };
    })
    .sort((a, b) => b.issuedAt - a.issuedAt);
}

export function delegationHandlers(ctx: HandlerContext): Pick<Handlers, Names> {
  const { sessions, clock } = ctx;
  const admin = () => requireAdminRuntime(sessions);

  return {
    'admin.delegations': () => delegationsView(admin(), clock.now()),

    'admin.createDelegation': async ({ label, holder, scope, validDays }) => {
      const runtime = admin();
      if (holder.kind === 'device' && !runtime.client.directory.isDeviceActive(holder.deviceId))
        throw new AppError('not_found', 'No active device with this id.');
      const record = signDelegation(runtime.identity, { label, holder, scope, validDays }, clock.now());
      await publishAdminRecord(runtime, record);
      ctx.log.warn('administration delegated', {
        delegation: record.body.delegationId,
        holder: holder.kind,
        scope: scope.kind,
      });
      return { delegationId: record.body.delegationId, expiresAt: record.body.expiresAt };
    },

    'admin.revokeDelegation': async ({ delegationId, reason }) => {
      const runtime = admin();
      if (!runtime.client.directory.delegations.has(delegationId))
        throw new AppError('not_found', 'No delegation with this id.');
      if (runtime.client.directory.revokedDelegations.has(delegationId)) return { done: true as const };
      await publishAdminRecord(runtime, signDelegationRevocation(runtime.identity, delegationId, reason, clock.now()));
      return { done: true as const };
    },

    'admin.rotateOrgKey': async () => {
      const runtime = admin();
      const current = runtime.client.directory.orgPublicKey;
      const secret = orgSecretOf(runtime.identity)!;
      try {
        // A device that still holds a key another admin has retired would only be refused.
        if (toBase64Url(secret.subarray(32)) !== toBase64Url(current))
          throw new AppError(
            'not_permitted',
            'This device holds an earlier organisation key; import the current one from a backup first.',
          );
      } finally {
        wipe(secret);
      }
      const next = generateOrgKeys();
      try {
        const now = clock.now();
        await publishAdminRecord(runtime, signOrgRotation(runtime.identity, current, next.publicKey, now));
        // Kept once the relay took the rotation: from now on only the new key is accepted.
        await runtime.adoptOrgKey(toBase64Url(next.secretKey));
        ctx.log.warn('organisation key rotated; other admin devices need the new key from a backup', {
          device: runtime.identity.deviceId,
        });
        return { rotatedAt: now };
      } finally {
        wipe(next.secretKey);
      }
    },
  };
}
