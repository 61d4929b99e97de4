// Uploads and downloads in progress: progress for the renderer (throttled, so a 100 MB transfer
// is a few dozen events, not thousands) and cancellation. A cancelled transfer stops at its next
// chunk: the progress callback the transport calls after every chunk throws `TransferCancelled`.
import type { TransferProgress } from '@klinikfunk/protocol/api/features/files.ts';

export class TransferCancelled extends Error {
  constructor() {
    super('transfer cancelled');
    this.name = 'TransferCancelled';
  }
}

interface Entry {
  profileId: string;
  cancelled: boolean;
  /** Per phase: an upload reports encrypting and transfer interleaved, each throttled on its own. */
  lastEmit: Map<string, number>;
}

const EMIT_EVERY_MS = 100;

export class Transfers {
  readonly #entries = new Map<string, Entry>();
  readonly #emit: (progress: TransferProgress) => void;
  readonly #now: () => number;

  constructor(emit: (progress: TransferProgress) => void, now: () => number) {
    this.#emit = emit;
    this.#now = now;
  }

  start(id: string, profileId: string): void {
    this.#entries.set(id, { profileId, cancelled: false, lastEmit: new Map() });
  }

  /** Only the profile that started a transfer may cancel it. Unknown ids are ignored (it may just have ended). */
  cancel(id: string, profileId: string): void {
    const entry = this.#entries.get(id);
    if (entry && entry.profileId === profileId) entry.cancelled = true;
  }

  /** The profile signed out or locked: every transfer stops at its next chunk. */
  cancelAll(): void {
    for (const entry of this.#entries.values()) entry.cancelled = true;
  }

  isCancelled(id: string): boolean {
    return this.#entries.get(id)?.cancelled ?? false;
  }

  /** Throws TransferCancelled once the transfer was cancelled. */
  check(id: string): void {
    if (this.isCancelled(id)) throw new TransferCancelled();
  }

  progress(id: string, direction: 'up' | 'down', phase: 'encrypting' | 'transfer', done: number, total: number): void {
    this.check(id);
    const entry = this.#entries.get(id);
    const now = this.#now();
    // The first event of each phase always goes out, then at most one per interval (and the last).
    const last = entry?.lastEmit.get(phase);
    if (!entry || (last !== undefined && now - last < EMIT_EVERY_MS && done < total)) return;
    entry.lastEmit.set(phase, now);
    this.#emit({ transferId: id, direction, phase, done, total });
  }

  end(id: string, direction: 'up' | 'down', phase: 'done' | 'failed' | 'cancelled', total: number): void {
    this.#entries.delete(id);
    this.#emit({ transferId: id, direction, phase, done: phase === 'done' ? total : 0, total });
  }
}
