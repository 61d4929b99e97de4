// Group commit across connections: the publishes every connection hands in during one turn of the
// event loop are stored in one store transaction (one fsync on SQLite, one statement on
// PostgreSQL), and each connection gets its own results back to ack. A connection's publishes
// still keep their order: it hands in its next ones only after its last were answered. The
// promise resolves only after the store call returned, that is after the commit is durable, so
// an ack given from it means what it always meant (docs/relay-protocol.md, "Acks and durability").
import type { AppendItem, AppendResult, RelayStore } from './store/store.ts';

interface Request {
  items: readonly AppendItem[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most items in one store call (requests are never split, so one may pass it alone). */
  maxItems: number;
  /** Store calls in flight at once (1 for SQLite, whose calls block the loop anyway). */
  maxInFlight: number;
}

export class GroupCommit {
  readonly #store: RelayStore;
  readonly #options: GroupCommitOptions;
  #waiting: Request[] = [];
  #scheduled = false;
  #inFlight = 0;
  /** Store calls made and items stored through them (the bench and tests read the ratio). */
  readonly counts = { commits: 0, items: 0 };

  /** Publishes handed in and not yet given to the store (they wait for the next group). */
  get waiting(): number {
    return this.#waiting.reduce((n, r) => n + r.items.length, 0);
  }

  constructor(store: RelayStore, options: GroupCommitOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** Stores the items (store.appendBatch rules), together with what other connections hand in this turn. */
  append(items: readonly AppendItem[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ items, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#options.maxInFlight || this.#waiting.length === 0) return;
    this.#scheduled = true;
    // After the poll phase: every frame read from any socket in this turn has been handed in.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#waiting.length > 0) {
      const group: Request[] = [];
      let count = 0;
      while (
        this.#waiting.length > 0 &&
        (group.length === 0 || count + this.#waiting[0]!.items.length <= this.#options.maxItems)
      ) {
        const next = this.#waiting.shift()!;
        group.push(next);
        count += next.items.length;
      }
      this.#inFlight++;
      const done = () => {
        this.#inFlight--;
        this.#schedule();
      };
      // #commit answers every request itself (resolve or reject); it does not reject.
      this.#commit(group).then(done, done);
    }
  }

  async #commit(group: Request[]): Promise<void> {
    this.counts.commits++;
    this.counts.items += group.reduce((n, r) => n + r.items.length, 0);
    try {
      const results = await this.#store.appendBatch(group.flatMap((r) => r.items));
      let at = 0;
      for (const request of group) {
        request.resolve(results.slice(at, at + request.items.length));
        at += request.items.length;
      }
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      // One connection's publishes must not fail another's: each goes again on its own, and only
      // the one that fails again is answered with the error.
      for (const request of group) {
        try {
          request.resolve(await this.#store.appendBatch(request.items));
        } catch (own) {
          request.reject(own);
        }
      }
    }
  }
}
