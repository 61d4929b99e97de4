// Delegated administration, org key rotation and emergency shares (issue 19) for one signed-in
// admin profile. Reads come from the verified local directory; every change is an org-signed
// record the relay verifies as every client does. The IPC adapter (parts/delegation-handlers.ts)
// checks access first (requireAdminRuntime) and hands each call here.
import type { z } from 'zod';
import type { MethodParsedInput } from '@klinikfunk/protocol/api/contract.ts';
import type { delegationViewSchema } from '@klinikfunk/protocol/api/features/delegation.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import { generateOrgKeys, wipe } from '@klinikfunk/crypto/keys.ts';
import { signUserUpdate } from '../../account/admin.ts';
import { signDelegation, signDelegationRevocation, signOrgRotation } from '../../account/delegation.ts';
import { orgSecretOf } from '../../account/identity.ts';
import { restoreOrgKey, splitOrgKey, type ShareProblem } from '../../account/org-key-shares.ts';
import type { Clock } from '../../clock/clock.ts';
import type { Logger } from '../../log/logger.ts';
import { publishAdminRecord } from './admin-records.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';
import { serviceKey } from '../profile-services.ts';

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

export interface DelegationDeps {
  clock: Clock;
  log: Logger;
}

export class DelegationService {
  readonly #runtime: ProfileRuntime;
  readonly #deps: DelegationDeps;
  constructor(runtime: ProfileRuntime, deps: DelegationDeps) {
    this.#runtime = runtime;
    this.#deps = deps;
  }

  delegations(): DelegationView[] {
    return delegationsView(this.#runtime, this.#deps.clock.now());
  }

  async createDelegation({ label, holder, scope, validDays, signIn }: MethodParsedInput<'admin.createDelegation'>) {
    const runtime = this.#runtime;
    if (holder.kind === 'device' && !runtime.client.directory.isDeviceActive(holder.deviceId))
      throw new AppError('not_found', 'No active device with this id.');
    // Checking a directory password needs the directory agent; a department admin's device has none.
    if (signIn && holder.kind !== 'key')
      throw new AppError(
        'invalid_input',
        'Sign-in with the directory password needs a key holder (the directory agent).',
      );
    const record = signDelegation(
      runtime.identity,
      { label, holder, scope, validDays, ...(signIn ? { signIn } : {}) },
      this.#deps.clock.now(),
    );
    await publishAdminRecord(runtime, record);
    this.#deps.log.warn('administration delegated', {
      delegation: record.body.delegationId,
      holder: holder.kind,
      scope: scope.kind,
    });
    return { delegationId: record.body.delegationId, expiresAt: record.body.expiresAt };
  }

  async revokeDelegation(delegationId: string, reason: string): Promise<void> {
    const runtime = this.#runtime;
    if (!runtime.client.directory.delegations.has(delegationId))
      throw new AppError('not_found', 'No delegation with this id.');
    if (runtime.client.directory.revokedDelegations.has(delegationId)) return;
    await publishAdminRecord(
      runtime,
      signDelegationRevocation(runtime.identity, delegationId, reason, this.#deps.clock.now()),
    );
    return;
  }

  async rotateOrgKey() {
    const runtime = this.#runtime;
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
      const now = this.#deps.clock.now();
      // Stored before the rotation leaves the device, so a lost answer cannot lose the key.
      if (!pending) await runtime.keepNextOrgKey(toBase64Url(next));
      await publishAdminRecord(runtime, signOrgRotation(runtime.identity, current, next.subarray(32), now));
      await runtime.adoptOrgKey(toBase64Url(next));
      this.#deps.log.warn('organisation key rotated; other admin devices need the new key from a backup', {
        device: runtime.identity.deviceId,
      });
      return { rotatedAt: now };
    } finally {
      wipe(next);
    }
  }

  async exportOrgKeyShares(threshold: number, total: number) {
    const runtime = this.#runtime;
    if (threshold > total) throw new AppError('invalid_input', 'More envelopes are needed than are printed.');
    const secret = orgSecretOf(runtime.identity)!;
    try {
      if (toBase64Url(secret.subarray(32)) !== toBase64Url(runtime.client.directory.orgPublicKey))
        throw new AppError(
          'not_permitted',
          'This device holds an earlier organisation key; import the current one from a backup first.',
        );
      const shares = await splitOrgKey({ orgId: runtime.identity.orgId, orgSecret: secret, threshold, total });
      this.#deps.log.warn('organisation key split into emergency shares', {
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
  }

  async restoreFromShares(shares: string[]) {
    const runtime = this.#runtime;
    const dir = runtime.client.directory;
    const me = dir.users.get(runtime.identity.userId)?.body;
    if (!me || !me.active || dir.revokedUsers.has(me.userId))
      throw new AppError('not_permitted', 'A deactivated user cannot take over the organisation key.');
    const restored = await restoreOrgKey(shares, { orgId: runtime.identity.orgId, orgPublicKey: dir.orgPublicKey });
    if (!restored.ok) {
      this.#deps.log.warn('organisation key restore from shares refused', { problem: restored.problem.kind });
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
      await publishAdminRecord(
        runtime,
        signUserUpdate(runtime.identity, me, { role: 'admin' }, this.#deps.clock.now()),
      );
      promoted = true;
    }
    this.#deps.log.warn('organisation key restored from emergency shares; this device is an admin device', {
      device: runtime.identity.deviceId,
      promoted,
    });
    return { promoted };
  }
}

const DELEGATION = serviceKey<DelegationService>('delegation');

/** The profile's delegation service, made once per sign-in (it goes with the runtime). */
export function delegationService(runtime: ProfileRuntime, deps: DelegationDeps): DelegationService {
  return runtime.services.get(DELEGATION, () => new DelegationService(runtime, deps));
}
