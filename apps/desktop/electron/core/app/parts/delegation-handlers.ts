// IPC handlers of the API part for delegated administration, org key rotation and emergency shares (issue 19)
// (packages/protocol/api/features/delegation.ts, org-key.ts). Reads come from the verified local
// directory; every change is an org-signed record the relay verifies as every client does.
// Access: requireAdminRuntime (active admin in the directory + org key on this device).
import type { DELEGATION_METHOD_NAMES } from '@klinikfunk/protocol/api/features/delegation-names.ts';
import type { ORG_KEY_METHOD_NAMES } from '@klinikfunk/protocol/api/features/org-key-names.ts';
import type { z } from 'zod';
import type { delegationViewSchema } from '@klinikfunk/protocol/api/features/delegation.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import { generateOrgKeys, wipe } from '@klinikfunk/crypto/keys.ts';
import type { Handlers } from '@klinikfunk/protocol/api/handlers.ts';
import { signUserUpdate } from '../../account/admin.ts';
import { signDelegation, signDelegationRevocation, signOrgRotation } from '../../account/delegation.ts';
import { orgSecretOf } from '../../account/identity.ts';
import { restoreOrgKey, splitOrgKey, type ShareProblem } from '../../account/org-key-shares.ts';
import { publishAdminRecord, requireAdminRuntime } from '../admin-handlers.ts';
import type { HandlerContext } from '../handler-context.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';

/** The holder's side (`delegated.*`) is in delegated-handlers.ts. */
/** The admin's side of delegation, and the org key's rotation and emergency shares (its backup file is in org-admin-handlers.ts). */
type Names =
  | Exclude<(typeof DELEGATION_METHOD_NAMES)[number], `delegated.${string}`>
  | Exclude<(typeof ORG_KEY_METHOD_NAMES)[number], 'admin.exportOrgKey' | 'admin.importOrgKey'>;
type DelegationView = z.output<typeof delegationViewSchema>;

function shareProblemText(problem: ShareProblem): string {
  switch (problem.kind) {
    case 'unreadable':
      return `Share ${problem.share} is not an emergency share of Klinikfunk (it starts with KF1-).`;
    case 'checksum':
      return `Share ${problem.share} is damaged or mistyped (its checksum does not match); compare it with the paper again.`;
    case 'mixed':
      return `Share ${problem.share} belongs to another set of emergency shares; use shares printed together.`;
    case 'duplicate':
      return `Share ${problem.share} was entered twice.`;
    case 'too_few':
      return `These shares need ${problem.need} envelopes; ${problem.have} were entered.`;
    case 'wrong_org':
      return 'These shares belong to another organisation.';
    case 'wrong_key':
      return 'These shares hold an organisation key that has since been replaced; use the envelopes printed after the last key change.';
  }
}

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
      // A key from an earlier attempt whose outcome is unknown is offered again, never replaced: the
      // relay may hold that rotation, and then only that key signs for the organisation.
      const pending = runtime.identity.orgSecretNext;
      const next = pending ? fromBase64Url(pending) : generateOrgKeys().secretKey;
      if (!next || next.length !== 64) throw new Error('identity: pending org key has the wrong length');
      try {
        const now = clock.now();
        // Stored before the rotation leaves the device, so a lost answer cannot lose the key.
        if (!pending) await runtime.keepNextOrgKey(toBase64Url(next));
        await publishAdminRecord(runtime, signOrgRotation(runtime.identity, current, next.subarray(32), now));
        await runtime.adoptOrgKey(toBase64Url(next));
        ctx.log.warn('organisation key rotated; other admin devices need the new key from a backup', {
          device: runtime.identity.deviceId,
        });
        return { rotatedAt: now };
      } finally {
        wipe(next);
      }
    },

    'admin.exportOrgKeyShares': async ({ threshold, total }) => {
      const runtime = admin();
      if (threshold > total) throw new AppError('invalid_input', 'More envelopes are needed than are printed.');
      const secret = orgSecretOf(runtime.identity)!;
      try {
        if (toBase64Url(secret.subarray(32)) !== toBase64Url(runtime.client.directory.orgPublicKey))
          throw new AppError(
            'not_permitted',
            'This device holds an earlier organisation key; import the current one from a backup first.',
          );
        const shares = await splitOrgKey({ orgId: runtime.identity.orgId, orgSecret: secret, threshold, total });
        ctx.log.warn('organisation key split into emergency shares', {
          device: runtime.identity.deviceId,
          threshold,
          total,
        });
        return {
          orgName: runtime.identity.orgName,
          orgFingerprint: orgFingerprint(runtime.identity.orgId),
          shares,
        };
      } finally {
        wipe(secret);
      }
    },

    'orgKey.restoreFromShares': async ({ shares }) => {
      const runtime = sessions.visible();
      const dir = runtime.client.directory;
      const me = dir.users.get(runtime.identity.userId)?.body;
      if (!me || !me.active || dir.revokedUsers.has(me.userId))
        throw new AppError('not_permitted', 'A deactivated user cannot take over the organisation key.');
      const restored = await restoreOrgKey(shares, { orgId: runtime.identity.orgId, orgPublicKey: dir.orgPublicKey });
      if (!restored.ok) {
        ctx.log.warn('organisation key restore from shares refused', { problem: restored.problem.kind });
        throw new AppError('invalid_input', shareProblemText(restored.problem));
      }
      try {
        await runtime.adoptOrgKey(toBase64Url(restored.orgSecret));
      } finally {
        wipe(restored.orgSecret);
      }
      let promoted = false;
      if (me.role !== 'admin') {
        // The restored key makes this user an admin: the record names the device that did it.
        await publishAdminRecord(runtime, signUserUpdate(runtime.identity, me, { role: 'admin' }, clock.now()));
        promoted = true;
      }
      ctx.log.warn('organisation key restored from emergency shares; this device is an admin device', {
        device: runtime.identity.deviceId,
        promoted,
      });
      return { promoted };
    },
  };
}
