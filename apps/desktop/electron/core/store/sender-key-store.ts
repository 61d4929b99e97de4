// Sender-key chains persisted in the encrypted store, so a restart neither loses the keys of
// chains others shared with this device nor re-opens indices already used. A write-through cache
// keeps the hot path (opening envelopes) free of JSON parsing.
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { asChainKey, type MessageKey } from '@klinikfunk/crypto/keys.ts';
import { chainKeyId, type ChainId, type ChainState, type SenderKeyStore } from '../crypto/sender-keys.ts';
import type { Db } from './database.ts';

interface StoredChain {
  channelId: string;
  epoch: number;
  senderDeviceId: string;
  generation: number;
  chainKey: string;
  nextIndex: number;
  skipped: Array<[number, string]>;
  createdAt: number;
  lastHash?: string;
  sharedWith?: string[];
  offeredTo?: string[];
  startKey?: string;
  lateFrom?: Record<string, number>;
  initialKey?: string;
}

const OUTBOUND = 'outbound|';

function encode(state: ChainState): string {
  const stored: StoredChain = {
    channelId: state.channelId,
    epoch: state.epoch,
    senderDeviceId: state.senderDeviceId,
    generation: state.generation,
    chainKey: toBase64Url(state.chainKey),
    nextIndex: state.nextIndex,
    skipped: [...state.skipped].map(([i, k]) => [i, toBase64Url(k)]),
    createdAt: state.createdAt,
    ...(state.lastHash ? { lastHash: toBase64Url(state.lastHash) } : {}),
    ...(state.sharedWith ? { sharedWith: state.sharedWith } : {}),
    ...(state.offeredTo ? { offeredTo: state.offeredTo } : {}),
    ...(state.startKey ? { startKey: toBase64Url(state.startKey) } : {}),
    ...(state.lateFrom ? { lateFrom: state.lateFrom } : {}),
    ...(state.initialKey ? { initialKey: toBase64Url(state.initialKey) } : {}),
  };
  return JSON.stringify(stored);
}

function decode(text: string): ChainState {
  const s = JSON.parse(text) as StoredChain;
  return {
    channelId: s.channelId,
    epoch: s.epoch,
    senderDeviceId: s.senderDeviceId,
    generation: s.generation,
    chainKey: asChainKey(fromBase64Url(s.chainKey)!),
    nextIndex: s.nextIndex,
    skipped: new Map(s.skipped.map(([i, k]) => [i, fromBase64Url(k)! as MessageKey])),
    createdAt: s.createdAt,
    ...(s.lastHash ? { lastHash: fromBase64Url(s.lastHash)! } : {}),
    ...(s.sharedWith ? { sharedWith: s.sharedWith } : {}),
    ...(s.offeredTo ? { offeredTo: s.offeredTo } : {}),
    ...(s.startKey ? { startKey: asChainKey(fromBase64Url(s.startKey)!) } : {}),
    ...(s.lateFrom ? { lateFrom: s.lateFrom } : {}),
    ...(s.initialKey ? { initialKey: asChainKey(fromBase64Url(s.initialKey)!) } : {}),
  };
}

export class SqliteSenderKeyStore implements SenderKeyStore {
  readonly #db: Db;
  readonly #cache = new Map<string, ChainState>();
  readonly #dirty = new Set<string>();
  #flushScheduled = false;
  constructor(db: Db) {
    this.#db = db;
    for (const row of db.prepare('SELECT chain_id, state FROM sender_keys').all() as Array<{
      chain_id: string;
      state: Buffer;
    }>) {
      this.#cache.set(row.chain_id, decode(row.state.toString('utf8')));
    }
  }
  #save(id: string, state: ChainState): void {
    this.#cache.set(id, state);
    this.#db
      .prepare('INSERT OR REPLACE INTO sender_keys VALUES (?, ?, ?)')
      .run(id, state.channelId, Buffer.from(encode(state)));
  }

  /**
   * Inbound chains change with every envelope opened; writing each change (and syncing it to disk)
   * made a catch-up spend most of its time here. Changes made in one turn of the event loop are
   * written together. A crash before that write only means an envelope may be opened a second
   * time, which the store ignores (events are idempotent by id).
   */
  #saveLater(id: string, state: ChainState): void {
    this.#cache.set(id, state);
    this.#dirty.add(id);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes pending inbound chain changes in one transaction. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#dirty.size === 0 || !this.#db.open) return;
    const ids = [...this.#dirty];
    this.#dirty.clear();
    const write = this.#db.prepare('INSERT OR REPLACE INTO sender_keys VALUES (?, ?, ?)');
    this.#db.transaction(() => {
      for (const id of ids) {
        const state = this.#cache.get(id);
        if (state) write.run(id, state.channelId, Buffer.from(encode(state)));
      }
    })();
  }
  get(id: ChainId): ChainState | undefined {
    return this.#cache.get(chainKeyId(id));
  }
  put(state: ChainState): void {
    this.#saveLater(chainKeyId(state), state);
  }
  outbound(channelId: string): ChainState | undefined {
    return this.#cache.get(OUTBOUND + channelId);
  }
  /** Written at once: an index used by a sent envelope must never be handed out again. */
  setOutbound(state: ChainState): void {
    this.#save(OUTBOUND + state.channelId, state);
  }
  chainsOf(channelId: string): ChainState[] {
    return [...this.#cache.entries()]
      .filter(([id, c]) => !id.startsWith(OUTBOUND) && c.channelId === channelId)
      .map(([, c]) => c);
  }
  /** Written at once, with a change still waiting for the next flush dropped first. */
  forgetChannel(channelId: string): void {
    for (const [id, c] of this.#cache) {
      if (c.channelId !== channelId) continue;
      this.#cache.delete(id);
      this.#dirty.delete(id);
    }
    this.#db.prepare('DELETE FROM sender_keys WHERE channel_id = ?').run(channelId);
  }
}
