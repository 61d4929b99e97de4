// size: the envelope checks in their required order and the sender-chain state they read; split, the order would be implicit.
// Channel encryption for one device: seals outgoing messages with its sender chain, shares chain
// keys with the member devices, and opens incoming envelopes after checking, in this order:
// format and version, organisation, channel, sender device (known, active, member at that
// epoch), epoch (no rollback), signature, chain key (missing → kept for later), replay, AEAD.
// Nothing changes in the chain state or the replay set unless every check passed.
import { bytesEqual, concatBytes, fromBase64Url, toBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import {
  ENVELOPE_KIND_CHANNEL,
  ENVELOPE_SIGNATURE_CONTEXT,
  ENVELOPE_VERSION,
  encodeHeader,
  pad,
  parseEnvelope,
  unpad,
  type EnvelopeHeader,
  type ParsedEnvelope,
} from '@klinikfunk/protocol/wire/envelope-layout.ts';
import {
  keyRequestPayload,
  keySharePayload,
  type KeyRequestPayload,
  type KeySharePayload,
} from '@klinikfunk/protocol/wire/key-mail.ts';
import type { DeviceEntry, Directory } from '@klinikfunk/crypto/directory.ts';
import { openDirect, peekDirect, sealDirect, type DirectRejection } from './direct.ts';
import {
  defaultVerifier,
  signDetached,
  type SignatureItem,
  type SignatureVerifier,
} from '@klinikfunk/crypto/ed25519.ts';
import { asChainKey, wipe, type ChainKey, type DeviceBoxKey, type DeviceSigningKey } from '@klinikfunk/crypto/keys.ts';
import {
  chainKeyId,
  newChain,
  nextChainKey,
  planReceive,
  ROTATE_AFTER_MESSAGES,
  ROTATE_AFTER_MS,
  RETAIN_OWED_MS,
  takeSendingKey,
  type ChainId,
  type ChainState,
  type SenderKeyStore,
} from './sender-keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

export type OpenRejection =
  | 'malformed'
  | 'oversized'
  | 'unsupported_version'
  | 'wrong_org'
  | 'wrong_channel'
  | 'unknown_sender'
  | 'revoked'
  | 'expired'
  | 'not_member'
  | 'epoch_rollback'
  | 'future_epoch'
  | 'bad_signature'
  | 'replay'
  | 'too_far_ahead'
  | 'decrypt_failed';

export type OpenOutcome =
  | { ok: true; header: EnvelopeHeader; senderUserId: string; payload: Uint8Array; clientEventId: string }
  | { ok: false; reason: 'missing_key'; header: EnvelopeHeader }
  | { ok: false; reason: OpenRejection };

export interface SelfDevice {
  deviceId: string;
  userId: string;
  signingKey: DeviceSigningKey;
  boxKey: DeviceBoxKey;
}

export interface KeyShare {
  recipientDeviceId: string;
  envelope: Uint8Array;
  /** The chain this share carries (for `markShared` once the relay acknowledged the mail). */
  chain: ChainId;
}

export type KeyRequestRejection =
  DirectRejection | 'wrong_org' | 'revoked' | 'expired' | 'not_member' | 'unknown_chain';

const KEY_SHARE_TYPE = 'key-share';
export const KEY_REQUEST_TYPE = 'key-request';
const ENVELOPE_CONTEXT_BYTES = utf8.encode(ENVELOPE_SIGNATURE_CONTEXT);

type Prechecked =
  { ok: true; parsed: ParsedEnvelope; senderUserId: string; item: SignatureItem } | { ok: false; outcome: OpenOutcome };

/** Whether a mailbox message is a key request (anything else is taken as a key share). */
export function isKeyRequest(bytes: Uint8Array): boolean {
  const peeked = peekDirect(bytes);
  return peeked.ok && peeked.header.contentType === KEY_REQUEST_TYPE;
}

/** The chain key `steps` indices after `key`: `key` itself when steps is 0, else a new buffer (`key` is left as it is). */
function advance(key: ChainKey, steps: number): ChainKey {
  let cursor = key;
  for (let i = 0; i < steps; i++) {
    const next = nextChainKey(cursor);
    if (cursor !== key) wipe(cursor);
    cursor = next;
  }
  return cursor;
}

/** BLAKE2b-256 of a whole envelope: the link of a chain's hash chain. */
export function envelopeHash(envelope: Uint8Array): Uint8Array {
  return sodium().crypto_generichash(32, envelope, null);
}

/**
 * The signed roster no longer names this device's user: nothing it queued for the channel can be
 * sealed, now or later. Final like the relay's `not_member` (sync/ports.ts PublishRefusal), so the
 * outbox marks it instead of retrying it for ever.
 */
export class NotAMemberError extends Error {
  readonly refusedForGood = true;
  readonly code = 'not_member';
  constructor() {
    super('this device is not a member of the channel');
    this.name = 'NotAMemberError';
  }
}

export class ChannelCrypto {
  readonly #directory: Directory;
  readonly #self: SelfDevice;
  readonly #keys: SenderKeyStore;
  readonly #verifier: SignatureVerifier;
  readonly #now: () => number;
  /** Client event ids already accepted (replay across chains, e.g. a re-sealed copy). */
  readonly #seenEvents = new Set<string>();
  /**
   * Highest epoch seen per (channel, sender device), with the lowest relay seq it was seen at: an
   * older epoch later in the log is a rollback. One earlier in the log is not (an envelope kept
   * for its key, such as the history a new member is given, opens after newer ones).
   */
  readonly #maxEpoch = new Map<string, { epoch: number; seq: number | undefined }>();
  readonly #orgIdRaw: Uint8Array;

  constructor(deps: {
    directory: Directory;
    self: SelfDevice;
    keys: SenderKeyStore;
    verifier?: SignatureVerifier;
    now?: () => number;
  }) {
    this.#directory = deps.directory;
    this.#self = deps.self;
    this.#keys = deps.keys;
    this.#verifier = deps.verifier ?? defaultVerifier;
    this.#now = deps.now ?? Date.now;
    this.#orgIdRaw = fromBase64Url(deps.directory.orgId)!;
  }

  /** The channel's current signed roster, as this device holds it, names this device's user. */
  isMember(channelId: string): boolean {
    return this.#directory.isMember(channelId, this.#self.userId);
  }

  /** True when the next send needs a new chain (new epoch, revoked member device, rotation due). */
  needsNewChain(channelId: string): boolean {
    const chain = this.#keys.outbound(channelId);
    if (!chain) return true;
    if (chain.epoch !== this.#directory.currentEpoch(channelId)) return true;
    if (chain.nextIndex >= ROTATE_AFTER_MESSAGES || this.#now() - chain.createdAt >= ROTATE_AFTER_MS) return true;
    // A device that received (or may have received) this chain key was revoked since, or its user
    // no longer counts as a member (a role's previous holder after the handover, before anyone
    // signed the new roster): it must not read what comes next. A share the relay stored but
    // never acknowledged counts as received.
    if (
      [...(chain.sharedWith ?? []), ...(chain.offeredTo ?? [])].some((deviceId) => {
        const userId = this.#directory.userOfDevice(deviceId);
        return (
          !this.#directory.isDeviceActive(deviceId) || userId === null || !this.#directory.isMember(channelId, userId)
        );
      })
    )
      return true;
    return false;
  }

  #historyAllowed(channelId: string): boolean {
    return this.#directory.rosters.get(channelId)?.current.historyForNewMembers ?? false;
  }

  /**
   * Starts a new chain for this device in the channel and returns its key shares for every member
   * device. None of them counts as shared until `markShared` (the relay acknowledged the mail);
   * until then `pendingShares` offers them again, from the chain's first index.
   */
  rotate(channelId: string): KeyShare[] {
    const epoch = this.#directory.currentEpoch(channelId);
    if (epoch === 0) throw new Error(`no roster for channel ${channelId}`);
    if (!this.isMember(channelId)) throw new NotAMemberError();
    const previous = this.#keys.outbound(channelId);
    const generation = previous && previous.epoch === epoch ? (previous.generation + 1) & 0xffff : 0;
    const chain = newChain({ channelId, epoch, senderDeviceId: this.#self.deviceId, generation }, this.#now());
    if (this.#historyAllowed(channelId)) chain.initialKey = asChainKey(chain.chainKey.slice());
    const recipients = this.#directory
      .memberDevices(channelId)
      .map((d) => d.record.body.deviceId)
      .filter((id) => id !== this.#self.deviceId);
    chain.sharedWith = [];
    chain.offeredTo = recipients;
    if (recipients.length > 0) chain.startKey = asChainKey(chain.chainKey.slice());
    this.#keys.setOutbound(chain);
    // The replaced sending chain is never used again (its inbound copy and initial key are
    // separate buffers), so its key is wiped now rather than left to the garbage collector. Its
    // start key moves to the inbound copy while a device is still owed that chain.
    if (previous) {
      wipe(previous.chainKey);
      this.#retainOwed(previous);
    }
    // An inbound copy, so this device also opens its own envelopes when sync brings them back
    // (after a reinstall of the outbox, or on catch-up): it ratchets separately from the sender side.
    this.#keys.put({
      channelId: chain.channelId,
      epoch: chain.epoch,
      senderDeviceId: chain.senderDeviceId,
      generation: chain.generation,
      chainKey: asChainKey(chain.chainKey.slice()),
      nextIndex: 0,
      skipped: new Map(),
      createdAt: chain.createdAt,
      sharedWith: [],
      ...(chain.initialKey ? { initialKey: chain.initialKey } : {}),
    });
    return this.#sharesFor(chain, recipients);
  }

  /**
   * For channels that give new members the history: every chain this device knows of the
   * channel, from its first index, for the given (new) devices. Empty when the setting is off.
   */
  shareHistory(channelId: string, deviceIds: string[]): KeyShare[] {
    if (!this.#historyAllowed(channelId)) return [];
    const chains = [
      ...this.#keys.chainsOf(channelId),
      ...(this.#keys.outbound(channelId) ? [this.#keys.outbound(channelId)!] : []),
    ];
    return chains
      .filter((c) => c.initialKey)
      .flatMap((c) => this.#sharesFor({ ...c, chainKey: c.initialKey!, nextIndex: 0 }, deviceIds));
  }

  /** Indices skipped in each chain of a channel (messages not received yet, or lost). */
  gaps(channelId: string): Array<{ senderDeviceId: string; epoch: number; generation: number; missing: number[] }> {
    return this.#keys
      .chainsOf(channelId)
      .filter((c) => c.skipped.size > 0)
      .map((c) => ({
        senderDeviceId: c.senderDeviceId,
        epoch: c.epoch,
        generation: c.generation,
        missing: [...c.skipped.keys()].sort((a, b) => a - b),
      }));
  }

  /**
   * Key shares of the current outbound chain for member devices whose share the relay has not
   * acknowledged yet: those that joined since, and those whose share failed to send (mailbox full,
   * connection lost). They start at the chain's first index while its start key is kept. Also the
   * shares still owed of this device's replaced chains (below).
   */
  pendingShares(channelId: string): KeyShare[] {
    const retained = this.#retainedShares(channelId);
    const chain = this.#keys.outbound(channelId);
    if (!chain) return retained;
    // Not to be sent with again (new epoch, rotation due, a revoked device): owed like a replaced
    // chain, here too, so a reconnect without a send still delivers it or lets its start key go.
    if (this.needsNewChain(channelId)) return [...retained, ...this.#staleShares(chain)];
    const have = new Set(chain.sharedWith ?? []);
    const missing = this.#directory
      .memberDevices(channelId)
      .map((d) => d.record.body.deviceId)
      .filter((id) => id !== this.#self.deviceId && !have.has(id));
    return missing.length ? [...retained, ...this.shareWith(channelId, missing)] : retained;
  }

  /**
   * A chain replaced (new roster epoch, rotation) while a device's share of it was still owed keeps
   * its start key on the inbound copy, so messages sealed with it still reach that device: the share
   * is offered again like the current chain's, and a key request for it is answered. Kept until
   * every device it was made for acknowledged it, or RETAIN_OWED_MS after the chain began.
   */
  #retainOwed(previous: ChainState): void {
    const copy = this.#keys.get(previous);
    if (!previous.startKey || !copy || this.#owedOf(previous).length === 0) {
      wipe(previous.startKey);
      return;
    }
    wipe(copy.startKey);
    copy.startKey = previous.startKey;
    copy.offeredTo = previous.offeredTo ?? [];
    copy.sharedWith = previous.sharedWith ?? [];
    if (previous.lateFrom) copy.lateFrom = previous.lateFrom;
    this.#keys.put(copy);
  }

  /** Devices a (replaced) chain was made for that lack it and may still have it: active, their user a member now and at its epoch. */
  #owedOf(chain: ChainState): string[] {
    const have = new Set(chain.sharedWith ?? []);
    return (chain.offeredTo ?? []).filter((deviceId) => {
      if (have.has(deviceId) || !this.#directory.isDeviceActive(deviceId)) return false;
      const userId = this.#directory.devices.get(deviceId)?.record.body.userId;
      return (
        userId !== undefined &&
        this.#directory.isMember(chain.channelId, userId) &&
        this.#directory.wasMemberAt(chain.channelId, chain.epoch, userId)
      );
    });
  }

  #retainedChains(channelId: string): ChainState[] {
    const current = this.#keys.outbound(channelId);
    return this.#keys
      .chainsOf(channelId)
      .filter(
        (c) =>
          c.startKey && c.senderDeviceId === this.#self.deviceId && (!current || chainKeyId(c) !== chainKeyId(current)),
      );
  }

  #retainedShares(channelId: string): KeyShare[] {
    return this.#keptRetainedChains(channelId).flatMap((chain) => this.#sharesFor(chain, this.#owedOf(chain)));
  }

  /** The replaced chains whose start key is still kept, after dropping those nobody is owed any more or past RETAIN_OWED_MS. */
  #keptRetainedChains(channelId: string): ChainState[] {
    return this.#retainedChains(channelId).filter((chain) => {
      if (this.#owedOf(chain).length > 0 && this.#now() - chain.createdAt < RETAIN_OWED_MS) return true;
      this.#dropStartKey(chain);
      return false;
    });
  }

  /** The owed shares of an outbound chain that will not be sent with again, or none (and its start key goes). */
  #staleShares(chain: ChainState): KeyShare[] {
    return this.#keepsStaleStart(chain) ? this.#sharesFor(chain, this.#owedOf(chain)) : [];
  }

  /** Whether such a chain still keeps its start key: someone is owed it and it began less than RETAIN_OWED_MS ago (else it goes now). */
  #keepsStaleStart(chain: ChainState): boolean {
    if (!chain.startKey) return false;
    if (this.#owedOf(chain).length > 0 && this.#now() - chain.createdAt < RETAIN_OWED_MS) return true;
    wipe(chain.startKey);
    delete chain.startKey;
    delete chain.lateFrom;
    this.#keys.setOutbound(chain);
    return false;
  }

  #dropStartKey(chain: ChainState): void {
    wipe(chain.startKey);
    delete chain.startKey;
    delete chain.offeredTo;
    delete chain.lateFrom;
    this.#keys.put(chain);
  }

  /** Shares the current outbound chain with these devices (counted as shared only after `markShared`). */
  shareWith(channelId: string, deviceIds: string[]): KeyShare[] {
    const chain = this.#keys.outbound(channelId);
    if (!chain) return [];
    // A device not offered this chain before was not known when it began: from the next message on.
    const offered = new Set(chain.offeredTo ?? []);
    for (const deviceId of deviceIds) {
      if (offered.has(deviceId)) continue;
      chain.lateFrom = { ...chain.lateFrom, [deviceId]: chain.nextIndex };
      offered.add(deviceId);
    }
    chain.offeredTo = [...offered];
    this.#keys.setOutbound(chain);
    return this.#sharesFor(chain, deviceIds);
  }

  /**
   * The relay acknowledged these shares: their devices hold the chain now. When every member
   * device does, the start key is wiped (forward secrecy is back to the chain's own ratchet).
   */
  markShared(shares: readonly KeyShare[]): void {
    // Answers to key requests come in batches that may span channels.
    const channels = new Set(shares.map((s) => s.chain.channelId));
    if (channels.size > 1) {
      for (const channelId of channels) this.markShared(shares.filter((s) => s.chain.channelId === channelId));
      return;
    }
    for (const chain of this.#retainedChains(shares[0]?.chain.channelId ?? '')) {
      const acked = shares.filter((s) => chainKeyId(s.chain) === chainKeyId(chain)).map((s) => s.recipientDeviceId);
      if (acked.length === 0) continue;
      chain.sharedWith = [...new Set([...(chain.sharedWith ?? []), ...acked])];
      if (this.#owedOf(chain).length === 0) this.#dropStartKey(chain);
      else this.#keys.put(chain);
    }
    const chain = this.#keys.outbound(shares[0]?.chain.channelId ?? '');
    if (!chain) return;
    const ofChain = shares.filter((s) => chainKeyId(s.chain) === chainKeyId(chain));
    if (ofChain.length === 0) return;
    chain.sharedWith = [...new Set([...(chain.sharedWith ?? []), ...ofChain.map((s) => s.recipientDeviceId)])];
    const have = new Set(chain.sharedWith);
    const owed = this.needsNewChain(chain.channelId)
      ? this.#owedOf(chain).length > 0
      : this.#directory
          .memberDevices(chain.channelId)
          .some(
            (d) =>
              d.record.body.deviceId !== this.#self.deviceId &&
              this.#directory.isDeviceActive(d.record.body.deviceId) &&
              !have.has(d.record.body.deviceId),
          );
    if (!owed && chain.startKey) {
      wipe(chain.startKey);
      delete chain.startKey;
      delete chain.lateFrom;
    }
    this.#keys.setOutbound(chain);
  }

  #sharesFor(chain: ChainState, deviceIds: string[]): KeyShare[] {
    const shares: KeyShare[] = [];
    for (const deviceId of deviceIds) {
      if (deviceId === this.#self.deviceId) continue;
      const device = this.#directory.devices.get(deviceId);
      if (!device || !this.#directory.isDeviceActive(deviceId)) continue;
      // An outbound chain that still keeps its start key is shared from its first message. So is
      // any chain of a channel with history for new members: a device enrolled after the chain
      // began would otherwise hold it from the middle and then refuse the history share from
      // index 0 as moving the chain backwards (protocol.md "Key schedule").
      // Without history, a device first offered the chain after it began starts where it was offered it.
      const history = this.#historyAllowed(chain.channelId);
      const start = chain.startKey ?? (history ? chain.initialKey : undefined);
      const startIndex = start ? (history ? 0 : (chain.lateFrom?.[deviceId] ?? 0)) : chain.nextIndex;
      const key = start ? advance(start, startIndex) : chain.chainKey;
      const payload: KeySharePayload = {
        channelId: chain.channelId,
        epoch: chain.epoch,
        senderDeviceId: chain.senderDeviceId,
        generation: chain.generation,
        startIndex,
        chainKey: toBase64Url(key),
      };
      if (key !== start && key !== chain.chainKey) wipe(key);
      const envelope = sealDirect(
        {
          orgIdRaw: this.#orgIdRaw,
          senderDeviceId: this.#self.deviceId,
          recipientDeviceId: deviceId,
          contentType: KEY_SHARE_TYPE,
          sentAt: this.#now(),
        },
        utf8.encode(JSON.stringify(payload)),
        { signingKey: this.#self.signingKey, boxKey: this.#self.boxKey },
        device.boxPublicKey,
      );
      shares.push({
        recipientDeviceId: deviceId,
        envelope,
        chain: {
          channelId: chain.channelId,
          epoch: chain.epoch,
          senderDeviceId: chain.senderDeviceId,
          generation: chain.generation,
        },
      });
    }
    return shares;
  }

  /** Seals a payload with this device's current chain (call `rotate` first when `needsNewChain`). */
  seal(
    channelId: string,
    contentType: string,
    clientEventId: Uint8Array,
    payload: Uint8Array,
  ): { envelope: Uint8Array; epoch: number } {
    const chain = this.#keys.outbound(channelId);
    if (!chain || this.needsNewChain(channelId)) throw new Error('rotate the chain before sending');
    const { index, key } = takeSendingKey(chain);
    const header: EnvelopeHeader = {
      version: ENVELOPE_VERSION,
      kind: ENVELOPE_KIND_CHANNEL,
      orgIdRaw: this.#orgIdRaw,
      channelId,
      epoch: chain.epoch,
      senderDeviceId: this.#self.deviceId,
      generation: chain.generation,
      index,
      contentType,
      clientEventId,
      prevHash: chain.lastHash ?? new Uint8Array(32),
    };
    const s = sodium();
    const headerBytes = encodeHeader(header);
    const nonce = s.randombytes_buf(24);
    try {
      const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(pad(payload), headerBytes, null, nonce, key);
      const unsigned = concatBytes(
        new Uint8Array([headerBytes.length >> 8, headerBytes.length & 0xff]),
        headerBytes,
        nonce,
        ciphertext,
      );
      const signature = signDetached(concatBytes(ENVELOPE_CONTEXT_BYTES, unsigned), this.#self.signingKey);
      const envelope = concatBytes(unsigned, signature);
      chain.lastHash = envelopeHash(envelope);
      this.#keys.setOutbound(chain);
      return { envelope, epoch: chain.epoch };
    } finally {
      wipe(key);
    }
  }

  /** Accepts a chain-key share addressed to this device. */
  acceptKeyShare(
    bytes: Uint8Array,
  ):
    | { ok: true; channelId: string }
    | { ok: false; reason: DirectRejection | 'not_member' | 'revoked' | 'expired' | 'wrong_org' } {
    const mail = this.#openMail(bytes, KEY_SHARE_TYPE, keySharePayload);
    if (!mail.ok) return mail;
    const { payload: share, sender } = mail;
    const key = fromBase64Url(share.chainKey);
    if (!key || key.length !== 32) {
      wipe(key);
      return { ok: false, reason: 'malformed' };
    }
    const senderUser = sender.record.body.userId;
    if (share.senderDeviceId !== sender.record.body.deviceId) {
      // Someone else's chain: only as history for a new member, from a current member. A wrong
      // key forwarded this way cannot forge anything (envelopes stay signed by their sender).
      if (!this.#historyAllowed(share.channelId) || !this.#directory.isMember(share.channelId, senderUser)) {
        wipe(key);
        return { ok: false, reason: 'not_member' };
      }
    } else if (
      !this.#directory.wasMemberAt(share.channelId, share.epoch, senderUser) ||
      !this.#directory.admits(share.channelId, senderUser)
    ) {
      // A device shares its own chain only for a channel its user is in at that epoch, and that
      // the member gate admits them to (someone signed into a role's conversation is not read).
      wipe(key);
      return { ok: false, reason: 'not_member' };
    }
    const id = {
      channelId: share.channelId,
      epoch: share.epoch,
      senderDeviceId: share.senderDeviceId,
      generation: share.generation,
    };
    const existing = this.#keys.get(id);
    // Never move an existing chain backwards (that would re-open used indices).
    if (existing && existing.nextIndex >= share.startIndex) {
      wipe(key);
      return { ok: true, channelId: share.channelId };
    }
    const keepInitial = share.startIndex === 0 && this.#historyAllowed(share.channelId);
    // The chain jumps forward to the shared start: its old key is replaced (skipped keys stay).
    if (existing) wipe(existing.chainKey);
    this.#keys.put({
      ...id,
      chainKey: asChainKey(key),
      nextIndex: share.startIndex,
      skipped: existing?.skipped ?? new Map(),
      createdAt: this.#now(),
      ...(keepInitial ? { initialKey: asChainKey(key.slice()) } : {}),
    });
    return { ok: true, channelId: share.channelId };
  }

  /**
   * Checks a direct mail of one content type down to its payload: organisation, an active sender
   * device, signature and box, then the payload's schema.
   */
  #openMail<T>(
    bytes: Uint8Array,
    contentType: string,
    schema: { safeParse(input: unknown): { success: true; data: T } | { success: false } },
  ):
    | { ok: true; payload: T; sender: DeviceEntry }
    | { ok: false; reason: DirectRejection | 'revoked' | 'expired' | 'wrong_org' } {
    const peeked = peekDirect(bytes);
    if (!peeked.ok) return peeked;
    if (peeked.header.contentType !== contentType) return { ok: false, reason: 'malformed' };
    if (!bytesEqual(peeked.header.orgIdRaw, this.#orgIdRaw)) return { ok: false, reason: 'wrong_org' };
    const sender = this.#directory.devices.get(peeked.header.senderDeviceId);
    if (!sender) return { ok: false, reason: 'unknown_signer' };
    if (this.#directory.isDeviceExpired(peeked.header.senderDeviceId)) return { ok: false, reason: 'expired' };
    if (!this.#directory.isDeviceActive(peeked.header.senderDeviceId)) return { ok: false, reason: 'revoked' };
    const opened = openDirect(
      bytes,
      { deviceId: this.#self.deviceId, boxKey: this.#self.boxKey },
      sender,
      this.#verifier,
    );
    if (!opened.ok) return opened;
    let json: unknown;
    try {
      json = JSON.parse(utf8.decode(opened.direct.payload));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    return { ok: true, payload: parsed.data, sender };
  }

  /**
   * A signed request to a chain's sender device for its key, for an envelope this device holds
   * but cannot open (its share never arrived). Null when that device cannot be asked.
   */
  requestKey(chain: ChainId & { index: number }): { recipientDeviceId: string; envelope: Uint8Array } | null {
    if (chain.senderDeviceId === this.#self.deviceId) return null;
    const device = this.#directory.devices.get(chain.senderDeviceId);
    if (!device || !this.#directory.isDeviceActive(chain.senderDeviceId)) return null;
    const payload: KeyRequestPayload = {
      channelId: chain.channelId,
      epoch: chain.epoch,
      senderDeviceId: chain.senderDeviceId,
      generation: chain.generation,
      index: chain.index,
    };
    const envelope = sealDirect(
      {
        orgIdRaw: this.#orgIdRaw,
        senderDeviceId: this.#self.deviceId,
        recipientDeviceId: chain.senderDeviceId,
        contentType: KEY_REQUEST_TYPE,
        sentAt: this.#now(),
      },
      utf8.encode(JSON.stringify(payload)),
      { signingKey: this.#self.signingKey, boxKey: this.#self.boxKey },
      device.boxPublicKey,
    );
    return { recipientDeviceId: chain.senderDeviceId, envelope };
  }

  /**
   * Answers a key request with a share of this device's current chain, only when the requesting
   * device is active and its user is a member of the channel now (by the signed roster) and was
   * at the chain's epoch. The share counts as given only after `markShared`.
   */
  answerKeyRequest(bytes: Uint8Array): { ok: true; share: KeyShare } | { ok: false; reason: KeyRequestRejection } {
    const mail = this.#openMail(bytes, KEY_REQUEST_TYPE, keyRequestPayload);
    if (!mail.ok) return mail;
    const { payload: request, sender } = mail;
    const requester = sender.record.body;
    if (
      !this.#directory.isMember(request.channelId, requester.userId) ||
      !this.#directory.wasMemberAt(request.channelId, request.epoch, requester.userId)
    ) {
      return { ok: false, reason: 'not_member' };
    }
    if (request.senderDeviceId !== this.#self.deviceId) return { ok: false, reason: 'unknown_chain' };
    const chain = this.#keys.outbound(request.channelId);
    const asked = chainKeyId(request);
    let share: KeyShare | undefined;
    if (chain && chainKeyId(chain) === asked) {
      // A chain not sent with any more keeps its start key only as long as a replaced one would.
      if (this.needsNewChain(request.channelId)) this.#keepsStaleStart(chain);
      [share] = this.shareWith(request.channelId, [requester.deviceId]);
    } else {
      // A replaced chain only while its start key is kept; otherwise its keys are gone.
      // Only to a device it was made for: one enrolled after its last use never had a claim on it.
      const retained = this.#keptRetainedChains(request.channelId).find((c) => chainKeyId(c) === asked);
      if (!retained || !(retained.offeredTo ?? []).includes(requester.deviceId))
        return { ok: false, reason: 'unknown_chain' };
      [share] = this.#sharesFor(retained, [requester.deviceId]);
    }
    return share ? { ok: true, share } : { ok: false, reason: 'revoked' };
  }

  /** Opens an envelope that the relay delivered in `channelId`. */
  open(channelId: string, bytes: Uint8Array, seq?: number): OpenOutcome {
    const checked = this.#precheck(channelId, bytes);
    if (!checked.ok) return checked.outcome;
    const signatureOk = this.#verifier.verify(checked.item.signature, checked.item.message, checked.item.publicKey);
    return this.#finish(channelId, checked, signatureOk, seq);
  }

  /**
   * Opens a page of envelopes in order (catch-up). Signatures are checked together, spread over
   * threads by the verifier; keys and replay state then advance one envelope at a time, exactly
   * as `open` would.
   */
  async openBatch(
    channelId: string,
    envelopes: readonly Uint8Array[],
    seqs?: readonly number[],
  ): Promise<OpenOutcome[]> {
    const checked = envelopes.map((bytes) => this.#precheck(channelId, bytes));
    const signatureOk = await this.#verifyRuns(envelopes, checked);
    return checked.map((c, i) => (c.ok ? this.#finish(channelId, c, signatureOk[i]!, seqs?.[i]) : c.outcome));
  }

  /**
   * Splits the page into runs: envelopes of one chain with consecutive indices whose prevHash
   * links each to the one before. The signature of a run's last envelope then authenticates the whole run
   * (each earlier envelope is fixed by the hash inside the next), so a catch-up of 10,000
   * envelopes needs about one Ed25519 verification per chain instead of one per message. A run
   * whose last signature fails is checked envelope by envelope.
   */
  async #verifyRuns(envelopes: readonly Uint8Array[], checked: Prechecked[]): Promise<boolean[]> {
    const result = new Array<boolean>(envelopes.length).fill(false);
    const runs: number[][] = [];
    // Envelopes of different senders interleave in a page; follow each chain separately.
    const lastOfChain = new Map<string, { run: number[]; hash: Uint8Array; index: number }>();
    for (let i = 0; i < checked.length; i++) {
      const c = checked[i]!;
      if (!c.ok) continue;
      const header = c.parsed.header;
      const chain = `${header.senderDeviceId}|${header.epoch}|${header.generation}`;
      const hash = envelopeHash(envelopes[i]!);
      const previous = lastOfChain.get(chain);
      if (previous && previous.index + 1 === header.index && bytesEqual(previous.hash, header.prevHash)) {
        previous.run.push(i);
        lastOfChain.set(chain, { run: previous.run, hash, index: header.index });
      } else {
        const run = [i];
        runs.push(run);
        lastOfChain.set(chain, { run, hash, index: header.index });
      }
    }
    const item = (i: number) => (checked[i] as { item: SignatureItem }).item;
    const lastOk = await this.#verifier.verifyMany(runs.map((run) => item(run.at(-1)!)));
    const recheck: number[] = [];
    runs.forEach((run, r) => {
      if (lastOk[r]) run.forEach((i) => (result[i] = true));
      else recheck.push(...run);
    });
    const individual = await this.#verifier.verifyMany(recheck.map(item));
    recheck.forEach((i, k) => (result[i] = individual[k]!));
    return result;
  }

  #precheck(channelId: string, bytes: Uint8Array): Prechecked {
    const fail = (reason: OpenRejection) => ({ ok: false as const, outcome: { ok: false as const, reason } });
    const parsed = parseEnvelope(bytes);
    if (!parsed.ok) return fail(parsed.reason);
    const { header, signature, signedPart } = parsed.envelope;
    if (!bytesEqual(header.orgIdRaw, this.#orgIdRaw)) return fail('wrong_org');
    if (header.channelId !== channelId) return fail('wrong_channel');
    const sender = this.#directory.devices.get(header.senderDeviceId);
    if (!sender) return fail('unknown_sender');
    if (this.#directory.isDeviceExpired(header.senderDeviceId)) return fail('expired');
    if (!this.#directory.isDeviceActive(header.senderDeviceId)) return fail('revoked');
    const senderUserId = sender.record.body.userId;
    if (header.epoch > this.#directory.currentEpoch(channelId)) return fail('future_epoch');
    if (!this.#directory.wasMemberAt(channelId, header.epoch, senderUserId)) return fail('not_member');
    return {
      ok: true,
      parsed: parsed.envelope,
      senderUserId,
      item: { signature, message: concatBytes(ENVELOPE_CONTEXT_BYTES, signedPart), publicKey: sender.signingPublicKey },
    };
  }

  #finish(
    channelId: string,
    checked: { parsed: ParsedEnvelope; senderUserId: string },
    signatureOk: boolean,
    seq?: number,
  ): OpenOutcome {
    const { header, headerBytes, nonce, ciphertext } = checked.parsed;
    const epochKey = `${channelId}|${header.senderDeviceId}`;
    const max = this.#maxEpoch.get(epochKey);
    const earlierInLog = seq !== undefined && max?.seq !== undefined && seq < max.seq;
    if (max && header.epoch < max.epoch && !earlierInLog) return { ok: false, reason: 'epoch_rollback' };
    if (!signatureOk) return { ok: false, reason: 'bad_signature' };
    const eventId = toBase64Url(header.clientEventId);
    if (this.#seenEvents.has(`${channelId}|${eventId}`)) return { ok: false, reason: 'replay' };
    const chain = this.#keys.get(header);
    if (!chain) return { ok: false, reason: 'missing_key', header };
    const planned = planReceive(chain, header.index);
    if (!planned.ok) return { ok: false, reason: planned.problem === 'too_far_ahead' ? 'too_far_ahead' : 'replay' };
    let padded: Uint8Array;
    try {
      padded = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        ciphertext,
        headerBytes,
        nonce,
        planned.plan.key,
      );
    } catch {
      planned.plan.discard();
      return { ok: false, reason: 'decrypt_failed' };
    }
    const payload = unpad(padded);
    if (!payload) {
      planned.plan.discard();
      return { ok: false, reason: 'malformed' };
    }
    planned.plan.commit();
    this.#keys.put(chain);
    this.#seenEvents.add(`${channelId}|${eventId}`);
    if (!max || header.epoch > max.epoch) this.#maxEpoch.set(epochKey, { epoch: header.epoch, seq });
    else if (header.epoch === max.epoch && seq !== undefined && (max.seq === undefined || seq < max.seq)) max.seq = seq;
    return { ok: true, header, senderUserId: checked.senderUserId, payload, clientEventId: eventId };
  }
}
