// Sender-key chains (as Signal groups and Matrix Megolm): per (channel, epoch, sender device,
// generation) a random 32-byte chain key is shared with every member device. For message i:
//
//   messageKey_i   = KDF(chainKey_i, id 1, "kfmsgkey")
//   chainKey_(i+1) = KDF(chainKey_i, id 2, "kfchain_")        (crypto_kdf, BLAKE2b)
//
// The chain only moves forward and each used key is wiped, so a key stolen today does not open
// yesterday's messages (forward secrecy within a chain). Out-of-order delivery is handled by
// keeping the message keys of skipped indices, at most MAX_SKIP ahead and MAX_STORED in total.
import { asChainKey, wipe, type ChainKey, type MessageKey } from '@klinikfunk/crypto/keys.ts';
import { sodium } from '@klinikfunk/crypto/sodium.ts';

export const MAX_SKIP = 1000;
export const MAX_STORED_SKIPPED = 2000;
/** Rotate to a new generation after this many messages or this age. */
export const ROTATE_AFTER_MESSAGES = 100;
export const ROTATE_AFTER_MS = 7 * 24 * 3_600_000;
/** A replaced chain's start key is kept for a device still owed its share at most this long after the chain began. */
export const RETAIN_OWED_MS = 14 * 24 * 3_600_000;

export interface ChainId {
  channelId: string;
  epoch: number;
  senderDeviceId: string;
  generation: number;
}

export interface ChainState extends ChainId {
  /** Key for index `nextIndex`. */
  chainKey: ChainKey;
  nextIndex: number;
  /** Message keys for indices that were skipped and may still arrive. */
  skipped: Map<number, MessageKey>;
  createdAt: number;
  /** Outbound only: BLAKE2b-256 of this chain's last envelope (the next one's prevHash). */
  lastHash?: Uint8Array;
  /**
   * Outbound only: devices whose share of this chain the relay acknowledged. Only these count as
   * having the key; every other member device is owed a share (retried with the next send, on
   * reconnect, and on request).
   */
  sharedWith?: string[];
  /** Outbound only: devices a share was made for, acknowledged or not (a revoked one forces a new chain). */
  offeredTo?: string[];
  /**
   * Outbound only: the key of index 0, kept while a member device still lacks its share, so a share
   * sent late opens the chain from its first message. Wiped once every device is served.
   */
  startKey?: ChainKey;
  /**
   * Outbound only: devices first offered this chain after it began (enrolled since), with the index
   * they were offered it from. A share made from the start key for them starts there, never at 0:
   * without history for new members a device reads nothing sealed before it was known.
   */
  lateFrom?: Record<string, number>;
  /** Kept only in channels that give new members the history: the key of index 0. */
  initialKey?: ChainKey;
}

export const chainKeyId = (id: ChainId) => `${id.channelId}|${id.epoch}|${id.senderDeviceId}|${id.generation}`;

export function deriveMessageKey(chainKey: ChainKey): MessageKey {
  return sodium().crypto_kdf_derive_from_key(32, 1, 'kfmsgkey', chainKey) as MessageKey;
}

export function nextChainKey(chainKey: ChainKey): ChainKey {
  return asChainKey(sodium().crypto_kdf_derive_from_key(32, 2, 'kfchain_', chainKey));
}

export function newChain(id: ChainId, now: number): ChainState {
  return {
    ...id,
    chainKey: asChainKey(sodium().randombytes_buf(32)),
    nextIndex: 0,
    skipped: new Map(),
    createdAt: now,
  };
}

/** Sender side: the key for the next message, advancing the chain (the old chain key is wiped). */
export function takeSendingKey(chain: ChainState): { index: number; key: MessageKey } {
  const key = deriveMessageKey(chain.chainKey);
  const next = nextChainKey(chain.chainKey);
  wipe(chain.chainKey);
  chain.chainKey = next;
  return { index: chain.nextIndex++, key };
}

export type ReceiveKeyProblem = 'replay_or_too_old' | 'too_far_ahead';

/**
 * Receiver side, step 1 (no state change): the key for `index` and what committing it would do.
 * Only after the envelope authenticated does the caller `commit` the plan, so a forged or broken
 * envelope never advances the chain.
 */
export interface ReceivePlan {
  key: MessageKey;
  commit(): void;
  discard(): void;
}

export function planReceive(
  chain: ChainState,
  index: number,
): { ok: true; plan: ReceivePlan } | { ok: false; problem: ReceiveKeyProblem } {
  if (index < chain.nextIndex) {
    const key = chain.skipped.get(index);
    if (!key) return { ok: false, problem: 'replay_or_too_old' };
    return {
      ok: true,
      plan: {
        key,
        commit: () => {
          chain.skipped.delete(index);
          wipe(key);
        },
        discard: () => {},
      },
    };
  }
  if (index - chain.nextIndex > MAX_SKIP) return { ok: false, problem: 'too_far_ahead' };
  // Walk forward on copies; nothing in `chain` changes until commit.
  const newlySkipped: Array<[number, MessageKey]> = [];
  let cursor = chain.chainKey.slice() as ChainKey;
  for (let i = chain.nextIndex; i < index; i++) {
    newlySkipped.push([i, deriveMessageKey(cursor)]);
    const next = nextChainKey(cursor);
    wipe(cursor);
    cursor = next;
  }
  const key = deriveMessageKey(cursor);
  const after = nextChainKey(cursor);
  wipe(cursor);
  return {
    ok: true,
    plan: {
      key,
      commit: () => {
        for (const [i, k] of newlySkipped) chain.skipped.set(i, k);
        // Bound memory: forget the oldest skipped keys first (those messages become unreadable).
        while (chain.skipped.size > MAX_STORED_SKIPPED) {
          const oldest = Math.min(...chain.skipped.keys());
          wipe(chain.skipped.get(oldest));
          chain.skipped.delete(oldest);
        }
        wipe(chain.chainKey);
        chain.chainKey = after;
        chain.nextIndex = index + 1;
        wipe(key);
      },
      discard: () => {
        for (const [, k] of newlySkipped) wipe(k);
        wipe(after, key);
      },
    },
  };
}

/** Where chain states live: in memory here; the profile store persists them (encrypted). */
export interface SenderKeyStore {
  get(id: ChainId): ChainState | undefined;
  put(state: ChainState): void;
  /** The newest outbound chain of this device for a channel. */
  outbound(channelId: string): ChainState | undefined;
  setOutbound(state: ChainState): void;
  /** Every inbound chain of a channel (for re-sharing history to new members). */
  chainsOf(channelId: string): ChainState[];
  /** Deletes every chain of the channel, inbound and own: nothing of it can be opened here again. */
  forgetChannel(channelId: string): void;
}

export class MemorySenderKeyStore implements SenderKeyStore {
  readonly #chains = new Map<string, ChainState>();
  readonly #outbound = new Map<string, ChainState>();
  get(id: ChainId): ChainState | undefined {
    return this.#chains.get(chainKeyId(id));
  }
  put(state: ChainState): void {
    this.#chains.set(chainKeyId(state), state);
  }
  outbound(channelId: string): ChainState | undefined {
    return this.#outbound.get(channelId);
  }
  setOutbound(state: ChainState): void {
    this.#outbound.set(state.channelId, state);
  }
  chainsOf(channelId: string): ChainState[] {
    return [...this.#chains.values()].filter((c) => c.channelId === channelId);
  }
  forgetChannel(channelId: string): void {
    for (const [id, c] of this.#chains) if (c.channelId === channelId) this.#chains.delete(id);
    this.#outbound.delete(channelId);
  }
}
