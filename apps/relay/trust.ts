// The relay's trust decisions, behind one small interface: who may connect (device certificate
// chains to the org root, not revoked, auth signature valid), who may read and publish a
// channel (current member by the signed roster records), and which records the directory
// accepts. The implementation delegates every signature and chain check to the crypto module's
// Directory (packages/crypto/directory.ts), the same code the clients run, so the relay
// cannot be talked into trusting what a client would refuse.
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { defaultVerifier } from '@klinikfunk/crypto/ed25519.ts';
import { parseRecord } from '@klinikfunk/crypto/records.ts';
import { fromBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { canonicalJson } from '@klinikfunk/protocol/wire/canonical.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { DirectoryEntry, RelayStore } from './store/store.ts';

export interface DeviceIdentity {
  deviceId: string;
  userId: string;
  signingPublicKey: Uint8Array;
}

export type DeviceCheck =
  { ok: true; device: DeviceIdentity } | { ok: false; code: 'auth_failed' | 'revoked'; reason: string };
export type AdmitResult = { ok: true; pos: number; duplicate: boolean; type: string } | { ok: false; reason: string };
/** What changed in the directory: the relay re-checks connections and subscriptions. */
export type TrustChange = { kind: 'revocation' | 'roster' | 'device' | 'user' | 'other'; pos: number };

export interface TrustVerifier {
  /** Loads the stored directory; call once before serving. */
  load(): Promise<void>;
  /** Pulls records other relay processes stored (after a NOTIFY). */
  refresh(): Promise<void>;
  checkDevice(deviceId: string): DeviceCheck;
  /**
   * A delegation held by a bare key (the directory agent), usable now: its key may open a session
   * that reads and stores directory records only. `deviceId` of the answer is the delegation id.
   */
  checkAgentKey(delegationId: string, now?: number): DeviceCheck;
  verifyAuth(device: DeviceIdentity, message: Uint8Array, signature: Uint8Array): boolean;
  isActive(deviceId: string): boolean;
  isMember(channelId: string, userId: string): boolean;
  /** Channels whose current roster names the user. */
  channelsOf(userId: string): string[];
  /** The user's current org-signed record gives the admin role, and the user is active. */
  isAdmin(userId: string): boolean;
  /** Every device with a certificate in the directory (revoked ones too). */
  deviceIds(): string[];
  /** Verifies a signed record against the directory and, when valid, stores and applies it. */
  admit(input: unknown): Promise<AdmitResult>;
  /** Org root, user and enrolment record for a device that proves it holds an open enrolment key. */
  enrolmentLookup(
    enrolmentId: string,
    message: Uint8Array,
    signature: Uint8Array,
  ): { ok: true; records: SignedRecord[] } | { ok: false; reason: string };
  /**
   * For a new workstation's sign-in with the directory password: the org root, the key rotations
   * and every delegation that allows sign-in (a key holder, signIn, not revoked, not ended), in
   * the directory's order. Public records only: every device reads them after its first sign-in.
   */
  signInInfo(now?: number): SignedRecord[];
  /** Whether `delegationId` allows sign-in with the directory password now. */
  allowsSignIn(delegationId: string, now?: number): boolean;
  /**
   * Org-signed wipe orders for a device that proved it holds its device key (`message` signed),
   * even when it is revoked: a lost device is revoked and wiped, and it can only learn of the
   * wipe by asking. Empty when the signature does not verify or there is no order.
   */
  wipeOrdersFor(deviceId: string, message: Uint8Array, signature: Uint8Array): Array<Record<string, unknown>>;
  onChange(listener: (change: TrustChange) => void): void;
  /** Every record this process stored (not duplicates, not those other relay processes stored): the SIEM feed. */
  onAdmitted(listener: (admitted: AdmittedRecord) => void): void;
}

export interface AdmittedRecord {
  record: SignedRecord;
  pos: number;
  subject: string;
}

/** Natural key of a record (for the directory index). */
function subjectOf(record: SignedRecord): string {
  const body = record.body as Record<string, unknown>;
  if (record.type === 'revocation') {
    const target = body.target as Record<string, string>;
    return target.deviceId ?? target.userId ?? target.enrolmentId ?? '';
  }
  for (const key of ['deviceId', 'channelId', 'enrolmentId', 'userId', 'orderId', 'delegationId', 'orgId']) {
    if (typeof body[key] === 'string') return body[key];
  }
  return '';
}

function kindOf(type: string): TrustChange['kind'] {
  // A user record may deactivate its user: the relay then cuts that user's devices off.
  return type === 'revocation' || type === 'roster' || type === 'device' || type === 'user' ? type : 'other';
}

export class DirectoryTrust implements TrustVerifier {
  readonly #store: RelayStore;
  readonly #directory: Directory;
  readonly #listeners: Array<(change: TrustChange) => void> = [];
  readonly #admitted: Array<(admitted: AdmittedRecord) => void> = [];
  /** Records were checked when first admitted; replaying them must not fail on expiry since. */
  #replaying = false;
  #pos = 0;
  /** Signature -> directory position of every record applied (signatures are unique per record). */
  readonly #known = new Map<string, number>();
  /** The organisation's root record, handed to new devices in enrol_lookup. */
  #orgRoot: SignedRecord | null = null;
  /** Wipe orders by target device (the Directory itself keeps none). */
  readonly #wipes = new Map<string, SignedRecord<'wipe'>[]>();
  /** Directory writes and refreshes run one at a time (the in-memory state follows the log order). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(store: RelayStore, orgPublicKey: Uint8Array, now: () => number = Date.now) {
    this.#store = store;
    this.#directory = new Directory({ orgPublicKey, now: () => (this.#replaying ? 0 : now()) });
  }

  get orgId(): string {
    return this.#directory.orgId;
  }

  load(): Promise<void> {
    return this.refresh();
  }

  refresh(): Promise<void> {
    return this.#serial(() => this.#pull());
  }

  checkDevice(deviceId: string): DeviceCheck {
    const entry = this.#directory.devices.get(deviceId);
    if (!entry) return { ok: false, code: 'auth_failed', reason: 'unknown device' };
    if (!this.#directory.isDeviceActive(deviceId)) {
      // Which of the two, so the refused workstation can tell that person why (its own directory
      // may not have the record yet); only the wording there depends on it.
      const userId = entry.record.body.userId;
      const inactive =
        this.#directory.users.get(userId)?.body.active !== true || this.#directory.revokedUsers.has(userId);
      return { ok: false, code: 'revoked', reason: inactive ? 'user inactive' : 'device revoked or expired' };
    }
    return {
      ok: true,
      device: { deviceId, userId: entry.record.body.userId, signingPublicKey: entry.signingPublicKey },
    };
  }

  checkAgentKey(delegationId: string, now = Date.now()): DeviceCheck {
    const delegation = this.#directory.delegations.get(delegationId)?.body;
    if (!delegation || delegation.holder.kind !== 'key')
      return { ok: false, code: 'auth_failed', reason: 'unknown device' };
    if (this.#directory.revokedDelegations.has(delegationId) || delegation.expiresAt < now)
      return { ok: false, code: 'revoked', reason: 'delegation revoked or ended' };
    return {
      ok: true,
      device: {
        deviceId: delegationId,
        userId: delegationId,
        signingPublicKey: fromBase64Url(delegation.holder.publicKey)!,
      },
    };
  }

  verifyAuth(device: DeviceIdentity, message: Uint8Array, signature: Uint8Array): boolean {
    return defaultVerifier.verify(signature, message, device.signingPublicKey);
  }

  isActive(deviceId: string): boolean {
    return this.#directory.isDeviceActive(deviceId);
  }

  isMember(channelId: string, userId: string): boolean {
    return this.#directory.isMember(channelId, userId);
  }

  isAdmin(userId: string): boolean {
    const user = this.#directory.users.get(userId)?.body;
    return user?.role === 'admin' && user.active && !this.#directory.revokedUsers.has(userId);
  }

  deviceIds(): string[] {
    return [...this.#directory.devices.keys()];
  }

  channelsOf(userId: string): string[] {
    const out: string[] = [];
    for (const [channelId, roster] of this.#directory.rosters) {
      if (roster.current.members.some((m) => m.userId === userId)) out.push(channelId);
    }
    return out;
  }

  admit(input: unknown): Promise<AdmitResult> {
    return this.#serial(async (): Promise<AdmitResult> => {
      const parsed = parseRecord(input);
      if (!parsed.ok) return { ok: false, reason: `${parsed.reason}${parsed.detail ? `: ${parsed.detail}` : ''}` };
      const record = parsed.record;
      // Catch up with records other relay processes stored, so the verdict sees the latest state.
      await this.#pull();
      // The same record uploaded twice is not an error (a retry after a lost answer).
      const knownPos = this.#known.get(record.sig);
      if (knownPos !== undefined) return { ok: true, pos: knownPos, duplicate: true, type: record.type };
      const verdict = this.#directory.verifyAdmission(record);
      if (!verdict.ok) return { ok: false, reason: `${verdict.reason}${verdict.detail ? `: ${verdict.detail}` : ''}` };
      if (record.type === 'device') {
        const body = (record as SignedRecord<'device'>).body;
        // The database, not only this process's memory, decides: two relays may race.
        if (body.enrolmentId && !(await this.#store.burnEnrolment(body.enrolmentId, body.deviceId))) {
          return { ok: false, reason: 'revoked: registration key already used' };
        }
      }
      const stored = await this.#store.dirPut(record.type, subjectOf(record), record.sig, canonicalJson(record));
      // Another relay process may have stored records after our last read and before this one
      // (the database numbers them under its lock): apply them first, in order, and this record
      // against that state, as every client reading the directory will. Otherwise this process
      // would skip them for good (a revocation, and the revoked device stays signed in here).
      // A duplicate was stored by another process meanwhile: read up to it like any of theirs.
      await this.#pull(stored.duplicate ? stored.pos : stored.pos - 1);
      if (stored.duplicate) return { ok: true, pos: stored.pos, duplicate: true, type: record.type };
      this.#known.set(record.sig, stored.pos);
      this.#pos = Math.max(this.#pos, stored.pos);
      const applied = this.#directory.ingest(record);
      if (!applied.ok) return { ok: false, reason: `${applied.reason}${applied.detail ? `: ${applied.detail}` : ''}` };
      this.#noteWipe(record);
      this.#emit({ kind: kindOf(record.type), pos: stored.pos });
      for (const l of this.#admitted) l({ record, pos: stored.pos, subject: subjectOf(record) });
      return { ok: true, pos: stored.pos, duplicate: false, type: record.type };
    });
  }

  wipeOrdersFor(deviceId: string, message: Uint8Array, signature: Uint8Array): Array<Record<string, unknown>> {
    const orders = this.#wipes.get(deviceId);
    const entry = this.#directory.devices.get(deviceId);
    if (!orders || !entry || !defaultVerifier.verify(signature, message, entry.signingPublicKey)) return [];
    return orders.map((r) => ({ ...r }) as unknown as Record<string, unknown>);
  }

  /**
   * The records a new device needs to sign its certificate, if it proves it holds the enrolment
   * key of an open enrolment (unused, unexpired, not revoked, user active).
   */
  enrolmentLookup(
    enrolmentId: string,
    message: Uint8Array,
    signature: Uint8Array,
  ): { ok: true; records: SignedRecord[] } | { ok: false; reason: string } {
    const dir = this.#directory;
    const enrolment = dir.enrolments.get(enrolmentId);
    const key = enrolment ? fromBase64Url(enrolment.body.enrolmentPublicKey) : null;
    // One answer for unknown and bad proof, so the frame cannot probe for enrolment ids.
    if (!enrolment || !key || !defaultVerifier.verify(signature, message, key))
      return { ok: false, reason: 'unknown registration key' };
    if (dir.usedEnrolments.has(enrolmentId)) return { ok: false, reason: 'registration key already used' };
    if (dir.revokedEnrolments.has(enrolmentId) || dir.isEnrolmentFromRevokedDelegation(enrolmentId))
      return { ok: false, reason: 'registration key revoked' };
    if (enrolment.body.expiresAt <= Date.now()) return { ok: false, reason: 'registration key expired' };
    const user = dir.users.get(enrolment.body.userId);
    if (!user || !user.body.active || dir.revokedUsers.has(user.body.userId))
      return { ok: false, reason: 'user inactive' };
    if (!this.#orgRoot) return { ok: false, reason: 'organisation root record missing' };
    // What the new device needs to follow user and enrolment to the org root: the org key
    // rotations, and for a delegated record the delegation and its holder's certificate chain,
    // in the directory's order (a record of a retired org key comes before its rotation).
    const seen = new Set<string>([this.#orgRoot.sig]);
    const chain: SignedRecord[] = [...dir.rotations];
    for (const r of chain) seen.add(r.sig);
    this.#proofOf(user, chain, seen);
    seen.add(user.sig);
    this.#proofOf(enrolment, chain, seen);
    seen.add(enrolment.sig);
    chain.push(user, enrolment);
    const pos = (r: SignedRecord) => this.#known.get(r.sig) ?? 0;
    return { ok: true, records: [this.#orgRoot, ...chain.sort((a, b) => pos(a) - pos(b))] };
  }

  signInInfo(now = Date.now()): SignedRecord[] {
    if (!this.#orgRoot) return [];
    const dir = this.#directory;
    const delegations = [...dir.delegations.values()].filter((d) => this.allowsSignIn(d.body.delegationId, now));
    const pos = (r: SignedRecord) => this.#known.get(r.sig) ?? 0;
    return [this.#orgRoot, ...[...dir.rotations, ...delegations].sort((a, b) => pos(a) - pos(b))];
  }

  allowsSignIn(delegationId: string, now = Date.now()): boolean {
    const body = this.#directory.delegations.get(delegationId)?.body;
    return (
      body?.signIn === true &&
      body.holder.kind === 'key' &&
      body.expiresAt >= now &&
      !this.#directory.revokedDelegations.has(delegationId)
    );
  }

  /** Adds, dependencies first, the records that make `record`'s signer and subject known. */
  #proofOf(record: SignedRecord, out: SignedRecord[], seen: Set<string>): void {
    const dir = this.#directory;
    const add = (r: SignedRecord | undefined) => {
      if (!r || seen.has(r.sig)) return;
      seen.add(r.sig);
      this.#proofOf(r, out, seen);
      out.push(r);
    };
    const { signer } = record;
    if (signer.kind === 'delegate') {
      const delegation = dir.delegations.get(signer.id);
      if (delegation?.body.holder.kind === 'device') add(dir.devices.get(delegation.body.holder.deviceId)?.record);
      add(delegation);
    } else if (signer.kind === 'enrolment') add(dir.enrolments.get(signer.id));
    else if (signer.kind === 'device') add(dir.devices.get(signer.id)?.record);
    if (record.type === 'device' || record.type === 'enrolment')
      add(dir.users.get((record.body as { userId: string }).userId));
  }

  #noteWipe(record: SignedRecord): void {
    if (record.type === 'org_root') this.#orgRoot = record;
    if (record.type !== 'wipe') return;
    const wipe = record as SignedRecord<'wipe'>;
    const list = this.#wipes.get(wipe.body.targetDeviceId) ?? [];
    list.push(wipe);
    this.#wipes.set(wipe.body.targetDeviceId, list);
  }

  onChange(listener: (change: TrustChange) => void): void {
    this.#listeners.push(listener);
  }

  onAdmitted(listener: (admitted: AdmittedRecord) => void): void {
    this.#admitted.push(listener);
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Applies, in order, the records stored after the last one read, up to position `upTo`. */
  async #pull(upTo = Number.POSITIVE_INFINITY): Promise<void> {
    for (;;) {
      const entries = (await this.#store.dirList(this.#pos, 500)).filter((e) => e.pos <= upTo);
      if (entries.length === 0) return;
      const changes = new Set<TrustChange['kind']>();
      this.#replaying = true;
      try {
        for (const entry of entries) {
          this.#pos = entry.pos;
          if (this.#replay(entry)) changes.add(kindOf(entry.type));
        }
      } finally {
        this.#replaying = false;
      }
      for (const kind of changes) this.#emit({ kind, pos: this.#pos });
    }
  }

  #replay(entry: DirectoryEntry): boolean {
    const record = JSON.parse(entry.json) as SignedRecord;
    if (this.#known.has(record.sig)) return false;
    this.#known.set(record.sig, entry.pos);
    const ok = this.#directory.ingest(record).ok;
    if (ok) this.#noteWipe(record);
    return ok;
  }

  #emit(change: TrustChange): void {
    for (const l of this.#listeners) l(change);
  }
}
