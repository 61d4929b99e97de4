// size: the one trust state the relay and every client run; its rules stay in one class so they cannot drift apart.
// The trust state of one organisation, built only from verified signed records: who the users
// and devices are, which enrolments are open, what was revoked, and each channel's roster chain.
// The client and the relay both use this class, so a compromised relay cannot add a device or a
// member: the clients would refuse the record just as the relay's own copy does.
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import type { RecordBody, RecordType, SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { checkDelegatedScope, signedAtOf } from './delegation.ts';
import { defaultVerifier, type SignatureVerifier } from './ed25519.ts';
import { orgIdOf, parseRecord, recordHash, verifyRecordSignature, type RecordVerdict } from './records.ts';

export interface DeviceEntry {
  record: SignedRecord<'device'>;
  signingPublicKey: Uint8Array;
  boxPublicKey: Uint8Array;
}

export interface RosterState {
  records: SignedRecord<'roster'>[];
  current: RecordBody<'roster'>;
  hash: string;
}

/**
 * Client only: whether a user the signed roster names counts as a member of the channel on this
 * device (key shares, history, key requests). A feature keeps some channels to a rule of its own
 * (a conversation with a function role: its caller and the role's holders); a roster naming
 * anyone else still extends the chain, so the members can sign a correct one over it, but the
 * extra names get nothing from this device. The relay has no gate: it cannot read those rules.
 */
export type MemberGate = (channelId: string, userId: string) => boolean;

export interface DirectoryOptions {
  orgPublicKey: Uint8Array;
  verifier?: SignatureVerifier;
  now?: () => number;
}

export class Directory {
  readonly orgId: string;
  /**
   * The organisation's keys in order: the first (the org id is its hash) and each rotation's new
   * one. Only the last signs as the organisation; records of an older key count when they came
   * before the rotation in the directory's order.
   */
  readonly orgKeys: Uint8Array[];
  readonly #verifier: SignatureVerifier;
  readonly #now: () => number;
  #memberGate: MemberGate | null = null;
  readonly users = new Map<string, SignedRecord<'user'>>();
  readonly devices = new Map<string, DeviceEntry>();
  readonly enrolments = new Map<string, SignedRecord<'enrolment'>>();
  /** Enrolments whose key already signed a device (one device per registration key). */
  readonly usedEnrolments = new Set<string>();
  readonly revokedDevices = new Set<string>();
  readonly revokedUsers = new Set<string>();
  readonly revokedEnrolments = new Set<string>();
  readonly rosters = new Map<string, RosterState>();
  /** Org-signed wipe orders by order id. */
  readonly wipeOrders = new Map<string, SignedRecord<'wipe'>>();
  /** Wipe confirmations signed by the wiped device, by order id (at most one per order). */
  readonly wipesDone = new Map<string, SignedRecord<'wipe_done'>>();
  /** The newest organisation settings record (by issuedAt), or null while none was signed. */
  orgSettings: SignedRecord<'org_settings'> | null = null;
  /** Delegations of administration by delegation id (docs/security.md "Delegated administration"). */
  readonly delegations = new Map<string, SignedRecord<'delegation'>>();
  readonly revokedDelegations = new Set<string>();
  /** Every org key rotation, in order. */
  readonly rotations: SignedRecord<'org_rotation'>[] = [];

  constructor(options: DirectoryOptions) {
    this.orgKeys = [options.orgPublicKey];
    this.orgId = orgIdOf(options.orgPublicKey);
    this.#verifier = options.verifier ?? defaultVerifier;
    this.#now = options.now ?? Date.now;
  }

  /** Verifies a record against the current state and, when valid, adds it. Nothing changes on a rejection. */
  ingest(input: unknown): RecordVerdict {
    const parsed = parseRecord(input);
    if (!parsed.ok) return parsed;
    const verdict = this.verify(parsed.record);
    if (verdict.ok) this.#apply(verdict.record);
    return verdict;
  }

  /** The key that signs as the organisation now (the newest after every rotation). */
  get orgPublicKey(): Uint8Array {
    return this.orgKeys[this.orgKeys.length - 1]!;
  }

  /**
   * The relay's check of a new record, before it takes it into the directory's order: `verify`,
   * and a delegated key's delegation or a registration key must not have ended by the relay's clock. Clients check
   * only the record's own signed time (they may read it long after, and must agree with the
   * order the relay kept), so a delegated key whose end has passed cannot backdate past the relay.
   */
  verifyAdmission(record: SignedRecord): RecordVerdict {
    if (record.signer.kind === 'delegate') {
      const delegation = this.delegations.get(record.signer.id);
      if (delegation && delegation.body.expiresAt < this.#now())
        return { ok: false, reason: 'expired', detail: 'delegation has ended' };
    }
    if (record.signer.kind === 'enrolment') {
      const enrolment = this.enrolments.get(record.signer.id);
      if (enrolment && enrolment.body.expiresAt < this.#now())
        return { ok: false, reason: 'expired', detail: 'registration key has expired' };
    }
    return this.verify(record);
  }

  /** Verifies without adding. */
  verify(record: SignedRecord): RecordVerdict {
    if ((record.body as { orgId: string }).orgId !== this.orgId) return { ok: false, reason: 'wrong_org' };
    const signerKey = this.#signerKey(record);
    if (!signerKey.ok) return signerKey;
    if (!verifyRecordSignature(record, signerKey.key, this.#verifier)) return { ok: false, reason: 'bad_signature' };
    return this.#checkSemantics(record);
  }

  #signerKey(
    record: SignedRecord,
  ):
    | { ok: true; key: Uint8Array }
    | { ok: false; reason: 'unknown_signer' | 'revoked' | 'expired' | 'not_permitted'; detail?: string } {
    const { signer } = record;
    if (signer.kind === 'org')
      return signer.id === this.orgId ? { ok: true, key: this.orgPublicKey } : { ok: false, reason: 'unknown_signer' };
    if (signer.kind === 'delegate') return this.#delegateKey(record);
    if (signer.kind === 'enrolment') {
      const enrolment = this.enrolments.get(signer.id);
      if (!enrolment) return { ok: false, reason: 'unknown_signer' };
      if (this.revokedEnrolments.has(signer.id)) return { ok: false, reason: 'revoked' };
      if (this.isEnrolmentFromRevokedDelegation(signer.id))
        return { ok: false, reason: 'revoked', detail: 'the registration key came from a revoked delegation' };
      if (this.usedEnrolments.has(signer.id)) return { ok: false, reason: 'revoked', detail: 'enrolment already used' };
      // The certificate's own signed time, like a delegation's records: a reader that restarts or
      // reads the directory weeks later keeps devices enrolled in time; the relay's clock checks
      // admission (verifyAdmission), so a certificate cannot be backdated past the key's end.
      const signedAt = signedAtOf(record);
      if (signedAt === null || enrolment.body.expiresAt < signedAt) return { ok: false, reason: 'expired' };
      return { ok: true, key: fromBase64Url(enrolment.body.enrolmentPublicKey)! };
    }
    const device = this.devices.get(signer.id);
    if (!device) return { ok: false, reason: 'unknown_signer' };
    // A wipe confirmation comes from a device that is revoked (or expired) by then as a rule: its
    // key still counts for this one record, which #checkWipeDone ties to an order for it.
    if (record.type === 'wipe_done') return { ok: true, key: device.signingPublicKey };
    if (this.isDeviceExpired(signer.id)) return { ok: false, reason: 'expired' };
    if (!this.isDeviceActive(signer.id)) return { ok: false, reason: 'revoked' };
    return { ok: true, key: device.signingPublicKey };
  }

  #delegateKey(
    record: SignedRecord,
  ): { ok: true; key: Uint8Array } | { ok: false; reason: 'unknown_signer' | 'revoked' | 'expired'; detail?: string } {
    const delegation = this.delegations.get(record.signer.id);
    if (!delegation) return { ok: false, reason: 'unknown_signer', detail: 'unknown delegation' };
    if (this.revokedDelegations.has(record.signer.id))
      return { ok: false, reason: 'revoked', detail: 'delegation revoked' };
    const signedAt = signedAtOf(record);
    if (signedAt === null || signedAt > delegation.body.expiresAt)
      return { ok: false, reason: 'expired', detail: 'signed after the delegation ended' };
    const { holder } = delegation.body;
    if (holder.kind === 'key') return { ok: true, key: fromBase64Url(holder.publicKey)! };
    // A department admin's delegation lives as long as their device does.
    const device = this.devices.get(holder.deviceId);
    if (!device) return { ok: false, reason: 'unknown_signer', detail: 'delegation names an unknown device' };
    if (!this.isDeviceActive(holder.deviceId))
      return { ok: false, reason: 'revoked', detail: 'the delegated device is revoked or its user inactive' };
    return { ok: true, key: device.signingPublicKey };
  }

  #checkSemantics(record: SignedRecord): RecordVerdict {
    if (record.signer.kind === 'delegate') {
      const scoped = checkDelegatedScope(record, this.delegations.get(record.signer.id)!.body, this);
      if (!scoped.ok) return scoped;
      if (record.type === 'device' && (record as SignedRecord<'device'>).body.enrolmentId !== null)
        return { ok: false, reason: 'not_permitted', detail: 'a delegated device record uses no registration key' };
    }
    switch (record.type) {
      case 'device': {
        const body = record.body as RecordBody<'device'>;
        if (!this.users.has(body.userId)) return { ok: false, reason: 'unknown_signer', detail: 'unknown user' };
        if (this.revokedUsers.has(body.userId)) return { ok: false, reason: 'revoked' };
        if (this.revokedDevices.has(body.deviceId)) return { ok: false, reason: 'revoked' };
        if (record.signer.kind === 'enrolment') {
          const enrolment = this.enrolments.get(record.signer.id)!;
          if (enrolment.body.userId !== body.userId || body.enrolmentId !== record.signer.id) {
            return { ok: false, reason: 'not_permitted', detail: 'enrolment is for another user' };
          }
        }
        if (this.devices.has(body.deviceId))
          return { ok: false, reason: 'not_permitted', detail: 'device id already certified' };
        if (body.expiresAt !== null && body.expiresAt < this.#now()) return { ok: false, reason: 'expired' };
        return { ok: true, record };
      }
      case 'roster':
        return this.#checkRoster(record as SignedRecord<'roster'>);
      case 'wipe_done':
        return this.#checkWipeDone(record as SignedRecord<'wipe_done'>);
      case 'org_root': {
        const body = record.body as RecordBody<'org_root'>;
        const key = fromBase64Url(body.orgPublicKey);
        return key && orgIdOf(key) === this.orgId ? { ok: true, record } : { ok: false, reason: 'wrong_org' };
      }
      case 'delegation': {
        const body = record.body as RecordBody<'delegation'>;
        if (this.delegations.has(body.delegationId))
          return { ok: false, reason: 'not_permitted', detail: 'delegation id already used' };
        if (body.holder.kind === 'device' && !this.devices.has(body.holder.deviceId))
          return { ok: false, reason: 'unknown_signer', detail: 'delegation names an unknown device' };
        return { ok: true, record };
      }
      case 'delegation_revocation': {
        const body = record.body as RecordBody<'delegation_revocation'>;
        if (!this.delegations.has(body.delegationId))
          return { ok: false, reason: 'not_permitted', detail: 'no such delegation' };
        return { ok: true, record };
      }
      case 'org_rotation': {
        const body = record.body as RecordBody<'org_rotation'>;
        if (body.previousOrgPublicKey !== toBase64Url(this.orgPublicKey))
          return { ok: false, reason: 'chain_broken', detail: 'rotation does not start at the current org key' };
        if (this.orgKeys.some((k) => toBase64Url(k) === body.newOrgPublicKey))
          return { ok: false, reason: 'not_permitted', detail: 'an organisation key cannot come back' };
        return { ok: true, record };
      }
      // The signer check above is all these need.
      case 'user':
      case 'enrolment':
      case 'revocation':
      case 'wipe':
      case 'org_settings':
        return { ok: true, record };
      default: {
        const _unhandled: never = record.type;
        return { ok: true, record };
      }
    }
  }

  #checkRoster(record: SignedRecord<'roster'>): RecordVerdict {
    const body = record.body;
    const state = this.rosters.get(body.channelId);
    if (!state) {
      if (body.epoch !== 1 || body.prevHash !== null)
        return { ok: false, reason: 'chain_broken', detail: 'first roster must be epoch 1' };
    } else {
      if (body.epoch !== state.current.epoch + 1)
        return { ok: false, reason: 'chain_broken', detail: `epoch ${body.epoch} after ${state.current.epoch}` };
      if (body.prevHash !== state.hash)
        return { ok: false, reason: 'chain_broken', detail: 'previous hash does not match' };
    }
    if (record.signer.kind === 'device') {
      // A device may change a roster only for a user who is a channel admin (in the previous
      // roster, or in the new one when it creates the channel).
      const userId = this.devices.get(record.signer.id)!.record.body.userId;
      const authority = state ? state.current.members : body.members;
      const admin = authority.some((m) => m.userId === userId && m.role === 'admin');
      if (!admin && !(state && isSelfRemoval(state.current, body, userId)))
        return { ok: false, reason: 'not_permitted', detail: 'signer is not a channel admin' };
    }
    if (body.members.some((m) => !this.users.has(m.userId)))
      return { ok: false, reason: 'unknown_signer', detail: 'roster names an unknown user' };
    return { ok: true, record };
  }

  #checkWipeDone(record: SignedRecord<'wipe_done'>): RecordVerdict {
    const { body } = record;
    if (record.signer.id !== body.deviceId)
      return { ok: false, reason: 'not_permitted', detail: 'only the wiped device confirms its wipe' };
    const order = this.wipeOrders.get(body.orderId);
    if (!order) return { ok: false, reason: 'not_permitted', detail: 'no such wipe order' };
    if (order.body.targetDeviceId !== body.deviceId)
      return { ok: false, reason: 'not_permitted', detail: 'the wipe order is for another device' };
    if (this.wipesDone.has(body.orderId))
      return { ok: false, reason: 'not_permitted', detail: 'wipe already confirmed' };
    return { ok: true, record };
  }

  #apply(record: SignedRecord): void {
    switch (record.type) {
      case 'wipe': {
        const r = record as SignedRecord<'wipe'>;
        this.wipeOrders.set(r.body.orderId, r);
        break;
      }
      case 'wipe_done': {
        const r = record as SignedRecord<'wipe_done'>;
        this.wipesDone.set(r.body.orderId, r);
        break;
      }
      case 'user': {
        const r = record as SignedRecord<'user'>;
        const previous = this.users.get(r.body.userId);
        if (!previous || previous.body.issuedAt <= r.body.issuedAt) this.users.set(r.body.userId, r);
        break;
      }
      case 'enrolment': {
        const r = record as SignedRecord<'enrolment'>;
        this.enrolments.set(r.body.enrolmentId, r);
        break;
      }
      case 'device': {
        const r = record as SignedRecord<'device'>;
        this.devices.set(r.body.deviceId, {
          record: r,
          signingPublicKey: fromBase64Url(r.body.signingPublicKey)!,
          boxPublicKey: fromBase64Url(r.body.boxPublicKey)!,
        });
        if (r.body.enrolmentId) this.usedEnrolments.add(r.body.enrolmentId);
        break;
      }
      case 'revocation': {
        const target = (record as SignedRecord<'revocation'>).body.target;
        if (target.kind === 'device') this.revokedDevices.add(target.deviceId);
        else if (target.kind === 'user') this.revokedUsers.add(target.userId);
        else this.revokedEnrolments.add(target.enrolmentId);
        break;
      }
      case 'org_settings': {
        const r = record as SignedRecord<'org_settings'>;
        if (!this.orgSettings || this.orgSettings.body.issuedAt <= r.body.issuedAt) this.orgSettings = r;
        break;
      }
      case 'roster': {
        const r = record as SignedRecord<'roster'>;
        const state = this.rosters.get(r.body.channelId);
        this.rosters.set(r.body.channelId, {
          records: [...(state?.records ?? []), r],
          current: r.body,
          hash: recordHash(r),
        });
        break;
      }
      case 'org_root':
        // The root is the trust anchor itself, checked against the org id; nothing to index.
        break;
      case 'delegation': {
        const r = record as SignedRecord<'delegation'>;
        this.delegations.set(r.body.delegationId, r);
        break;
      }
      case 'delegation_revocation':
        this.revokedDelegations.add((record as SignedRecord<'delegation_revocation'>).body.delegationId);
        break;
      case 'org_rotation': {
        const r = record as SignedRecord<'org_rotation'>;
        this.rotations.push(r);
        this.orgKeys.push(fromBase64Url(r.body.newOrgPublicKey)!);
        break;
      }
      default: {
        const _unhandled: never = record.type;
      }
    }
  }

  /**
   * A registration key a delegated key issued stops with the delegation's revocation: an unused
   * letter is authority still to be exercised, unlike the records the delegation already signed.
   */
  isEnrolmentFromRevokedDelegation(enrolmentId: string): boolean {
    const signer = this.enrolments.get(enrolmentId)?.signer;
    return signer?.kind === 'delegate' && this.revokedDelegations.has(signer.id);
  }

  isDeviceExpired(deviceId: string): boolean {
    const expiresAt = this.devices.get(deviceId)?.record.body.expiresAt ?? null;
    return expiresAt !== null && expiresAt < this.#now();
  }

  isDeviceActive(deviceId: string): boolean {
    const device = this.devices.get(deviceId);
    if (!device || this.revokedDevices.has(deviceId) || this.isDeviceExpired(deviceId)) return false;
    const userId = device.record.body.userId;
    return !this.revokedUsers.has(userId) && this.users.get(userId)?.body.active !== false;
  }

  userOfDevice(deviceId: string): string | null {
    return this.devices.get(deviceId)?.record.body.userId ?? null;
  }

  /** Installs the client's member gate (MemberGate); replaces an earlier one. */
  setMemberGate(gate: MemberGate | null): void {
    this.#memberGate = gate;
  }

  /** Active devices of the current members of a channel (past the member gate): the recipients of its chain keys. */
  memberDevices(channelId: string): DeviceEntry[] {
    const roster = this.rosters.get(channelId)?.current;
    if (!roster) return [];
    const members = new Set(roster.members.map((m) => m.userId).filter((u) => this.admits(channelId, u)));
    return [...this.devices.values()].filter(
      (d) => members.has(d.record.body.userId) && this.isDeviceActive(d.record.body.deviceId),
    );
  }

  /** The current signed roster names the user and the member gate admits them. */
  isMember(channelId: string, userId: string): boolean {
    return this.isListed(channelId, userId) && this.admits(channelId, userId);
  }

  /** The current signed roster names the user (whatever the member gate says): who may sign the next one. */
  isListed(channelId: string, userId: string): boolean {
    return this.rosters.get(channelId)?.current.members.some((m) => m.userId === userId) ?? false;
  }

  /** The member gate admits the user in the channel (true without a gate). */
  admits(channelId: string, userId: string): boolean {
    return this.#memberGate?.(channelId, userId) ?? true;
  }

  currentEpoch(channelId: string): number {
    return this.rosters.get(channelId)?.current.epoch ?? 0;
  }

  /** Did the device's user belong to the channel at that epoch? (Late envelopes of old epochs.) */
  wasMemberAt(channelId: string, epoch: number, userId: string): boolean {
    const record = this.rosters.get(channelId)?.records.find((r) => r.body.epoch === epoch);
    return record?.body.members.some((m) => m.userId === userId) ?? false;
  }
}

/**
 * A member who is not an admin may sign exactly one kind of roster: the current one without
 * themselves, nothing else changed (leaving a channel needs no admin to be online).
 */
function isSelfRemoval(current: RecordBody<'roster'>, next: RecordBody<'roster'>, userId: string): boolean {
  if (next.kind !== current.kind || next.historyForNewMembers !== current.historyForNewMembers) return false;
  if (!current.members.some((m) => m.userId === userId)) return false;
  const key = (members: RecordBody<'roster'>['members']) =>
    members
      .map((m) => `${m.userId}:${m.role}`)
      .sort()
      .join(',');
  return key(next.members) === key(current.members.filter((m) => m.userId !== userId));
}

export type { RecordType };
