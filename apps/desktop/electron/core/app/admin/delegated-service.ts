// The holder's side of a delegation (Bereichsadministration, issue 19) for one signed-in profile:
// a department admin's device signs user, enrolment and revocation records with its own key as the
// delegate (packages/protocol/api/features/delegation.ts, `delegated.*`). Before uploading,
// the record is checked with this device's own Directory, the same check relay and clients run,
// so an out-of-scope action gets `not_permitted` with the reason and nothing is sent.
import type { MethodParsedInput } from '@klinikfunk/protocol/api/contract.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { makeDelegatedRegistration, signAsDelegate } from '../../account/delegation.ts';
import { newId } from '../../account/org-setup.ts';
import type { Clock } from '../../clock/clock.ts';
import { publishAdminRecord, registrationLetter } from './admin-records.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';
import { serviceKey } from '../profile-services.ts';

export class DelegatedService {
  readonly #runtime: ProfileRuntime;
  readonly #clock: Clock;
  constructor(runtime: ProfileRuntime, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
  }

  mine() {
    const runtime = this.#runtime;
    const dir = runtime.client.directory;
    const now = this.#clock.now();
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
  }

  async addUser({ delegationId, displayName, ward }: MethodParsedInput<'delegated.addUser'>) {
    const runtime = this.#runtime;
    this.#assertHolder(delegationId);
    const record = signAsDelegate(runtime.identity, delegationId, 'user', {
      orgId: runtime.identity.orgId,
      userId: newId('usr'),
      displayName,
      role: 'member',
      ward,
      active: true,
      issuedAt: this.#clock.now(),
    });
    await this.#publish(record);
    return { userId: record.body.userId };
  }

  async updateUser({ delegationId, userId, ...change }: MethodParsedInput<'delegated.updateUser'>): Promise<void> {
    const runtime = this.#runtime;
    this.#assertHolder(delegationId);
    const previous = runtime.client.directory.users.get(userId)?.body;
    if (!previous) throw new AppError('not_found', 'No user with this id.');
    const record = signAsDelegate(runtime.identity, delegationId, 'user', {
      ...previous,
      displayName: change.displayName ?? previous.displayName,
      ward: change.ward ?? previous.ward,
      active: change.active ?? previous.active,
      // Later than the record it replaces, or the directory keeps the old one (admin.ts).
      issuedAt: Math.max(this.#clock.now(), previous.issuedAt + 1),
    });
    await this.#publish(record);
  }

  async createRegistrationKey(delegationId: string, userId: string) {
    const runtime = this.#runtime;
    this.#assertHolder(delegationId);
    const user = runtime.client.directory.users.get(userId)?.body;
    if (!user?.active) throw new AppError('not_found', 'No active user with this id.');
    const delegation = runtime.client.directory.delegations.get(delegationId)!.body;
    const { code, record } = makeDelegatedRegistration(runtime.identity, delegation, userId, this.#clock.now());
    await this.#publish(record);
    return registrationLetter(runtime, user.displayName, code, record.body);
  }

  async revokeDevice({ delegationId, deviceId, reason }: MethodParsedInput<'delegated.revokeDevice'>): Promise<void> {
    const runtime = this.#runtime;
    this.#assertHolder(delegationId);
    if (deviceId === runtime.identity.deviceId)
      throw new AppError('not_permitted', 'This device cannot revoke itself.');
    if (!runtime.client.directory.devices.has(deviceId)) throw new AppError('not_found', 'No such device.');
    const record = signAsDelegate(runtime.identity, delegationId, 'revocation', {
      orgId: runtime.identity.orgId,
      target: { kind: 'device', deviceId },
      reason,
      revokedAt: this.#clock.now(),
    });
    await this.#publish(record);
  }

  /** Throws unless this device holds that delegation and it is usable now. */
  #assertHolder(delegationId: string): void {
    assertDelegationHolder(this.#runtime, this.#clock, delegationId);
  }

  /** Checks the record as relay and clients will, then uploads it. */
  async #publish(record: SignedRecord): Promise<void> {
    const runtime = this.#runtime;
    const verdict = runtime.client.directory.verify(record);
    if (!verdict.ok)
      throw new AppError('not_permitted', `Outside this delegation: ${verdict.detail ?? verdict.reason}.`);
    await publishAdminRecord(runtime, record);
  }
}

/** Throws unless this device holds that delegation and it is usable now (also the CSV import's check). */
export function assertDelegationHolder(runtime: ProfileRuntime, clock: Clock, delegationId: string): void {
  const dir = runtime.client.directory;
  const delegation = dir.delegations.get(delegationId)?.body;
  if (
    !delegation ||
    delegation.holder.kind !== 'device' ||
    delegation.holder.deviceId !== runtime.identity.deviceId ||
    dir.revokedDelegations.has(delegationId) ||
    delegation.expiresAt < clock.now()
  )
    throw new AppError('not_permitted', 'This device holds no such delegation, or it was revoked or has ended.');
}

const DELEGATED = serviceKey<DelegatedService>('delegated');

/** The profile's service as a delegation's holder, made once per sign-in (it goes with the runtime). */
export function delegatedService(runtime: ProfileRuntime, clock: Clock): DelegatedService {
  return runtime.services.get(DELEGATED, () => new DelegatedService(runtime, clock));
}
