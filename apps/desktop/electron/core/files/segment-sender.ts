// Sends a file's ciphertext to the relay in segments while the rest is still being encrypted.
// The relay addresses a blob by the SHA-256 of its bytes, which is known only once they are all
// there; cutting the ciphertext into segments of about SEGMENT_BYTES, each its own blob, lets
// segment n travel while segment n+1 is encrypted, instead of encrypting the whole file first.
// file.share lists the segments' hashes in order (`parts`); a file of one segment needs no list.
//
//   encrypt ─► [seg 0][seg 1][seg 2]…   push() waits while more than MAX_QUEUED segments are held,
//                 │      │               so memory stays at a few segments whatever the file size
//                 ▼      ▼
//              putBlob putBlob …        one after another, each with its chunks pipelined
import { MAX_FILE_PARTS } from '@klinikfunk/protocol/domain/events.ts';
import type { BlobProgress, Transport } from '../transport/transport.ts';

export const SEGMENT_BYTES = 4 * 1024 * 1024;

/** 4 MiB (SEGMENT_BYTES), or larger for files that would need more than MAX_FILE_PARTS segments (ciphertext is a little larger than the plaintext). */
export function segmentBytesFor(plaintextSize: number): number {
  return Math.max(SEGMENT_BYTES, Math.ceil(plaintextSize / MAX_FILE_PARTS) + 1024 * 1024);
}
/** Segments held (the one in flight included) before push() waits: the next is ready when one ends. */
const MAX_QUEUED = 2;

export class SegmentSender {
  readonly #transport: Transport;
  readonly #onProgress: (p: BlobProgress) => void;
  readonly #total: number;
  readonly #queue: Uint8Array[] = [];
  readonly #parts: string[] = [];
  /** Every blob begun at the relay, the one cut off by a failure or cancel too. */
  readonly #begun = new Set<string>();
  #sent = 0;
  #running: Promise<void> | null = null;
  #failure: unknown = null;
  #room: (() => void) | null = null;
  #aborted = false;
  #onAbort: () => void = () => {};
  readonly #abortedSignal = new Promise<void>((resolve) => (this.#onAbort = resolve));

  /** `total` is the expected ciphertext size, for progress only. */
  constructor(transport: Transport, total: number, onProgress: (p: BlobProgress) => void) {
    this.#transport = transport;
    this.#total = total;
    this.#onProgress = onProgress;
  }

  /** The relay blobs this upload began (complete or not): what a dropped upload leaves there. */
  get begun(): string[] {
    return [...this.#begun];
  }

  /** Bytes the relay has confirmed so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Queues the next segment; resolves when there is room for another (backpressure). */
  async push(segment: Uint8Array): Promise<void> {
    this.#check();
    this.#queue.push(segment);
    this.#running ??= this.#run();
    while (this.#queue.length > MAX_QUEUED && this.#failure === null)
      await new Promise<void>((resolve) => (this.#room = resolve));
    this.#check();
  }

  /** Waits for every queued segment; the relay blob ids in file order. */
  async finish(): Promise<string[]> {
    // An abort ends the wait at once, even while a segment still waits for the relay to come back.
    await Promise.race([this.#running, this.#abortedSignal]);
    this.#check();
    return [...this.#parts];
  }

  /** Stops at the next chunk; a pending finish() rejects. */
  abort(reason: unknown): void {
    this.#aborted = true;
    this.#onAbort();
    this.#failure ??= reason;
    this.#queue.length = 0;
    this.#wake();
  }

  async #run(): Promise<void> {
    try {
      while (this.#queue.length > 0 && this.#failure === null) {
        const segment = this.#queue[0]!;
        const base = this.#sent;
        const { hash } = await this.#transport.putBlob(segment, {
          timeoutMs: 120_000,
          onHash: (hash) => this.#begun.add(hash),
          onProgress: (p) => {
            if (this.#aborted) throw this.#failure;
            this.#onProgress({ done: Math.min(this.#total, base + p.done), total: this.#total });
          },
        });
        this.#parts.push(hash);
        this.#sent = base + segment.length;
        this.#queue.shift();
        this.#wake();
      }
    } catch (error) {
      this.#failure ??= error;
      // Nothing more will be sent: let go of the waiting segments at once.
      this.#queue.length = 0;
      this.#wake();
    } finally {
      this.#running = null;
    }
  }

  #wake(): void {
    const room = this.#room;
    this.#room = null;
    room?.();
  }

  #check(): void {
    if (this.#failure !== null) throw this.#failure;
  }
}
