// Whether the relay's store can take writes, checked with a real write (store.probeWritable)
// every few seconds, on /readyz and right after a request failed. The log gets one line per
// change of state ("storage failing" with the reason, "storage recovered"), not one per failed
// request or probe: an outage of the database or a full disk shows up in the log once, also on a
// relay nobody talks to, and does not flood it while it lasts.
import type { RelayLog } from './log.ts';
import type { RelayStore } from './store/store.ts';

/** A probe that takes longer than this counts as failed (a database that does not answer). */
export const PROBE_TIMEOUT_MS = 2_000;

export class StorageHealth {
  readonly #store: RelayStore;
  readonly #log: RelayLog;
  readonly #onError: () => void;
  #failing = false;
  #running: Promise<boolean> | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(store: RelayStore, log: RelayLog, onError: () => void) {
    this.#store = store;
    this.#log = log;
    this.#onError = onError;
  }

  get failing(): boolean {
    return this.#failing;
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => this.kick(), everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Starts a check without waiting for it (a timer, a failed request). */
  kick(): void {
    // check() does not reject: a failed probe is its answer.
    this.check().then(
      () => undefined,
      () => undefined,
    );
  }

  /** Runs the probe (one at a time: callers meanwhile share its answer); true when writable. */
  check(): Promise<boolean> {
    this.#running ??= this.#probe().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #probe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.#store.probeWritable(), timeout]);
    } catch (error) {
      this.failed(error);
      return false;
    } finally {
      clearTimeout(timer);
    }
    if (this.#failing) {
      this.#failing = false;
      this.#log.info('storage recovered', { store: this.#store.kind });
    }
    return true;
  }

  /** A store error seen anywhere: counted; logged when it starts a failing state. */
  failed(error: unknown): void {
    this.#onError();
    if (this.#failing) return;
    this.#failing = true;
    this.#log.error('storage failing', {
      store: this.#store.kind,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
